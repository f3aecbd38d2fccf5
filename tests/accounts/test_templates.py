"""Every account page renders in the site's layout and within the Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache

from tests.factories.accounts import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-not-a-token/",
    "/accounts/confirm-email/not-a-key/",
]
SIGNED_IN_PAGES = [
    "/account/",
    "/account/delete/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/sessions/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
]
WITH_MFA_PAGES = [
    "/accounts/2fa/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def assert_site_page_within_csp(response) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html, "rendered inside templates/base.html"
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert re.search(r"<title>\s*\S[^<]* – Opt-Out Guide</title>", html)
    assert not re.search(r"\sstyle=", html), "inline style attributes are refused by the CSP"
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "nonce=" in script, script
    assert not re.search(r"""(?:src|href|action)=["']https?://""", html), "no third-party requests"


def _reauthenticated(client):
    client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_it_renders_anonymous_pages(client, url):
    assert_site_page_within_csp(client.get(url))


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_it_renders_signed_in_pages(client, url):
    make_user()
    assert_site_page_within_csp(_reauthenticated(client).get(url))


@pytest.mark.parametrize("url", WITH_MFA_PAGES)
def test_it_renders_two_factor_pages(client, url):
    make_user()
    _reauthenticated(client)
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)
    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert Authenticator.objects.count() == 2
    assert_site_page_within_csp(client.get(url))


def test_it_renders_the_second_step_of_sign_in(client):
    user = make_user()
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert_site_page_within_csp(client.get("/accounts/2fa/authenticate/"))


def test_it_renders_the_verification_sent_page(client):
    client.post("/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD})
    assert_site_page_within_csp(client.get("/accounts/confirm-email/"))


def test_the_check_catches_an_inline_style():
    """The assertions above can fail."""

    class Page:
        status_code = 200
        content = b'<title>X \xe2\x80\x93 Opt-Out Guide</title><header class="site-header"></header><h1>X</h1><form style="display: none">'

    with pytest.raises(AssertionError, match="inline style"):
        assert_site_page_within_csp(Page())
