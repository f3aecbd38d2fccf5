"""Fixtures shared by the whole suite."""

from __future__ import annotations

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
