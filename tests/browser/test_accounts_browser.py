from __future__ import annotations

import re

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache

from tests.factories.accounts import make_user, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EMAIL = "browser.person@example.org"
PASSWORD = "a long and unusual passphrase 7"


def assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_sign_up_verify_sign_in_and_manage_the_account(live_server, page):
    cache.clear()
    mail.outbox.clear()
    page.set_default_timeout(5000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else problems.append(f"request to {r.url}"),
    )

    page.goto(live_server.url + "/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill("a different passphrase 8")
    page.get_by_role("button", name="Sign Up").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    assert page.get_by_label("Email").input_value() == EMAIL

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Verify Your Email Address"
    assert_accessible(page)

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign In").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # LOGIN_REDIRECT_URL is /plan/, which may send someone without a plan on to the wizard.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(live_server.url + "/account/")
    assert page.get_by_text(EMAIL).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="View sessions").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sessions"
    assert_accessible(page)

    page.goto(live_server.url + "/accounts/2fa/")
    assert_accessible(page)
    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    # Adding an authenticator asks for the password again first.
    page.get_by_label("Password").fill(PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/account/delete/")
    assert_accessible(page)

    assert problems == []


def test_reset_password_second_factor_and_delete_the_account(live_server, page):
    cache.clear()
    mail.outbox.clear()
    page.set_default_timeout(5000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    user = make_user(EMAIL)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)

    page.goto(live_server.url + "/accounts/password/reset/")
    assert_accessible(page)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_role("button", name="Reset My Password").click()
    page.wait_for_url("**/accounts/password/reset/done/")
    assert_accessible(page)
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert_accessible(page)
    page.get_by_label("New Password", exact=True).fill(PASSWORD)
    page.get_by_label("New Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    page.wait_for_url("**/accounts/password/reset/key/done/")
    assert_accessible(page)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    assert_accessible(page)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    for url in ("/accounts/password/change/", "/accounts/email/", "/accounts/2fa/"):
        page.goto(live_server.url + url)
        assert_accessible(page)
    page.goto(live_server.url + "/accounts/2fa/recovery-codes/")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_label("Unused codes").is_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/account/delete/")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete your account").click()
    assert page.get_by_role("heading", name="Your account has been deleted").is_visible()
    assert_accessible(page)
    # Clear-Site-Data: "cookies" left the browser with no cookie for this site.
    assert page.context.cookies(live_server.url) == []
    assert not User.objects.filter(email=EMAIL).exists()
    assert problems == []
