from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.test import Client

from tests.factories.accounts import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _signed_in_client(user_agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent)
    client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    return client


def test_it_lists_both_sessions_and_ends_the_other_one():
    make_user()
    laptop = _signed_in_client("Laptop Firefox")
    phone = _signed_in_client("Phone Safari")

    response = laptop.get("/accounts/sessions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Laptop Firefox" in html
    assert "Phone Safari" in html
    assert html.count('class="tag">Current<') == 1
    assert "no-store" in response["Cache-Control"]

    response = laptop.post("/accounts/sessions/")
    assert response.status_code == 302
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == ["Laptop Firefox"]
    assert phone.get("/account/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/account/").status_code == 200


def test_it_shows_only_your_own_sessions():
    make_user()
    make_user("bob@example.org")
    alice = _signed_in_client("Alice's browser")
    bob = Client(HTTP_USER_AGENT="Bob's browser")
    bob.post("/accounts/login/", {"login": "bob@example.org", "password": PASSWORD})

    html = alice.get("/accounts/sessions/").content.decode()
    assert "Bob&#x27;s browser" not in html
    assert "Alice&#x27;s browser" in html
    alice.post("/accounts/sessions/")
    assert bob.get("/account/").status_code == 200


def test_it_needs_a_signed_in_person(client):
    assert client.get("/accounts/sessions/")["Location"].startswith("/accounts/login/")
