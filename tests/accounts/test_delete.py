from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client

from requests_app.accounts.sessions import SessionStore
from tests.factories.accounts import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def alice():
    user = make_user()
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00", "used_mask": 0})
    return user


def _signed_in(user, user_agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    client.force_login(user)
    client.get("/account/")  # recorded by allauth.usersessions
    return client


def test_it_asks_for_the_password(alice):
    client = _signed_in(alice, "Laptop")
    response = client.get("/account/delete/")
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.content.decode()


def test_it_refuses_a_wrong_password_at_the_field_and_deletes_nothing(alice):
    client = _signed_in(alice, "Laptop")
    response = client.post("/account/delete/", {"password": "not my password"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_password"' in html
    assert 'id="id_password_error"' in html
    assert "The password is not correct" in html
    assert "Clear-Site-Data" not in response
    assert User.objects.filter(pk=alice.pk).exists()
    assert EmailAddress.objects.filter(user=alice).exists()
    assert Authenticator.objects.filter(user=alice).exists()
    assert UserSession.objects.filter(user=alice).count() == 1
    assert client.get("/account/").status_code == 200


def test_it_deletes_the_user_everything_that_names_them_and_every_session(alice):
    laptop = _signed_in(alice, "Laptop")
    phone = _signed_in(alice, "Phone")
    bob = _signed_in(make_user("bob@example.org"), "Bob's laptop")
    assert Session.objects.count() == 3

    response = laptop.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response["Cache-Control"]

    assert not User.objects.filter(pk=alice.pk).exists()
    assert not EmailAddress.objects.filter(email="alice@example.org").exists()
    assert not Authenticator.objects.exists()
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == ["Bob's laptop"]
    # Only Bob's session is left in the session store: Alice's laptop and phone sessions are gone.
    left = [SessionStore().decode(s.session_data).get("_auth_user_id") for s in Session.objects.all()]
    assert left == [str(bob.session["_auth_user_id"])]
    assert phone.get("/account/")["Location"].startswith("/accounts/login/")
    assert bob.get("/account/").status_code == 200


def test_it_limits_password_guesses(alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "3/m/user"}
    client = _signed_in(alice, "Laptop")
    for _ in range(3):
        assert client.post("/account/delete/", {"password": "guess"}).status_code == 200
    assert client.post("/account/delete/", {"password": PASSWORD}).status_code == 429
    assert User.objects.filter(pk=alice.pk).exists()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
