from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

EMAIL = "private.person@example.org"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def _everything_logged(caplog) -> str:
    """The log lines as the configured formatter writes them, tracebacks included."""
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_it_keeps_email_addresses_out_of_the_logs(client, caplog):
    """Everything at DEBUG, as with LOG_LEVEL=DEBUG, and Django's request log opened up to 4xx warnings."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.request")
    client.post("/accounts/signup/", {"email": EMAIL, "password1": PASSWORD, "password2": PASSWORD})
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    client.post(link)
    client.post("/accounts/login/", {"login": EMAIL, "password": "wrong password"})
    client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    client.post("/accounts/logout/")
    client.post("/accounts/password/reset/", {"email": EMAIL})
    # Not found and rate-limited responses are logged by Django; they must not carry the address either.
    client.get("/accounts/nothing-here/")
    for _ in range(6):
        client.post("/accounts/password/reset/", {"email": EMAIL})
    # Queries are captured, as in every test that counts them, and are logged at DEBUG with their parameters.
    with CaptureQueriesContext(connection):
        client.post("/accounts/login/", {"login": EMAIL, "password": PASSWORD})

    logged = _everything_logged(caplog)
    assert caplog.records, "the flows above are expected to log something (404, 429)"
    assert "private.person" not in logged
    assert "example.org" not in logged


def test_it_would_notice_an_address_in_the_logs(caplog):
    """The check above can fail: an address logged anywhere shows up in what it inspects."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("requests_app").info("signed up %s", EMAIL)
    assert "private.person" in _everything_logged(caplog)
