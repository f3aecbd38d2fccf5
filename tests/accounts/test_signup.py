from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache

from tests.factories.accounts import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _sign_up(client, email="new@example.org", password=PASSWORD, password2=None):
    return client.post("/accounts/signup/", {"email": email, "password1": password, "password2": password2 or password})


def test_it_signs_up_verifies_and_signs_in(client):
    """Sign-up sends a verification link; the address is confirmed by a click, then the person signs in."""
    response = _sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new@example.org")
    assert not user.username.startswith("new"), "the username must not repeat the email address"
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert user.username not in mail.outbox[0].body, "people are named by their address, not a random username"

    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    # A visit (a mail scanner following the link) does not confirm.
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(email="new@example.org").verified
    assert client.post(link)["Location"] == "/accounts/login/"
    assert EmailAddress.objects.get(email="new@example.org").verified

    response = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response["Location"] == "/plan/"
    assert client.get("/account/").status_code == 200


def test_it_does_not_sign_in_before_verification(client):
    _sign_up(client)
    client.logout()
    response = client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/account/")["Location"].startswith("/accounts/login/")


def test_it_shows_errors_at_the_fields_and_keeps_the_email(client):
    response = _sign_up(client, email="new@example.org", password=PASSWORD, password2="something else entirely")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_password2"' in html
    assert 'id="id_password2_error"' in html
    assert 'value="new@example.org"' in html
    assert not User.objects.filter(email="new@example.org").exists()
    assert mail.outbox == []


def test_it_refuses_a_weak_password(client):
    response = _sign_up(client, password="password")
    assert response.status_code == 200
    assert 'id="id_password1_error"' in response.content.decode()
    assert not User.objects.exists()


def test_it_does_not_reveal_that_an_address_has_an_account(client):
    """Signing up with a taken address looks the same, and the owner is told by email."""
    make_user("taken@example.org")
    response = _sign_up(client, email="taken@example.org")
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert mail.outbox[0].to == ["taken@example.org"]


def test_it_rate_limits_sign_ups_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    assert _sign_up(client, email="a1@example.org").status_code == 302
    assert _sign_up(client, email="a2@example.org").status_code == 302
    response = _sign_up(client, email="a3@example.org")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
