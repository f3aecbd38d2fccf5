"""Fixtures shared by the whole suite."""

from __future__ import annotations

import importlib
import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's
# async-safety check would otherwise refuse ORM calls from browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    """Browser tests need a Chromium on PATH: skip them visibly, or stop the run when REQUIRE_BROWSER=1."""
    if CHROMIUM:
        return
    browser_items = [item for item in items if "browser" in item.keywords]
    reason = "Chromium not found on PATH (apt-get install chromium)"
    if browser_items and REQUIRE_BROWSER:
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {reason}: {len(browser_items)} browser tests cannot run.")
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=f"{reason}; browser tests skipped"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _let_flush_clear_events(request):
    """Transactional tests end with a flush, which on SQLite DELETEs every row; the
    append-only triggers on the event table would refuse that. Just before the
    flush, lift the triggers, clear the events and put the triggers back.
    (PostgreSQL flushes with TRUNCATE, which row triggers do not see.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    transactional = transactional or bool(marker and marker.kwargs.get("transaction"))
    if transactional:
        # Set the database up before this fixture, so it is torn down (flushed) after it.
        request.getfixturevalue("_django_db_helper")
    yield
    if not transactional:
        return
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("requests_app.migrations.0004_event_append_only")
    with connection.cursor() as cursor:
        for statement in triggers.SQLITE_BACKWARD:
            cursor.execute(statement)
        cursor.execute("DELETE FROM requests_app_event")
        for statement in triggers.SQLITE_FORWARD:
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in German leaves German active in the test's thread (LocaleMiddleware activates a
    language and nothing deactivates it): put the default back, so no test depends on what ran before."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache, and every test client comes from 127.0.0.1:
    start each test with none, so one test's failed logins never throttle another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def editor_client(client):
    """The test client signed in as a content editor (staff, two factors, the "Content editors" group)."""
    from tests.factories.admin import make_editor

    client.force_login(make_editor())
    return client


@pytest.fixture
def superuser_client(client):
    """The test client signed in as a superuser with two factors."""
    from django.contrib.auth.models import User

    from tests.factories.admin import PASSWORD, with_totp

    user = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    with_totp(user)
    client.force_login(user)
    return client
