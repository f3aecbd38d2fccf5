"""manage.py verify_evidence: every chain in the database checked from the Event rows."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from requests_app.evidence.chain import sha256_hex
from requests_app.evidence.events import append_event
from requests_app.models import Event, EventType, Submission
from tests.factories.evidence import edit_event_in_the_database, filed_request
from tests.factories.tracking import make_guide, make_person, make_submission, track

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _guide():
    make_guide()


def run(*args: str) -> str:
    out = StringIO()
    call_command("verify_evidence", *args, stdout=out)
    return out.getvalue()


def test_it_reports_every_chain_intact():
    filed_request(replies=1)
    track(make_person("bob@example.org"))
    events = Event.objects.count()
    assert run() == f"2 chains, {events} events: all intact\n"


def test_it_catches_an_event_edited_directly_in_the_database():
    submission = filed_request()
    intact = filed_request(make_person("bob@example.org"))
    filed = Event.objects.get(submission_id=submission.pk, type="filed")
    edit_event_in_the_database(filed.pk, {**filed.data, "received_on": "2025-01-01"})
    out = StringIO()
    with pytest.raises(CommandError, match="2 chains, .* events: 1 broken"):
        call_command("verify_evidence", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [f"{submission.pk}: BROKEN: event 2: hash does not match its content"]
    assert str(intact.pk) not in out.getvalue()


def test_it_catches_a_letter_changed_after_it_was_frozen():
    submission = filed_request()
    Submission.objects.filter(pk=submission.pk).update(letter_body="I do not object.")
    out = StringIO()
    with pytest.raises(CommandError, match="1 broken"):
        call_command("verify_evidence", stdout=out)
    assert "the letter stored on the submission does not match" in out.getvalue()


def test_a_deleted_letter_is_not_an_edit():
    submission = filed_request()
    Submission.objects.filter(pk=submission.pk).update(letter_body="")
    assert run().endswith("all intact\n")


def test_it_checks_one_submission():
    first = filed_request()
    second = filed_request(make_person("bob@example.org"))
    filed = Event.objects.get(submission_id=second.pk, type="filed")
    edit_event_in_the_database(filed.pk, {**filed.data, "timezone": "UTC"})
    count = Event.objects.filter(submission_id=first.pk).count()
    assert run("--submission", str(first.pk)) == f"1 chain, {count} events: all intact\n"
    with pytest.raises(CommandError, match="1 chain, .* events: 1 broken"):
        run("--submission", str(second.pk))


def test_an_unknown_submission_is_an_error():
    with pytest.raises(CommandError, match="No events for submission"):
        run("--submission", str(uuid.uuid4()))


def test_chains_of_deleted_accounts_still_verify():
    submission = filed_request()
    submission.user.delete()
    assert not Submission.objects.exists()
    assert run().startswith("1 chain, ")


def _legacy_chain(body: str, frozen: str, email: str) -> Submission:
    """A chain begun before letters were frozen as keyed digests: its letter_frozen event holds letter_sha256."""
    submission = make_submission(due_in=30, user=make_person(email), letter_body=body)
    with transaction.atomic():
        append_event(
            submission=submission,
            event_type=EventType.LETTER_FROZEN,
            data={"letter_sha256": sha256_hex(frozen)},
        )
    return submission


def test_a_chain_with_the_older_plain_letter_hash_is_still_checked():
    _legacy_chain("I object.", frozen="I object.", email="ann@example.org")
    assert run().endswith("1 chain, 1 event: all intact\n")
    changed = _legacy_chain("I do not object.", frozen="I object.", email="bob@example.org")
    out = StringIO()
    with pytest.raises(CommandError, match="1 broken"):
        call_command("verify_evidence", stdout=out)
    assert f"{changed.pk}: BROKEN: the letter stored on the submission does not match" in out.getvalue()
