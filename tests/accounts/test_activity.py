"""The idle timeout and "last seen", touched once an interval (requests_app.accounts.activity)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from requests_app.accounts.activity import TOUCHED, touch_due
from tests.factories.accounts import PASSWORD, make_user

INTERVAL = 60


@pytest.mark.parametrize(
    ("touched", "now", "due"),
    [
        (None, 1_000, True),  # never touched
        ("1000", 1_000, True),  # not ours: touch and replace it
        (1_000, 1_000, False),
        (1_000, 1_059.9, False),
        (1_000, 1_060, True),  # the interval has passed
        (1_000, 999, True),  # a clock that went back: touch rather than trust it
    ],
)
def test_touch_due(touched, now, due):
    assert touch_due(touched, now, INTERVAL) is due


@pytest.mark.slow  # hypothesis
@given(st.integers(min_value=0, max_value=2**40), st.floats(min_value=0, max_value=2**41), st.integers(1, 10**6))
def test_touch_due_is_never_longer_than_the_interval(touched, now, interval):
    # Untouched for a whole interval or more (or with the clock behind the touch): always due.
    if now - touched >= interval or now < touched:
        assert touch_due(touched, now, interval)
    else:
        assert not touch_due(touched, now, interval)


@pytest.fixture
def signed_in(db) -> Client:
    cache.clear()  # the login rate limit
    make_user()
    client = Client(HTTP_USER_AGENT="Laptop Firefox")
    client.post("/accounts/login/", {"login": "alice@example.org", "password": PASSWORD})
    return client


def _age_touch(client: Client, seconds: int) -> None:
    """As if the last touch was `seconds` ago and the session is about to expire."""
    session = client.session
    session[TOUCHED] = int(time.time()) - seconds
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    UserSession.objects.update(last_seen_at=timezone.now() - timedelta(seconds=seconds), ip="10.0.0.1")


@pytest.mark.django_db
def test_a_request_after_the_interval_pushes_the_timeout_forward_and_records_the_visit(signed_in):
    _age_touch(signed_in, INTERVAL + 1)
    response = signed_in.get("/account/")
    assert response.status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert settings.SESSION_COOKIE_NAME in response.cookies  # re-sent
    seen = UserSession.objects.get()
    assert seen.last_seen_at > timezone.now() - timedelta(seconds=10)
    assert seen.ip == "127.0.0.1"


@pytest.mark.django_db
def test_a_request_within_the_interval_writes_nothing(signed_in, django_assert_num_queries):
    _age_touch(signed_in, 5)
    before = Session.objects.get().expire_date
    # The session and the user: no session save, no UserSession update.
    with django_assert_num_queries(2):
        response = signed_in.get("/no-such-page/")
    assert response.status_code == 404
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get().expire_date == before
    assert UserSession.objects.get().ip == "10.0.0.1"


@pytest.mark.django_db
def test_a_visitor_session_is_kept_alive_too(client):
    session = client.session  # a visitor with answers: a session, no account
    session["plan"] = {"version": 1, "answers": {}, "done": []}
    session[TOUCHED] = int(time.time()) - INTERVAL - 1
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/healthz")
    assert Session.objects.get(session_key=session.session_key).expire_date > timezone.now() + timedelta(hours=1)
    assert not UserSession.objects.exists()


@pytest.mark.django_db
def test_a_request_without_a_session_cookie_starts_no_session(client):
    assert client.get("/healthz").status_code == 200
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_a_cookie_of_an_ended_session_starts_no_new_one(client):
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    client.get("/")
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_it_signs_out_after_the_idle_timeout(signed_in):
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert signed_in.get("/account/")["Location"].startswith("/accounts/login/")
