"""GET /requests/: the person's requests by urgency, and the plan's requests not tracked yet."""

from __future__ import annotations

import datetime

import pytest

from requests_app.models import Submission
from tests.factories.tracking import GERMAN_PLAN, file, make_guide, make_person, track

pytestmark = pytest.mark.django_db


def plan_with(accounts: int) -> dict:
    return {**GERMAN_PLAN, "answers": {**GERMAN_PLAN["answers"], "accounts": {"instagram": accounts}}}


def test_it_shows_overdue_requests_first_and_unmistakably(client):
    make_guide()
    user = make_person(plan=plan_with(2))
    track(user, item="object-ai-instagram#1")
    overdue = file(track(user, item="object-ai-instagram#2"))
    client.force_login(user)
    page = client.get("/requests/").content.decode()
    assert 'class="tag tag-red">Overdue<' in page
    days = (overdue.person_today() - overdue.due_on).days  # today where the person filed
    assert f"Overdue by {days} days" in page
    assert page.index("Overdue by") < page.index("Not filed yet")


def test_it_says_when_a_request_filed_long_ago_was_recorded_here(client):
    make_guide()
    user = make_person(plan=plan_with(2))
    recorded = datetime.datetime(2026, 12, 2, 17, 0, tzinfo=datetime.UTC)
    file(track(user, item="object-ai-instagram#1"), when=datetime.datetime(2025, 1, 31, 14, 30), now=recorded)
    file(track(user, item="object-ai-instagram#2"), when=datetime.datetime(2026, 12, 2, 9, 0), now=recorded)
    client.force_login(user)
    page = client.get("/requests/").content.decode()
    # Said once: for the request recorded later than it was filed, not for the one recorded the same day.
    assert page.count("recorded here on") == 1
    assert "Filed on 31 January 2025, recorded here on 2 December 2026" in page


def test_it_offers_to_track_the_plans_untracked_requests(client):
    make_guide()
    user = make_person()
    client.force_login(user)
    page = client.get("/requests/").content.decode()
    assert 'value="object-ai-instagram#1"' in page
    client.post("/requests/track/", {"item": "object-ai-instagram#1"})
    assert 'value="object-ai-instagram#1"' not in client.get("/requests/").content.decode()


def test_it_refuses_to_track_what_is_not_in_the_plan(client):
    make_guide()
    user = make_person()
    client.force_login(user)
    response = client.post("/requests/track/", {"item": "complaint-dpc"}, follow=True)
    assert "This request is not in your plan" in response.content.decode()
    assert not Submission.objects.exists()


def test_it_shows_only_the_persons_own_requests(client):
    make_guide()
    other = make_person("other@example.org")
    track(other)
    user = make_person()
    client.force_login(user)
    assert "You are not tracking any requests yet." in client.get("/requests/").content.decode()


@pytest.mark.parametrize("count", [1, 10])
def test_its_query_count_does_not_grow_with_the_requests(client, django_assert_num_queries, count):
    make_guide()
    user = make_person(plan=plan_with(count))
    for number in range(1, count + 1):
        file(track(user, item=f"object-ai-instagram#{number}"))
    client.force_login(user)
    # The guide snapshot is now kept (content.load_content), and the session's touch (requests_app.accounts.activity) done.
    client.get("/requests/")
    # Middleware: session, user. The page: count, page, plan, the guide's version, tracked items.
    with django_assert_num_queries(7):
        response = client.get("/requests/")
    assert response.content.decode().count('class="task request ') == count


def test_it_pages_the_list_and_answers_htmx_with_the_list_only(client):
    make_guide()
    user = make_person(plan=plan_with(10))
    for number in range(1, 11):
        track(user, item=f"object-ai-instagram#{number}")
    Submission.objects.bulk_create(
        [Submission(user=user, plan_item_key=f"x{n}", action_slug="x", action_title=f"Old {n}", region_slug="germany",
                    region_name="Germany", jurisdiction_slug="gdpr", law="gdpr") for n in range(15)]
    )  # fmt: skip
    client.force_login(user)
    page = client.get("/requests/?page=2", headers={"HX-Request": "true"}).content.decode()
    assert page.lstrip().startswith('<div id="submission-list">')
    assert "Page 2 of 2" in page
    assert "<html" not in page


def test_a_row_of_every_standing_needs_no_query_of_its_own(client, django_assert_num_queries):
    # The dashboard reads only some of a request's fields (DASHBOARD_FIELDS): a row that used another
    # would load it with one query per row.
    make_guide()
    user = make_person(plan=plan_with(8))
    statuses = [status for status, _label in Submission._meta.get_field("status").choices]
    for number, status in enumerate(statuses, start=1):
        submission = file(track(user, item=f"object-ai-instagram#{number}"))
        Submission.objects.filter(pk=submission.pk).update(status=status, extended=number % 2 == 0)
    # And one waiting for the person's answer to a request for clarification.
    paused = file(track(user, item="object-ai-instagram#8"))
    Submission.objects.filter(pk=paused.pk).update(paused_since=datetime.date(2025, 2, 10))
    client.force_login(user)
    client.get("/requests/")
    with django_assert_num_queries(7):
        response = client.get("/requests/")
    html = response.content.decode()
    assert html.count('class="task request ') == len(statuses) + 1
    for key in ("draft", "answered", "escalated", "paused"):
        assert f"request-{key}" in html
    assert "The company asked for clarification on 10 February 2025: the deadline is paused until you answer" in html
