from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.factories.accounts import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _log_in(client, email):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def test_it_sends_admin_sign_in_through_allauth(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"


def test_it_never_serves_the_admin_login_form(client):
    """Django's own admin form would skip two-factor authentication and rate limits."""
    response = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_sends_staff_without_two_factor_to_set_it_up(client):
    make_user("editor@example.org", is_staff=True)
    _log_in(client, "editor@example.org")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/admin/auth/user/")["Location"] == "/accounts/2fa/totp/activate/"


def test_it_lets_staff_with_two_factor_in(client):
    make_user("editor@example.org", is_staff=True, is_superuser=True)
    _log_in(client, "editor@example.org")
    client.get("/accounts/2fa/totp/activate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', page).group(1)
    client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})

    response = client.get("/admin/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_the_admin_to_people_without_staff_rights(client):
    make_user()
    _log_in(client, "alice@example.org")
    assert client.get("/admin/login/?next=/admin/").status_code == 403
