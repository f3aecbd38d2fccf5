from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache

from tests.factories.accounts import make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_it_emails_a_reset_link_that_sets_a_new_password(client):
    make_user()
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]

    link = re.search(r"http://testserver(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)
    # allauth moves the key into the session and redirects to a key-less URL, so it never lingers in Referer.
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert User.objects.get(email="alice@example.org").check_password(NEW_PASSWORD)


def test_it_does_not_reveal_whether_an_address_has_an_account(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    # ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS is off: strangers get no mail from the reset form.
    assert mail.outbox == []


def test_it_refuses_a_tampered_key(client):
    user = make_user()
    response = client.get("/accounts/password/reset/key/1-not-a-real-token/")
    assert response.status_code == 200
    assert "bad token" in response.content.decode().lower()
    user.refresh_from_db()
    assert not user.check_password(NEW_PASSWORD)


def test_it_limits_reset_emails_per_address(client):
    make_user()
    for _ in range(5):
        client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 429
    assert len(mail.outbox) == 5
