"""Submission: the time zone and day a request is judged by, what it froze, and its QuerySet's words."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from requests_app.models import Submission
from tests.factories.accounts import make_user
from tests.factories.tracking import SUBMISSION_NOW, make_submission

pytestmark = pytest.mark.django_db


def test_the_persons_zone_is_the_one_they_filed_in():
    assert Submission(filed_timezone="Europe/Berlin").person_zone() == ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("stored", ["", "Mars/Olympus_Mons", "../etc/passwd"])
def test_before_filing_or_for_an_unknown_zone_it_is_utc(stored):
    assert Submission(filed_timezone=stored).person_zone() == ZoneInfo("UTC")


def test_today_is_the_day_where_the_person_filed():
    late_evening_utc = datetime.datetime(2025, 3, 1, 23, 30, tzinfo=datetime.UTC)
    assert Submission(filed_timezone="Europe/Berlin").person_today(late_evening_utc) == datetime.date(2025, 3, 2)
    assert Submission(filed_timezone="America/Los_Angeles").person_today(late_evening_utc) == datetime.date(2025, 3, 1)
    assert Submission(filed_timezone="").person_today(late_evening_utc) == datetime.date(2025, 3, 1)


def test_it_states_the_guide_facts_it_froze_under_their_own_names():
    submission = make_submission(due_in=5, content_version="2025-05-21T00:00:00+00:00", legal_basis="GDPR Art. 21(1)")
    assert submission.guide_facts() == {
        "law": "gdpr",
        "legal_basis": "GDPR Art. 21(1)",
        "official_url": "",
        "recipient": "Meta Platforms Ireland Limited",
        "content_version": "2025-05-21T00:00:00+00:00",
        "language": "en",
    }


def test_it_states_what_filing_recorded_with_dates_in_iso_8601():
    submission = make_submission(due_in=5, reference="REF-1", extended_due_on=datetime.date(2025, 4, 30))
    assert submission.filing_facts() == {
        "reference": "REF-1",
        "confirmation_text": "",
        "deadline_rule": None,  # kept from when it is filed through the services
        "due_on": (SUBMISSION_NOW.date() + datetime.timedelta(days=5)).isoformat(),
        "extended_due_on": "2025-04-30",
        "extended": False,
        "acknowledge_by": None,
        "paused_since": None,
    }


def test_it_states_the_rule_it_was_filed_under_and_a_pause():
    rule = {"unit": "months", "amount": 1, "clarification_pause": True}
    submission = make_submission(due_in=5, deadline_rule=rule, paused_since=datetime.date(2025, 2, 20))
    facts = submission.filing_facts()
    assert (facts["deadline_rule"], facts["paused_since"]) == (rule, "2025-02-20")


def test_the_receipt_day_is_the_filing_day_where_the_person_was():
    submission = Submission(
        filed_timezone="Europe/Berlin", filed_at=datetime.datetime(2025, 1, 31, 23, 30, tzinfo=datetime.UTC)
    )
    assert submission.received_on == datetime.date(2025, 2, 1)
    assert Submission().received_on is None


def test_filings_recorded_before_the_field_get_their_filed_events_time():
    """Migration 0010 reads when each filing was recorded off its `filed` event."""
    import importlib

    from django.apps import apps

    from requests_app.evidence.events import append_event

    migration = importlib.import_module("requests_app.migrations.0010_submission_filing_dates_and_pauses")
    recorded = SUBMISSION_NOW - datetime.timedelta(days=2)
    submission = make_submission(due_in=5)
    draft = make_submission(due_in=5, status="draft")
    append_event(submission=submission, event_type="filed", data={}, at=recorded)
    migration.record_when_filings_were_recorded(apps, None)
    submission.refresh_from_db()
    draft.refresh_from_db()
    assert submission.filing_recorded_at == recorded
    assert draft.filing_recorded_at is None


def test_originals_leave_out_the_escalations():
    user = make_user()
    original = make_submission(due_in=-3, user=user)
    make_submission(due_in=10, user=user, escalates=original)
    assert list(Submission.objects.for_user(user).originals()) == [original]


def test_by_urgency_puts_overdue_first_and_drafts_last():
    user = make_user()
    today = SUBMISSION_NOW.date()
    draft = make_submission(due_in=0, user=user, status="draft")
    Submission.objects.filter(pk=draft.pk).update(due_on=None, filed_at=None)
    answered = make_submission(due_in=-30, user=user, status="granted")
    waiting = make_submission(due_in=30, user=user)
    soon = make_submission(due_in=3, user=user)
    overdue = make_submission(due_in=-2, user=user)
    escalated = make_submission(due_in=-9, user=user, status="escalated")
    extended = make_submission(due_in=-5, user=user, extended=True, extended_due_on=today + datetime.timedelta(days=40))
    ordered = list(Submission.objects.for_user(user).by_urgency(today))
    assert ordered == [overdue, soon, waiting, extended, escalated, answered, draft]
