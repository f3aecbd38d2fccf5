"""wizard/plan_store.py: a visitor's plan moves into their account on sign-up and sign-in, merged with what is there."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import RequestFactory

from requests_app.models import Plan
from requests_app.wizard import plan_session, plan_store
from tests.factories.accounts import PASSWORD, make_user

SESSION_PLAN = {
    "version": 1,
    "answers": {"country": "germany", "platforms": ["instagram"], "accounts": {"instagram": 1}, "name": "Anna"},
    "done": ["object-ai-instagram#1:object-ai-instagram-1"],
}


def seed_session(client, data=SESSION_PLAN):
    session = client.session
    session[plan_session.SESSION_KEY] = data
    session.save()


def test_merge_lets_the_sessions_answers_win_and_unions_done_steps():
    account = {"version": 1, "answers": {"country": "ireland", "name": "A", "explanation": "old"}, "done": ["a", "b"]}
    session = {"version": 1, "answers": {"country": "germany", "name": "Anna"}, "done": ["b", "c"]}
    merged = plan_session.merge_plan_data(account, session)
    assert merged["answers"] == {"country": "germany", "name": "Anna", "explanation": "old"}
    assert merged["done"] == ["a", "b", "c"]


def test_merge_ignores_a_tampered_session():
    account = {"version": 1, "answers": {"country": "ireland"}, "done": ["a"]}
    assert plan_session.merge_plan_data(account, {"version": 99, "answers": {"country": "x"}}) == {**account}
    assert plan_session.merge_plan_data(account, {"answers": "nonsense", "done": [1, None]})["done"] == ["a"]


@pytest.mark.django_db
def test_it_claims_the_plan_on_sign_in_and_clears_the_session(client):
    user = make_user("anna@example.org")
    seed_session(client)
    response = client.post("/accounts/login/", {"login": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert Plan.objects.get(user=user).data == SESSION_PLAN
    assert plan_session.SESSION_KEY not in client.session


@pytest.mark.django_db
def test_it_merges_into_an_existing_plan_on_sign_in(client):
    user = make_user("anna@example.org")
    Plan.objects.create(
        user=user, data={"version": 1, "answers": {"country": "ireland", "explanation": "x"}, "done": ["old"]}
    )
    seed_session(client)
    client.post("/accounts/login/", {"login": "anna@example.org", "password": PASSWORD})
    data = Plan.objects.get(user=user).data
    assert data["answers"]["country"] == "germany"
    assert data["answers"]["explanation"] == "x"
    assert data["done"] == ["old", "object-ai-instagram#1:object-ai-instagram-1"]


@pytest.mark.django_db
def test_a_failed_sign_in_claims_nothing(client):
    user = make_user("anna@example.org")
    seed_session(client)
    client.post("/accounts/login/", {"login": "anna@example.org", "password": "wrong password!"})
    assert not Plan.objects.filter(user=user).exists()
    assert plan_session.read(client.session) == SESSION_PLAN


@pytest.mark.django_db
def test_sign_in_without_a_session_plan_creates_no_plan(client):
    user = make_user("anna@example.org")
    client.post("/accounts/login/", {"login": "anna@example.org", "password": PASSWORD})
    assert not Plan.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_it_claims_the_plan_on_sign_up_and_keeps_it_in_the_session_until_sign_in(client):
    seed_session(client)
    response = client.post(
        "/accounts/signup/", {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert Plan.objects.get(user=user).data == SESSION_PLAN
    # Not signed in until the address is verified: the visitor still sees their plan.
    assert plan_session.read(client.session) == SESSION_PLAN
    EmailAddress.objects.filter(user=user).update(verified=True)
    client.post("/accounts/login/", {"login": "new@example.org", "password": PASSWORD})
    assert Plan.objects.get(user=user).data == SESSION_PLAN
    assert plan_session.SESSION_KEY not in client.session


@pytest.mark.django_db
def test_load_and_save_use_the_account_when_signed_in_and_the_session_otherwise(client):
    user = make_user("anna@example.org")
    request = RequestFactory().get("/plan/")
    request.session = client.session
    request.user = user
    assert plan_store.load_plan_data(request) == plan_session.empty()
    plan_store.save_plan_data(request, SESSION_PLAN)
    assert Plan.objects.get(user=user).data == SESSION_PLAN
    assert plan_store.load_plan_data(request) == SESSION_PLAN
    assert plan_session.SESSION_KEY not in request.session

    from django.contrib.auth.models import AnonymousUser

    visitor = RequestFactory().get("/plan/")
    visitor.session = client.session
    visitor.user = AnonymousUser()
    plan_store.save_plan_data(visitor, SESSION_PLAN)
    assert plan_store.load_plan_data(visitor) == SESSION_PLAN
    assert Plan.objects.count() == 1
