"""tracking/services.py and escalation.py: tracking, filing, updating, escalating, and the chain they leave."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from requests_app.evidence.chain import format_timestamp, keyed_digest, sha256_hex, verify_chain
from requests_app.models import Event, LetterTemplate, StatusChange, Submission, SubmissionStatus
from requests_app.tracking.escalation import escalate
from requests_app.tracking.services import EXTENDED, TrackingError, new_token, record_filing, record_update
from requests_app.tracking.standing import can_escalate, standing
from requests_app.tracking.time_zones import usual_time_zone
from tests.factories.tracking import GERMAN_PLAN, file, make_guide, make_person, track

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2025, 2, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def guide():
    return make_guide()


def chain_of(submission):
    return [
        {"seq": e.seq, "type": e.type, "at": format_timestamp(e.at), "submission": str(e.submission_id),
         "data": e.data, "prev": e.prev_hash, "hash": e.hash}
        for e in Event.objects.filter(submission_id=submission.pk).order_by("seq")
    ]  # fmt: skip


def test_it_freezes_the_guide_facts_and_renders_the_letter(guide):
    submission = track(make_person())
    assert submission.status == SubmissionStatus.DRAFT
    assert submission.action_slug == "object-ai-instagram"
    assert (submission.platform_name, submission.region_slug, submission.law) == ("Instagram", "germany", "gdpr")
    assert submission.recipient == "Meta Platforms Ireland Limited"
    assert submission.account == "@anna_cats"
    assert submission.official_url.startswith("https://help.instagram.com/")
    assert submission.content_version.startswith(str(timezone.now().year))
    assert "Anna Muster" in submission.letter_body
    assert submission.letter_subject == "Objection under GDPR Art. 21(1): Instagram account @anna_cats"
    assert {"label": "Country of residence", "value": "Germany"} in submission.form_fields


def test_it_renders_the_letter_in_the_persons_language(guide):
    submission = track(make_person(), language="de")
    assert submission.language == "de"
    assert submission.letter_body.startswith("An Meta Platforms Ireland Limited")
    assert {"label": "Wohnsitzland", "value": "Deutschland"} in submission.form_fields


def test_it_tracks_a_plan_item_once(guide):
    user = make_person()
    assert track(user).pk == track(user).pk
    assert Submission.objects.count() == 1


def test_it_refuses_an_item_not_in_the_plan(guide):
    user = make_person()
    with pytest.raises(TrackingError):
        track(user, item="object-ai-facebook#1")
    with pytest.raises(TrackingError):
        track(user, item="off-meta-activity-instagram#1")  # a setting, not a request
    assert Submission.objects.count() == 0


def test_an_objection_filed_in_germany_on_31_january_2025_is_due_on_28_february_2025(guide):
    submission = file(track(make_person()), when=datetime.datetime(2025, 1, 31, 23, 30), now=NOW)
    assert submission.status == SubmissionStatus.FILED
    assert submission.filed_at == datetime.datetime(2025, 1, 31, 22, 30, tzinfo=datetime.UTC)
    assert submission.filed_timezone == "Europe/Berlin"
    assert submission.due_on == datetime.date(2025, 2, 28)
    assert submission.extended_due_on == datetime.date(2025, 4, 30)
    assert submission.current_due_on == datetime.date(2025, 2, 28)


def test_the_receipt_day_is_the_filing_day_where_the_person_was(guide):
    """23:30 in Berlin on 31 January is 22:30 UTC; 00:30 in Berlin on 1 February is still 31 January in UTC."""
    submission = file(track(make_person()), when=datetime.datetime(2025, 2, 1, 0, 30), now=NOW)
    assert submission.filed_at.astimezone(datetime.UTC).date() == datetime.date(2025, 1, 31)
    assert submission.due_on == datetime.date(2025, 3, 1)


def test_it_refuses_a_filing_date_in_the_future(guide):
    submission = track(make_person())
    with pytest.raises(TrackingError) as error:
        file(submission, when=datetime.datetime(2025, 2, 11, 9, 0), now=NOW)
    assert error.value.field == "filed_at"
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_it_records_a_filing_once_for_the_same_token(guide):
    submission = track(make_person())
    kwargs = {
        "filed_at_local": datetime.datetime(2025, 1, 31, 14, 30),
        "timezone_name": "Europe/Berlin",
        "reference": "R1",
        "confirmation_text": "",
        "token": new_token(),
        "now": NOW,
    }
    first, recorded = record_filing(submission=submission, **kwargs)
    assert recorded
    again, recorded_again = record_filing(submission=submission, **kwargs)
    assert (again.pk, recorded_again) == (first.pk, False)
    assert Event.objects.filter(submission_id=submission.pk, type="filed").count() == 1
    with pytest.raises(TrackingError):
        record_filing(submission=submission, **{**kwargs, "token": new_token()})


def test_the_filed_letter_never_changes_with_the_guide(guide):
    submission = file(track(make_person()), now=NOW)
    body = submission.letter_body
    LetterTemplate.objects.filter(action__slug="object-ai-instagram").update(body="Something else entirely")
    submission.refresh_from_db()
    assert submission.letter_body == body
    frozen = Event.objects.get(submission_id=submission.pk, type="letter_frozen")
    assert frozen.data["letter_hmac"] == keyed_digest(submission.evidence_key, body)


def test_events_form_a_chain_of_facts_and_hashes_without_personal_text(guide):
    submission = file(track(make_person()), now=NOW)
    record_update(
        submission=submission, what="refused", happened_on=datetime.date(2025, 2, 5), note="Kein Grund",
        reply_text="We decline your objection, Anna.", token=new_token(), now=NOW,
    )  # fmt: skip
    events = chain_of(submission)
    assert [e["type"] for e in events] == ["created", "letter_frozen", "filed", "status_changed", "reply_recorded"]
    assert verify_chain(events).ok
    text = str([e["data"] for e in events])
    for personal in ("Anna", "anna@example.org", "REF-123", "We decline", "Kein Grund", "received your objection"):
        assert personal not in text
    # Nor their plain hashes, which a guess could be matched against once the submission is gone.
    for personal in ("REF-123", "Kein Grund", "We decline your objection, Anna.", submission.letter_body):
        assert sha256_hex(personal) not in text
    assert events[4]["data"]["reply_hmac"] == keyed_digest(submission.evidence_key, "We decline your objection, Anna.")


def test_an_extension_moves_the_due_date(guide):
    submission = file(track(make_person()), now=NOW)
    record_update(
        submission=submission, what=EXTENDED, happened_on=datetime.date(2025, 2, 3), note="",
        reply_text="", token=new_token(), now=NOW,
    )  # fmt: skip
    submission.refresh_from_db()
    assert submission.extended
    assert submission.current_due_on == datetime.date(2025, 4, 30)
    assert submission.status == SubmissionStatus.FILED


def test_it_refuses_an_update_dated_before_the_filing_or_in_the_future(guide):
    submission = file(track(make_person()), now=NOW)
    for day in (datetime.date(2025, 1, 30), datetime.date(2025, 2, 11)):
        with pytest.raises(TrackingError) as error:
            record_update(
                submission=submission, what="granted", happened_on=day, note="", reply_text="",
                token=new_token(), now=NOW,
            )  # fmt: skip
        assert error.value.field == "happened_on"
    assert StatusChange.objects.count() == 0


def test_it_refuses_an_update_of_a_draft(guide):
    submission = track(make_person())
    with pytest.raises(TrackingError):
        record_update(
            submission=submission, what="granted", happened_on=datetime.date(2025, 2, 1), note="", reply_text="",
            token=new_token(), now=NOW,
        )  # fmt: skip


def test_an_overdue_request_escalates_to_the_authority_with_the_original_quoted(guide):
    user = make_person()
    original = file(track(user), now=NOW)
    later = datetime.datetime(2025, 3, 10, 12, tzinfo=datetime.UTC)
    assert can_escalate(original, datetime.date(2025, 3, 1))
    complaint, created = escalate(
        submission=original, route="complaint", authority_key="local", plan_data=GERMAN_PLAN, language="en",
        token=new_token(), now=later,
    )  # fmt: skip
    assert created
    assert complaint.escalates_id == original.pk
    assert complaint.action_slug == "complaint-dpc"
    assert complaint.recipient == "Federal Commissioner for Data Protection (BfDI)"
    assert '"Objection under GDPR Art. 21(1): Instagram account @anna_cats" on 31 January 2025' in complaint.letter_body
    assert "reference REF-123" in complaint.letter_body
    assert "due on 28 February 2025" in complaint.letter_body
    original.refresh_from_db()
    assert original.status == SubmissionStatus.ESCALATED
    assert Event.objects.filter(submission_id=original.pk, type="escalated").count() == 1
    again, created_again = escalate(
        submission=original, route="complaint", authority_key="lead", plan_data=GERMAN_PLAN, language="en",
        token=new_token(), now=later,
    )  # fmt: skip
    assert (again.pk, created_again) == (complaint.pk, False)
    reminder, _ = escalate(
        submission=original, route="reminder", authority_key="", plan_data=GERMAN_PLAN, language="en",
        token=new_token(), now=later,
    )  # fmt: skip
    assert reminder.letter_subject.startswith("Reminder: Objection under GDPR")
    assert reminder.recipient == "Meta Platforms Ireland Limited"


def test_a_request_still_within_its_deadline_does_not_escalate(guide):
    original = file(track(make_person()), now=NOW)
    assert not can_escalate(original, datetime.date(2025, 2, 28))
    with pytest.raises(TrackingError):
        escalate(
            submission=original, route="reminder", authority_key="", plan_data=GERMAN_PLAN, language="en",
            token=new_token(), now=NOW,
        )  # fmt: skip
    assert Submission.objects.count() == 1


def test_dashboard_order_puts_overdue_first_and_drafts_last(guide):
    user = make_person(plan={**GERMAN_PLAN, "answers": {**GERMAN_PLAN["answers"], "accounts": {"instagram": 3}}})
    draft = track(user, item="object-ai-instagram#1")
    overdue = file(track(user, item="object-ai-instagram#2"), now=NOW)
    answered = file(track(user, item="object-ai-instagram#3"), now=NOW)
    record_update(
        submission=answered, what="granted", happened_on=datetime.date(2025, 2, 3), note="", reply_text="",
        token=new_token(), now=NOW,
    )  # fmt: skip
    ordered = list(Submission.objects.for_user(user).by_urgency(datetime.date(2025, 3, 3)))
    assert [s.pk for s in ordered] == [overdue.pk, answered.pk, draft.pk]
    assert standing(ordered[0], datetime.date(2025, 3, 3)).detail.startswith("Overdue by 3 days")


def test_usual_time_zone_comes_from_the_region(guide):
    assert usual_time_zone(guide["regions"]["germany"]) == "Europe/Berlin"
    guide["regions"]["us-california"].subdivision_code = "US-CA"
    assert usual_time_zone(guide["regions"]["us-california"]) == "America/Los_Angeles"
    assert usual_time_zone(None) == "UTC"
    guide["regions"]["germany"].country_code = ""
    assert usual_time_zone(guide["regions"]["germany"]) == "UTC"
