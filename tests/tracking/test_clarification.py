"""The clock that stops while the company asks for clarification (UK GDPR Art. 12A): recording it, the
moved due dates, and everything that follows them (standing, urgency, escalation, reminders)."""

from __future__ import annotations

import datetime

import pytest

from requests_app.models import ClarificationPause, Event, StatusChange, Submission, SubmissionStatus
from requests_app.tracking import deadlines
from requests_app.tracking.escalation import escalate
from requests_app.tracking.reminders import due_reminders
from requests_app.tracking.services import (
    CLARIFICATION_ANSWERED,
    CLARIFICATION_ASKED,
    TrackingError,
    clarification_offered,
    new_token,
    record_update,
)
from requests_app.tracking.standing import can_escalate, standing
from tests.factories.tracking import UK_ITEM, UK_PLAN, file, make_guide, make_person, track, uk_access_requests_pause

pytestmark = pytest.mark.django_db
LONDON = "Europe/London"


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=datetime.UTC)


@pytest.fixture
def guide(monkeypatch):
    uk_access_requests_pause(monkeypatch)
    return make_guide()


def uk_request(filed="2026-03-02", user=None):
    """Sam's WhatsApp access request, filed in London at 10:00 on `filed` (a Monday by default)."""
    user = user or make_person("sam@example.org", plan=UK_PLAN)
    submission = track(user, item=UK_ITEM, now=at(filed, 9))
    when = datetime.datetime.fromisoformat(filed).replace(hour=10)
    return file(submission, when=when, zone=LONDON, now=at(filed))


def update(submission, what, day, *, now=None, token=None, reply_text="", note=""):
    return record_update(
        submission=submission, what=what, happened_on=datetime.date.fromisoformat(day), note=note,
        reply_text=reply_text, token=token or new_token(), now=now or at(day, 18),
    )  # fmt: skip


def test_the_issue_example_asked_on_3_march_answered_on_12_march(guide):
    submission = uk_request()
    assert (submission.due_on, submission.extended_due_on) == (datetime.date(2026, 4, 2), datetime.date(2026, 6, 2))
    assert clarification_offered(submission) == CLARIFICATION_ASKED

    update(submission, CLARIFICATION_ASKED, "2026-03-03", reply_text="Which chats do you mean?")
    submission.refresh_from_db()
    assert submission.paused_since == datetime.date(2026, 3, 3)
    assert submission.status == SubmissionStatus.FILED  # the status is unchanged
    assert clarification_offered(submission) == CLARIFICATION_ANSWERED
    asked = Event.objects.filter(submission_id=submission.pk, type="status_changed").get()
    assert asked.data["clarification"] == "asked"
    assert asked.data["due_on"] is None  # nothing is due while the company waits
    assert asked.data["paused_days"] == 0  # the days of an unanswered pause are not counted yet
    assert asked.data["happened_on"] == "2026-03-03"
    assert Event.objects.filter(submission_id=submission.pk, type="reply_recorded").count() == 1

    update(submission, CLARIFICATION_ANSWERED, "2026-03-12")
    submission.refresh_from_db()
    assert submission.paused_since is None
    # 2 April plus the ten days 3-12 March is Sunday 12 April: Monday 13 April.
    assert submission.due_on == datetime.date(2026, 4, 13)
    assert submission.extended_due_on == datetime.date(2026, 6, 12)
    answered = Event.objects.filter(submission_id=submission.pk, type="status_changed").order_by("seq").last()
    assert answered.data["clarification"] == "answered"
    assert (answered.data["due_on"], answered.data["paused_days"]) == ("2026-04-13", 10)
    pause = ClarificationPause.objects.get(submission=submission)
    assert (pause.asked_on, pause.answered_on) == (datetime.date(2026, 3, 3), datetime.date(2026, 3, 12))
    assert StatusChange.objects.filter(submission=submission).count() == 2


def test_while_paused_nothing_is_due_overdue_or_escalated_and_it_ranks_with_what_needs_the_person(guide):
    user = make_person("sam@example.org", plan=UK_PLAN)
    submission = uk_request(user=user)
    update(submission, CLARIFICATION_ASKED, "2026-03-31")
    submission.refresh_from_db()
    later = datetime.date(2026, 5, 1)  # long after the date that was due before the pause
    now_standing = standing(submission, later)
    assert (now_standing.key, now_standing.tag) == ("paused", "Paused")
    assert now_standing.detail == (
        "The company asked for clarification on 31 March 2026: the deadline is paused until you answer"
    )
    assert not can_escalate(submission, later)
    assert Submission.objects.for_user(user).by_urgency(later).get().urgency == 1
    with pytest.raises(TrackingError):
        escalate(
            submission=submission, route="reminder", authority_key="", plan_data=UK_PLAN, language="en",
            token=new_token(), now=at("2026-05-01"),
        )  # fmt: skip


def test_several_pauses_add_up_and_a_day_shared_by_two_counts_once(guide):
    submission = uk_request()
    update(submission, CLARIFICATION_ASKED, "2026-03-03")
    update(submission, CLARIFICATION_ANSWERED, "2026-03-04")
    update(submission, CLARIFICATION_ASKED, "2026-03-04")  # asked again on the day of the answer
    update(submission, CLARIFICATION_ANSWERED, "2026-03-05")
    update(submission, CLARIFICATION_ASKED, "2026-03-10")
    update(submission, CLARIFICATION_ANSWERED, "2026-03-10")
    submission.refresh_from_db()
    # 3-5 March and 10 March: four days; 2 April + 4 is Monday 6 April (the factory's calendar is "GB",
    # the holidays of the whole kingdom: Easter Monday is not one of them, Scotland has none).
    assert submission.due_on == datetime.date(2026, 4, 6)
    last = Event.objects.filter(submission_id=submission.pk, type="status_changed").order_by("seq").last()
    assert last.data["paused_days"] == 4


def test_the_same_form_sent_twice_records_one_pause(guide):
    submission = uk_request()
    token = new_token()
    first = update(submission, CLARIFICATION_ASKED, "2026-03-03", token=token)
    again = update(submission, CLARIFICATION_ASKED, "2026-03-03", token=token)
    assert first[1]
    assert again == (None, False)
    assert ClarificationPause.objects.count() == 1
    assert Event.objects.filter(submission_id=submission.pk, type="status_changed").count() == 1


@pytest.mark.parametrize(
    ("steps", "what", "day", "field", "message"),
    [
        ([], CLARIFICATION_ANSWERED, "2026-03-05", "what", "The company is not waiting for an answer from you"),
        ([], CLARIFICATION_ASKED, "2026-03-01", "happened_on", "when you filed the request"),
        ([], CLARIFICATION_ASKED, "2026-04-03", "happened_on", "The deadline passed on 2 April 2026"),
        ([(CLARIFICATION_ASKED, "2026-03-03")], CLARIFICATION_ASKED, "2026-03-04", "what", "already waiting"),
        ([(CLARIFICATION_ASKED, "2026-03-05")], CLARIFICATION_ANSWERED, "2026-03-04", "happened_on", "5 March 2026"),
        (
            [(CLARIFICATION_ASKED, "2026-03-05"), (CLARIFICATION_ANSWERED, "2026-03-09")],
            CLARIFICATION_ASKED,
            "2026-03-08",
            "happened_on",
            "on or after 9 March 2026, when you answered the last request for clarification",
        ),
        ([("granted", "2026-03-04")], CLARIFICATION_ASKED, "2026-03-05", "what", "still waiting for an answer"),
    ],
)
def test_it_refuses_what_the_law_or_the_calendar_rules_out(guide, steps, what, day, field, message):
    submission = uk_request()
    for step, step_day in steps:
        update(submission, step, step_day)
    submission.refresh_from_db()
    before = (Event.objects.count(), StatusChange.objects.count(), list(ClarificationPause.objects.values()))
    with pytest.raises(TrackingError) as error:
        update(submission, what, day, now=at("2026-04-20"))
    assert error.value.field == field
    assert message in error.value.message
    assert (Event.objects.count(), StatusChange.objects.count(), list(ClarificationPause.objects.values())) == before


def test_a_future_answer_is_refused(guide):
    submission = uk_request()
    update(submission, CLARIFICATION_ASKED, "2026-03-03")
    with pytest.raises(TrackingError) as error:
        update(submission, CLARIFICATION_ANSWERED, "2026-03-21", now=at("2026-03-20"))
    assert error.value.field == "happened_on"


def test_a_request_received_before_5_february_2026_keeps_the_old_rule(guide):
    submission = uk_request(filed="2026-02-04")
    assert clarification_offered(submission) is None
    with pytest.raises(TrackingError) as error:
        update(submission, CLARIFICATION_ASKED, "2026-02-10")
    assert error.value.message == (
        "The deadline for this request does not stop while the company asks for clarification"
    )


def test_an_objection_does_not_pause(guide):
    """Art. 12A(5) is for access requests: the German objection (and the UK one) have no pause."""
    submission = file(track(make_person()), when=datetime.datetime(2026, 3, 2, 10), now=at("2026-03-02"))
    assert clarification_offered(submission) is None
    with pytest.raises(TrackingError) as error:
        update(submission, CLARIFICATION_ASKED, "2026-03-03")
    assert error.value.field == "what"
    assert not ClarificationPause.objects.exists()


def test_reminders_wait_while_paused_and_follow_the_moved_date(guide):
    submission = uk_request()
    update(submission, CLARIFICATION_ASKED, "2026-03-30")
    # The week before the old due date (2 April): nothing, the clock is stopped.
    assert list(due_reminders(at("2026-03-31"))) == []
    update(submission, CLARIFICATION_ANSWERED, "2026-04-01", now=at("2026-04-01"))
    submission.refresh_from_db()
    # 30 March to 1 April: three days; 2 April + 3 is Sunday 5 April, so Monday 6 April.
    assert submission.due_on == datetime.date(2026, 4, 6)
    reminders = list(due_reminders(at("2026-04-01")))
    assert [(item.kind, item.due_on) for item in reminders] == [("week_before", datetime.date(2026, 4, 6))]


def test_the_due_dates_are_the_pure_modules(guide):
    """The stored dates are exactly what deadlines.py computes from the kept rule and the pauses."""
    from requests_app.tracking.rules import filed_rule

    submission = uk_request()
    update(submission, CLARIFICATION_ASKED, "2026-03-20")
    update(submission, CLARIFICATION_ANSWERED, "2026-03-27")
    submission.refresh_from_db()
    rule, pauses, today = filed_rule(submission), submission.pauses(), datetime.date(2026, 12, 2)
    assert submission.due_on == deadlines.due_date(submission.received_on, rule, pauses, today=today)
    assert submission.extended_due_on == deadlines.extended_due_date(submission.received_on, rule, pauses, today=today)
