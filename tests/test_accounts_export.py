from __future__ import annotations

import json

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from tests.test_accounts_factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    user = make_user()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "7365637265747365656473", "used_mask": 0}
    )
    return user


def test_it_downloads_everything_as_json(alice):
    client = Client(HTTP_USER_AGENT="Test Browser")
    client.force_login(alice)
    # allauth.usersessions records the session on the first signed-in request.
    client.get("/account/")
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="opt-out-guide-account.json"'
    assert "no-store" in response["Cache-Control"]

    data = json.loads(response.content)
    assert data["account"]["email"] == "alice@example.org"
    assert data["email_addresses"] == [{"email": "alice@example.org", "verified": True, "primary": True}]
    assert [a["type"] for a in data["two_factor_authentication"]] == ["totp", "recovery_codes"]
    assert [s["user_agent"] for s in data["sessions"]] == ["Test Browser"]
    assert data["sessions"][0]["ip"] == "127.0.0.1"


def test_it_contains_no_secrets(alice, client):
    client.force_login(alice)
    body = client.get("/account/export.json").content.decode()
    for secret in ("JBSWY3DPEHPK3PXP", "7365637265747365656473", alice.password, "secret", "seed", "session_key"):
        assert secret not in body
    assert client.session.session_key not in body


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/account/export.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
