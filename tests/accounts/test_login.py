from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.factories.accounts import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _log_in(client, email="alice@example.org", password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def test_it_signs_in_by_email_and_goes_to_the_plan(client):
    make_user()
    response = _log_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/plan/"


def test_it_follows_a_safe_next(client):
    make_user()
    assert _log_in(client, next="/requests/")["Location"] == "/requests/"
    client.logout()
    assert _log_in(client, next="https://evil.example/")["Location"] == "/plan/"


def test_it_says_the_password_is_wrong_and_keeps_the_email(client):
    make_user()
    response = _log_in(client, password="not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "The email address and/or password you specified are not correct." in html
    assert 'value="alice@example.org"' in html
    assert "_auth_user_id" not in client.session


def test_it_serves_the_sign_in_page_privately(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert 'for="id_login"' in response.content.decode()


def test_it_locks_an_address_after_five_failed_attempts(client):
    """Failed sign-ins per address are limited (login_failed: 5 per 5 minutes), even with the right password."""
    make_user()
    for _ in range(5):
        assert "are not correct" in _log_in(client, password="wrong password").content.decode()
    response = _log_in(client)
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_out_another_address(client):
    make_user()
    make_user("bob@example.org")
    for _ in range(5):
        _log_in(client, password="wrong password")
    assert _log_in(client, "bob@example.org")["Location"] == "/plan/"


def test_it_answers_429_when_one_address_floods_the_form(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    for n in range(3):
        assert _log_in(client, f"nobody{n}@example.org", "wrong password").status_code == 200
    response = _log_in(client, "nobody9@example.org", "wrong password")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_it_signs_out_with_a_post_and_clears_site_data(client):
    make_user()
    _log_in(client)
    response = client.post("/accounts/logout/")
    assert response["Location"] == "/"
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "_auth_user_id" not in client.session


def test_it_does_not_sign_out_on_a_get(client):
    """A link or image on another site must not be able to sign people out."""
    make_user()
    _log_in(client)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "Clear-Site-Data" not in response
    assert "_auth_user_id" in client.session
