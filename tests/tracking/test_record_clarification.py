"""POST /requests/<id>/update/ with "they asked for clarification" and "I answered", and the request page
that shows the moved due date and says why."""

from __future__ import annotations

import datetime
import itertools

import pytest

from requests_app.letters.contract import format_date
from requests_app.models import ClarificationPause, Event, StatusChange
from requests_app.tracking import deadlines
from requests_app.tracking.rules import filed_rule
from tests.factories.tracking import UK_ITEM, UK_PLAN, file, make_guide, make_person, track, uk_access_requests_pause

pytestmark = pytest.mark.django_db
ASK = "They asked me for clarification (the deadline pauses)"
ANSWER = "I answered their request for clarification (the deadline runs again)"
TOKENS = (f"{n:032x}" for n in itertools.count(1))


@pytest.fixture
def guide(monkeypatch):
    uk_access_requests_pause(monkeypatch)
    return make_guide()


@pytest.fixture
def sam(client, guide):
    """Sam, signed in, with a WhatsApp access request filed in London on Monday 2 March 2026."""
    user = make_person("sam@example.org", plan=UK_PLAN)
    submission = track(user, item=UK_ITEM)
    submission = file(submission, when=datetime.datetime(2026, 3, 2, 10, 0), zone="Europe/London")
    client.force_login(user)
    return submission


def post(client, submission, what, day, **extra):
    return client.post(
        f"/requests/{submission.pk}/update/", {"what": what, "happened_on": day, "token": next(TOKENS), **extra}
    )


def test_the_page_of_a_request_whose_clock_stops_offers_to_record_a_request_for_clarification(client, sam):
    page = client.get(f"/requests/{sam.pk}/").content.decode()
    assert ASK in page
    assert ANSWER not in page


def test_the_page_of_an_objection_does_not_offer_it(client, guide):
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/").content.decode()
    assert "clarification" not in page


def test_asked_then_answered_moves_the_due_date_and_the_page_says_why(client, sam):
    response = post(client, sam, "clarification_asked", "2026-03-03", reply_text="Which chats do you mean?")
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{sam.pk}/#timeline"
    page = client.get(f"/requests/{sam.pk}/").content.decode()
    assert 'class="tag tag-yellow">Paused<' in page
    assert "The company asked for clarification on 3 March 2026: the deadline is paused until you answer" in page
    sam.refresh_from_db()
    today = sam.person_today()  # the page counts in the person's zone, not the server's
    if_today = deadlines.due_date(
        datetime.date(2026, 3, 2), filed_rule(sam), [deadlines.Pause(datetime.date(2026, 3, 3))], today=today
    )
    assert f"<strong>Paused</strong>: if you answer today, {format_date(if_today, 'en')}" in page
    assert "deadline.ics" not in page  # no date to put in a calendar while it moves every day
    assert client.get(f"/requests/{sam.pk}/deadline.ics").status_code == 404
    assert ANSWER in page
    assert ASK not in page
    assert "The company asked for clarification on 3 March 2026: the deadline paused." in page  # the timeline

    assert post(client, sam, "clarification_answered", "2026-03-12").status_code == 302
    page = client.get(f"/requests/{sam.pk}/").content.decode()
    assert '<strong class="due-date">13 April 2026</strong>' in page
    assert (
        "The company asked for clarification on 3 March 2026; the deadline was paused for 10 days, "
        "until you answered on 12 March 2026." in page
    )
    assert "Without the pause the answer would have been due on 2 April 2026." in page
    assert "both days included" in page
    assert "You answered on 12 March 2026: the deadline ran again, with the answer due on 13 April 2026." in page
    assert "deadline.ics" in page
    overdue = (sam.person_today() - datetime.date(2026, 4, 13)).days
    assert f"Overdue by {overdue} days (was due 13 April 2026)" in page


def test_a_forged_post_where_the_clock_does_not_stop_is_refused_with_a_message(client, guide):
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    response = post(client, submission, "clarification_asked", "2025-02-03", note="kept note")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The deadline for this request does not stop while the company asks for clarification" in page
    assert 'href="#id_what_0"' in page
    assert "kept note" in page
    assert not ClarificationPause.objects.exists()
    assert not StatusChange.objects.exists()
    assert Event.objects.filter(submission_id=submission.pk, type="status_changed").count() == 0


def test_an_answer_before_the_question_is_refused_at_the_date_and_what_was_typed_is_kept(client, sam):
    post(client, sam, "clarification_asked", "2026-03-05")
    response = post(client, sam, "clarification_answered", "2026-03-04", reply_text="Only the family group.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The date must be on or after 5 March 2026, when the company asked for clarification" in page
    assert 'href="#id_happened_on"' in page
    assert 'value="2026-03-04"' in page
    assert "Only the family group." in page
    assert ClarificationPause.objects.get().answered_on is None


@pytest.mark.parametrize("pauses", [1, 3])
def test_the_page_takes_one_query_more_for_a_request_whose_clock_stops_however_many_pauses(
    client, sam, django_assert_num_queries, pauses
):
    spans = (("2026-03-03", "2026-03-04"), ("2026-03-05", "2026-03-06"), ("2026-03-09", "2026-03-09"))
    for asked, answered in spans[:pauses]:
        post(client, sam, "clarification_asked", asked)
        post(client, sam, "clarification_answered", answered)
    client.get(f"/requests/{sam.pk}/")
    # As an objection's page (test_detail.py: overdue, so with its escalation routes), and its pauses.
    with django_assert_num_queries(11):
        client.get(f"/requests/{sam.pk}/")
