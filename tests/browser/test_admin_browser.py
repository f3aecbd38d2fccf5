"""A content editor signs in to admin with two factors, edits a step and finds the change in its history."""

from __future__ import annotations

import importlib
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache

from tests.factories.accounts import totp_code
from tests.factories.admin import PASSWORD, with_totp
from tests.factories.guide import make_action, make_step

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

group_migration = importlib.import_module("requests_app.migrations.0002_content_editors_group")
text_migration = importlib.import_module("requests_app.migrations.0011_translations_as_rows")


def content_editors() -> Group:
    """The group as migrations 0002 and 0011 (the text rows) make it.

    Transactional tests flush the database after they run, taking data migrations' rows with them;
    permissions come back (post_migrate), the group does not.
    """
    group, _ = Group.objects.get_or_create(name=group_migration.GROUP_NAME)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="requests_app",
            codename__in=group_migration._codenames() + text_migration._codenames(),
        )
    )
    return group


def test_an_editor_edits_a_step_and_sees_it_in_the_history(live_server, page):
    cache.clear()  # sign-in rate limits
    editor = User.objects.create_user("editor", "editor@example.org", PASSWORD, is_staff=True)
    editor.groups.add(content_editors())
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    secret = with_totp(editor)
    step = make_step(make_action("object-instagram", steps=0), slug="open-form", title_en="Open the form")

    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=login]", "editor@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", totp_code(secret))
    page.press("input[name=code]", "Enter")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.get_by_text("Opt-Out Guide content").first.is_visible()

    page.goto(f"{live_server.url}/admin/requests_app/step/{step.pk}/change/")
    # The title is on the step's text rows, one inline form per language, English (the source) first.
    page.fill("[name=texts-0-title]", "Open the objection form")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/requests_app/step/")
    assert page.locator("#result_list").get_by_role("link", name="Open the objection form").is_visible()

    text = step.texts.get(language="en")
    page.goto(f"{live_server.url}/admin/requests_app/steptext/{text.pk}/history/")
    history = page.locator("#change-history")
    assert history.get_by_text("editor").first.is_visible()
    assert history.get_by_text("Open the objection form").first.is_visible()


def test_a_stranger_is_sent_to_sign_in(live_server, page):
    page.goto(f"{live_server.url}/admin/requests_app/step/")

    assert "/accounts/login/" in page.url
    assert page.locator("input[name=password]").is_visible()
