from __future__ import annotations

import pytest

from tests.factories.accounts import make_user

pytestmark = pytest.mark.django_db


def test_it_shows_the_email_and_the_account_links(client):
    client.force_login(make_user())
    response = client.get("/account/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alice@example.org" in html
    for url in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/", "/accounts/sessions/"):
        assert f'href="{url}"' in html
    assert 'href="/account/export.zip"' in html
    assert 'href="/account/delete/"' in html
    assert "no-store" in response["Cache-Control"]


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_it_refuses_a_post(client):
    client.force_login(make_user())
    assert client.post("/account/").status_code == 405
