from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from tests.factories.accounts import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_it_changes_the_address_only_once_the_new_one_is_verified(client):
    user = make_user()
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": "new.alice@example.org"})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.alice@example.org"]
    user.refresh_from_db()
    assert user.email == "alice@example.org"

    html = client.get("/accounts/email/").content.decode()
    assert "new.alice@example.org" in html
    # The re-send and cancel buttons post through a form hidden by attribute, not by inline style.
    assert re.search(r'<form id="pending-email" method="post" action="/accounts/email/" hidden>', html)

    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new.alice@example.org"
    assert list(EmailAddress.objects.values_list("email", flat=True)) == ["new.alice@example.org"]


def test_it_refuses_an_invalid_address_at_the_field(client):
    client.force_login(make_user())
    response = client.post("/accounts/email/", {"action_add": "", "email": "not an address"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_email"' in html
    assert 'id="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'value="not an address"' in html
    assert mail.outbox == []


def test_it_needs_a_signed_in_person(client):
    assert client.get("/accounts/email/")["Location"].startswith("/accounts/login/")
