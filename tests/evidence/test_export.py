"""evidence/export.py: a submission's facts and chain from the database, signed; exports append their own event."""

from __future__ import annotations

import datetime
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from requests_app.evidence import signing_key as signing_key_module
from requests_app.evidence.chain import format_timestamp, keyed_digest
from requests_app.evidence.export import export_evidence, pack_bytes, record_for
from requests_app.evidence.keys import key_id, private_key_pem, trusted_keys
from requests_app.evidence.record import verify_record
from requests_app.evidence.signing_key import _cached_signing_key, load_signing_key, signing_key
from requests_app.models import Event, Submission
from requests_app.tracking.services import CLARIFICATION_ANSWERED, CLARIFICATION_ASKED, new_token, record_update
from tests.factories.evidence import SITE_KEY, edit_event_in_the_database, filed_request, use_site_key
from tests.factories.tracking import UK_ITEM, UK_PLAN, file, make_guide, make_person, track, uk_access_requests_pause

pytestmark = pytest.mark.django_db
TRUSTED = trusted_keys(SITE_KEY)


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    make_guide()


def test_it_builds_a_record_that_verifies_with_the_sites_key():
    record = record_for(filed_request())
    verdict = verify_record(record, TRUSTED)
    assert verdict.ok, verdict.problems
    assert verdict.trusted_key
    assert record["signature"]["key_id"] == key_id(SITE_KEY)


def test_the_name_is_the_one_the_letter_was_written_with_even_after_the_plan_changes():
    from requests_app.models import Plan

    submission = filed_request()
    plan = Plan.objects.get(user=submission.user)
    plan.data = {**plan.data, "answers": {**plan.data["answers"], "name": "Someone Else"}}
    plan.save()
    assert record_for(submission)["submission"]["person"]["name"] == "Anna Muster"


def test_a_record_does_not_verify_against_another_sites_key():
    record = record_for(filed_request())
    other = trusted_keys(Ed25519PrivateKey.generate())
    verdict = verify_record(record, other)
    assert not verdict.ok
    assert any("not one of this site's keys" in problem for problem in verdict.problems)


def test_it_states_who_what_and_when():
    submission = filed_request()
    facts = record_for(submission)["submission"]
    assert facts["id"] == str(submission.pk)
    assert facts["person"] == {"name": "Anna Muster", "account": "@anna_cats"}
    assert facts["platform"] == "Instagram"
    assert facts["action"] == submission.action_title
    assert facts["legal_basis"] == "GDPR Art. 21(1)"
    assert facts["official_url"].startswith("https://help.instagram.com/")
    assert facts["content_version"] == submission.content_version != ""
    assert facts["recipient"] == "Meta Platforms Ireland Limited"
    # Filed at 14:30 in Berlin on 31 January 2025, which is 13:30 UTC.
    assert facts["filed_at"] == "2025-01-31T13:30:00.000000Z"
    assert facts["filed_at_local"] == "2025-01-31T14:30:00+01:00"
    assert facts["timezone"] == "Europe/Berlin"
    assert facts["recorded_at"].endswith("Z")
    assert facts["reference"] == "REF-123"
    assert facts["confirmation_text"] == "Thanks, we received your objection."
    assert (facts["status"], facts["due_on"], facts["extended_due_on"]) == ("filed", "2025-02-28", "2025-04-30")
    assert [field["label"] for field in facts["form_fields"]][:2] == ["Country of residence", "Email address"]
    assert len(facts["attachments"]) == 1
    assert facts["attachments"][0]["sha256"] == submission.attachments.get().sha256


def test_the_text_is_the_letter_exactly_as_filed_and_matches_its_frozen_hash():
    submission = filed_request()
    record = record_for(submission)
    frozen = next(event for event in record["events"] if event["type"] == "letter_frozen")
    assert record["submission"]["text"] == submission.letter_body
    assert record["submission"]["subject"] == submission.letter_subject
    facts = record["submission"]
    assert frozen["data"]["letter_hmac"] == keyed_digest(facts["evidence_key"], facts["text"])


def test_the_chain_is_the_event_rows_in_order():
    submission = filed_request(replies=2)
    record = record_for(submission)
    rows = list(Event.objects.filter(submission_id=submission.pk).order_by("seq"))
    assert [event["hash"] for event in record["events"]] == [row.hash for row in rows]
    assert [event["type"] for event in record["events"]] == [
        "created",
        "letter_frozen",
        "filed",
        "attachment_added",
        "reply_recorded",
        "reply_recorded",
    ]
    assert record["head"] == {"hash": rows[-1].hash, "length": len(rows)}


def test_it_says_whose_word_each_date_is_and_the_rule_the_deadlines_come_from():
    submission = filed_request()
    facts = record_for(submission)["submission"]
    # As the person states it: the day, where they were, that the deadlines count from.
    assert facts["filed_on"] == "2025-01-31"
    # By the site's clock: the filed event's time.
    filed = Event.objects.get(submission_id=submission.pk, type="filed")
    assert facts["recorded_at"] == format_timestamp(filed.at) == format_timestamp(submission.filing_recorded_at)
    assert facts["deadline_rule"] == {
        "unit": "months", "amount": 1, "extension_amount": 2, "next_working_day": False, "holiday_calendar": "",
        "acknowledge_business_days": 0, "clarification_pause": False, "clarification_pause_from": None,
    }  # fmt: skip
    assert (facts["paused_since"], facts["clarification_pauses"]) == (None, [])


def test_it_states_the_clarification_pauses_and_verifies(monkeypatch):
    uk_access_requests_pause(monkeypatch)
    submission = file(
        track(make_person("sam@example.org", plan=UK_PLAN), item=UK_ITEM),
        when=datetime.datetime(2026, 3, 2, 10), zone="Europe/London",
    )  # fmt: skip
    for what, day in ((CLARIFICATION_ASKED, "2026-03-03"), (CLARIFICATION_ANSWERED, "2026-03-12")):
        record_update(
            submission=submission, what=what, happened_on=datetime.date.fromisoformat(day), note="", reply_text="",
            token=new_token(), now=datetime.datetime.fromisoformat(day).replace(hour=18, tzinfo=datetime.UTC),
        )  # fmt: skip
    submission.refresh_from_db()
    record = record_for(submission)
    assert verify_record(record, TRUSTED).ok
    facts = record["submission"]
    assert facts["clarification_pauses"] == [{"asked_on": "2026-03-03", "answered_on": "2026-03-12", "days": 10}]
    assert (facts["due_on"], facts["extended_due_on"]) == ("2026-04-13", "2026-06-12")
    assert facts["deadline_rule"]["clarification_pause_from"] == "2026-02-05"
    changes = [event["data"] for event in record["events"] if event["type"] == "status_changed"]
    assert [change["clarification"] for change in changes] == ["asked", "answered"]


def test_a_draft_has_a_record_too_without_filing_facts():
    submission = track(make_person())
    record = record_for(submission)
    assert verify_record(record, TRUSTED).ok
    assert record["submission"]["filed_at"] is None
    assert record["submission"]["status"] == "draft"


def test_record_for_appends_nothing():
    submission = filed_request()
    before = Event.objects.filter(submission_id=submission.pk).count()
    record_for(submission)
    assert Event.objects.filter(submission_id=submission.pk).count() == before


def test_an_export_appends_its_own_event_before_signing():
    submission = filed_request()
    before = Event.objects.filter(submission_id=submission.pk).count()
    [item] = export_evidence(submission.user, [submission.pk])
    rows = list(Event.objects.filter(submission_id=submission.pk).order_by("seq"))
    assert len(rows) == before + 1
    assert rows[-1].type == "exported"
    assert rows[-1].data == {"document": "pdf", "scope": "submission"}
    assert item.record["head"] == {"hash": rows[-1].hash, "length": before + 1}
    assert verify_record(item.record, TRUSTED).ok


def test_an_older_export_still_verifies_after_later_ones():
    submission = filed_request()
    [first] = export_evidence(submission.user, [submission.pk])
    [second] = export_evidence(submission.user, [submission.pk])
    assert second.record["head"]["length"] == first.record["head"]["length"] + 1
    assert second.record["events"][: len(first.record["events"])] == first.record["events"]
    assert verify_record(first.record, TRUSTED).ok
    assert verify_record(second.record, TRUSTED).ok


def test_an_export_reads_only_the_persons_own_requests():
    submission = filed_request()
    stranger = make_person("mallory@example.org")
    before = Event.objects.filter(submission_id=submission.pk).count()
    assert export_evidence(stranger, [submission.pk]) == []
    assert export_evidence(stranger) == []
    assert Event.objects.filter(submission_id=submission.pk).count() == before


def _copy(submission: Submission, key: str) -> Submission:
    """Another request of the same person: a copy of the row (its chain starts with the export)."""
    copy = Submission.objects.get(pk=submission.pk)
    copy.pk, copy.plan_item_key = None, key
    copy.save(force_insert=True)
    return copy


def test_the_pack_holds_every_request_of_the_person_and_none_of_anyone_else():
    person = make_person()
    first = filed_request(person)
    second = _copy(first, "copy-1")
    other = filed_request(make_person("bob@example.org"))
    items = export_evidence(person)
    assert {item.submission.pk for item in items} == {first.pk, second.pk}
    assert other.pk not in {item.submission.pk for item in items}
    pack = json.loads(pack_bytes([item.record for item in items]))
    assert pack["format"] == "opt-out-guide/evidence-pack/v1"
    assert {record["submission"]["id"] for record in pack["records"]} == {str(first.pk), str(second.pk)}
    assert all(verify_record(record, TRUSTED).ok for record in pack["records"])
    assert {row.data["scope"] for row in Event.objects.filter(type="exported")} == {"pack"}


def test_the_export_takes_the_same_queries_for_one_request_or_many(django_assert_num_queries):
    """Queries: lock the submissions, their events, insert the export events, status changes,
    attachments, clarification pauses, escalations; plus the transaction's savepoint bookkeeping."""
    person = make_person()
    submission = filed_request(person)
    for number in range(4):
        _copy(submission, f"copy-{number}")
    assert Submission.objects.filter(user=person).count() == 5
    with django_assert_num_queries(9):
        items = export_evidence(person)
    assert len(items) == 5


def test_the_signing_key_is_loaded_once_per_process(monkeypatch):
    calls = []
    original = load_signing_key

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(signing_key_module, "load_signing_key", counting)
    _cached_signing_key.cache_clear()
    for _ in range(3):
        signing_key()
    assert len(calls) == 1


def test_a_new_key_configuration_is_picked_up(settings):
    first = signing_key()
    settings.EVIDENCE_SIGNING_KEY = private_key_pem(Ed25519PrivateKey.generate())
    assert key_id(signing_key()) != key_id(first)


def test_it_refuses_to_sign_a_chain_edited_in_the_database():
    submission = filed_request()
    filed = Event.objects.get(submission_id=submission.pk, type="filed")
    edit_event_in_the_database(filed.pk, {**filed.data, "received_on": "2025-01-01"})
    with pytest.raises(ValueError, match="does not match"):
        record_for(submission)
