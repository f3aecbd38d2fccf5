"""/plan/ for an account holder: it reads the account's plan, and each request can be tracked from it."""

from __future__ import annotations

import datetime

import pytest

from requests_app.models import Plan, Submission
from requests_app.wizard import plan_session
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.tracking import GERMAN_PLAN, ITEM, make_guide, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide():
    return make_guide()


def test_it_shows_the_account_plan_with_a_track_button(client, guide):
    user = make_person()
    client.force_login(user)
    response = client.get("/plan/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Anna Muster" in body
    assert 'action="/requests/track/"' in body
    assert f'value="{ITEM}"' in body


def test_it_links_a_tracked_request_instead_of_offering_to_track_it_again(client, guide):
    user = make_person()
    client.force_login(user)
    response = client.post("/requests/track/", {"item": ITEM})
    submission = Submission.objects.get(user=user)
    assert response.url == f"/requests/{submission.pk}/"
    body = client.get("/plan/").content.decode()
    assert f'href="/requests/{submission.pk}/"' in body
    assert f'value="{ITEM}"' not in body


def test_a_visitor_is_offered_an_account_instead_of_tracking(client, guide):
    session = client.session
    session[plan_session.SESSION_KEY] = GERMAN_PLAN
    session.save()
    body = client.get("/plan/").content.decode()
    assert 'action="/requests/track/"' not in body
    assert 'href="/accounts/signup/"' in body


def test_ticking_a_step_when_signed_in_is_kept_in_the_account(client, guide):
    user = make_person()
    client.force_login(user)
    step_key = f"{ITEM}:object-ai-instagram-1"
    response = client.post("/plan/progress/", {"step": step_key, "done": "1"})
    assert response.status_code == 302
    assert step_key in Plan.objects.get(user=user).data["done"]


def test_another_accounts_plan_is_never_shown(client, guide):
    make_person("anna@example.org")
    other = make_user("ben@example.org")
    client.force_login(other)
    response = client.get("/plan/")
    assert response.status_code == 302
    assert response.url == "/start/"


def test_the_plan_begins_when_the_visitor_first_answered_not_at_sign_up(client, guide):
    """A visitor who files on Meta's form first and signs up days later can still record that filing."""
    session = client.session
    session[plan_session.SESSION_KEY] = {**GERMAN_PLAN, "started_at": "2025-01-20T09:00:00+00:00"}
    session.save()
    user = make_user("anna@example.org")
    client.post("/accounts/login/", {"login": "anna@example.org", "password": PASSWORD})
    plan = Plan.objects.get(user=user)
    assert plan.created_at == datetime.datetime(2025, 1, 20, 9, 0, tzinfo=datetime.UTC)
    assert plan.data["started_at"] == "2025-01-20T09:00:00+00:00"


def test_saving_answers_records_when_the_plan_began_once():
    session: dict = {}
    plan_session.save_answers(session, {"country": "germany"})
    first = plan_session.read(session)["started_at"]
    plan_session.save_answers(session, {"country": "ireland"})
    assert plan_session.read(session)["started_at"] == first


def test_a_malformed_start_is_dropped():
    stored = {plan_session.SESSION_KEY: {**GERMAN_PLAN, "started_at": "yesterday"}}
    assert "started_at" not in plan_session.read(stored)
    assert plan_session.started_at(plan_session.read(stored)) is None


def test_merging_keeps_the_earlier_start():
    early = {**GERMAN_PLAN, "started_at": "2025-01-01T00:00:00+00:00"}
    late = {**GERMAN_PLAN, "started_at": "2025-02-01T00:00:00+00:00"}
    assert plan_session.merge_plan_data(late, early)["started_at"] == "2025-01-01T00:00:00+00:00"
    assert plan_session.merge_plan_data(early, late)["started_at"] == "2025-01-01T00:00:00+00:00"
