from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache

from tests.factories.accounts import PASSWORD, make_user, totp_code, wrong_totp_code

pytestmark = pytest.mark.django_db

ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _sign_in(client):
    client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    # Adding an authenticator asks for the password again (allauth's reauthentication).
    assert client.get(ACTIVATE)["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})


@pytest.fixture
def signed_in(client):
    make_user()
    _sign_in(client)
    return client


def _secret_on_page(response) -> str:
    return re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', response.content.decode()).group(1)


def test_it_activates_totp_with_a_code_from_the_app(signed_in):
    response = signed_in.get(ACTIVATE)
    assert response.status_code == 200
    html = response.content.decode()
    # The QR code is inline: no request leaves the page.
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', html)
    secret = _secret_on_page(response)

    response = signed_in.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 1
    # allauth adds recovery codes with the first authenticator.
    assert Authenticator.objects.filter(type=Authenticator.Type.RECOVERY_CODES).count() == 1


def test_it_refuses_a_wrong_code_at_the_field(signed_in):
    secret = _secret_on_page(signed_in.get(ACTIVATE))
    response = signed_in.post(ACTIVATE, {"code": wrong_totp_code(secret)})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'id="id_code_error"' in html
    assert not Authenticator.objects.exists()


def test_it_asks_for_the_code_at_sign_in(client):
    make_user()
    _sign_in(client)
    secret = _secret_on_page(client.get(ACTIVATE))
    client.post(ACTIVATE, {"code": totp_code(secret)})
    client.post("/accounts/logout/")

    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/account/").status_code == 302, "not signed in before the second factor"

    wrong = client.post("/accounts/2fa/authenticate/", {"code": wrong_totp_code(secret)})
    assert wrong.status_code == 200
    assert "Incorrect code." in wrong.content.decode()

    # The activation code was used once already; the app's next code is accepted within the tolerance.
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret, step_offset=1)})
    assert response["Location"] == "/plan/"
    assert client.get("/account/").status_code == 200


def test_it_needs_a_signed_in_person(client):
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
