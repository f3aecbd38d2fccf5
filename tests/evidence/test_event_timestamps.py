"""RFC 3161 timestamps of each appended event's chain head: requested by the worker after the event
is committed, never holding up the filing, retried, stored append-only, checked and reported."""

from __future__ import annotations

import datetime
import json
import logging
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from requests_app.evidence import event_timestamps
from requests_app.evidence.event_timestamps import check_token, timestamp_event
from requests_app.evidence.export import record_for
from requests_app.evidence.record import record_bytes
from requests_app.models import Event, Submission
from requests_app.models.tracking import EventTimestamp
from tests.factories.evidence import filed_request, use_site_key
from tests.factories.tracking import make_guide
from tests.factories.tsa import LocalTSA, down_url, use_tsa

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # a local authority signs with RSA


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    settings.EVIDENCE_TSA_URL = ""
    make_guide()


@pytest.fixture
def authority(settings):
    with LocalTSA() as tsa:
        use_tsa(settings, tsa)
        yield tsa


def filed_committed(django_capture_on_commit_callbacks) -> Submission:
    """A filed request whose on-commit work (the timestamp tasks) runs, as after a real commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return filed_request()


def test_each_appended_event_gets_a_verifiable_timestamp_of_its_head(authority, django_capture_on_commit_callbacks):
    before = timezone.now() - datetime.timedelta(seconds=5)
    submission = filed_committed(django_capture_on_commit_callbacks)
    events = list(Event.objects.filter(submission_id=submission.pk).order_by("seq"))
    assert len(events) >= 3
    stamps = {stamp.event_id: stamp for stamp in EventTimestamp.objects.all()}
    assert set(stamps) == {event.pk for event in events}
    for event in events:
        stamp = stamps[event.pk]
        assert stamp.hash == event.hash
        checked = check_token(stamp)
        assert checked.ok, checked.problem
        assert checked.authority.startswith("Common Name: Test time-stamping authority")
        assert before <= checked.time <= timezone.now() + datetime.timedelta(seconds=5)
        assert stamp.time == checked.time


def test_without_an_authority_nothing_is_asked(django_capture_on_commit_callbacks):
    filed_committed(django_capture_on_commit_callbacks)
    assert not EventTimestamp.objects.exists()


@pytest.mark.parametrize("failure", ["down", "slow", "garbage"])
def test_a_failing_authority_never_loses_the_filing_and_is_retried(
    settings, django_capture_on_commit_callbacks, caplog, failure
):
    with LocalTSA(mode="ok" if failure == "down" else failure, delay=3) as bad:
        use_tsa(settings, bad, url=down_url() if failure == "down" else None, timeout=0.5)
        with caplog.at_level(logging.WARNING, logger="requests_app.evidence.event_timestamps"):
            submission = filed_committed(django_capture_on_commit_callbacks)
    events = Event.objects.filter(submission_id=submission.pk).count()
    assert events >= 3  # recorded, whatever the authority did
    assert Submission.objects.get(pk=submission.pk).filed_at is not None
    assert not EventTimestamp.objects.exists()
    warnings = [r for r in caplog.records if r.name == "requests_app.evidence.event_timestamps"]
    assert len(warnings) == events
    assert "REF-123" not in caplog.text
    assert "Anna" not in caplog.text
    # The authority answers again: the sweep enqueues what is missing, and the worker stamps it.
    with LocalTSA() as good:
        use_tsa(settings, good)
        out = StringIO()
        call_command("timestamp_events", stdout=out)
        assert out.getvalue() == f"Enqueued {events} timestamps.\n"
        assert EventTimestamp.objects.count() == events
        call_command("timestamp_events", stdout=out)
        assert out.getvalue().endswith("Enqueued 0 timestamps.\n")


def test_a_failed_task_enqueues_itself_again_later_on_a_deferring_backend(settings, monkeypatch):
    submission = filed_request()
    event = Event.objects.filter(submission_id=submission.pk).first()
    settings.EVIDENCE_TSA_URL, settings.EVIDENCE_TSA_TIMEOUT = down_url(), 0.5
    queued = []

    class Deferring:
        supports_defer = True

    class Later:
        def __init__(self, run_after):
            self.run_after = run_after

        def enqueue(self, *args):
            queued.append((self.run_after, args))

    monkeypatch.setattr(type(timestamp_event), "get_backend", lambda self: Deferring())
    monkeypatch.setattr(type(timestamp_event), "using", lambda self, run_after: Later(run_after))
    assert timestamp_event.call(event.pk, 3) is False
    ((run_after, args),) = queued
    assert args == (event.pk, 4)
    assert run_after - timezone.now() > datetime.timedelta(minutes=3)  # 4 minutes after the third failure
    queued.clear()
    assert timestamp_event.call(event.pk, event_timestamps.MAX_ATTEMPTS) is False
    assert queued == []  # the sweep takes over


def test_a_timestamp_is_append_only(authority, django_capture_on_commit_callbacks):
    filed_committed(django_capture_on_commit_callbacks)
    stamp = EventTimestamp.objects.first()
    with pytest.raises(TypeError):
        stamp.save()
    with pytest.raises(TypeError):
        stamp.delete()
    with pytest.raises(TypeError):
        EventTimestamp.objects.update(authority="someone")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE requests_app_eventtimestamp SET authority = 'someone'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM requests_app_eventtimestamp")
    assert EventTimestamp.objects.count() == Event.objects.count()


def test_verify_evidence_checks_and_lists_the_tokens(authority, django_capture_on_commit_callbacks, settings):
    submission = filed_committed(django_capture_on_commit_callbacks)
    count = EventTimestamp.objects.count()
    out = StringIO()
    call_command("verify_evidence", stdout=out)
    assert out.getvalue().endswith(f"1 chain, {count} events, {count} timestamps: all intact\n")
    out = StringIO()
    call_command("verify_evidence", "--submission", str(submission.pk), stdout=out)
    assert "event 0: chain head " in out.getvalue()
    assert "timestamped by Common Name: Test time-stamping authority, Organization: Opt-Out Guide at " in out.getvalue()
    # An authority no longer trusted: every token is reported, and the command fails.
    settings.EVIDENCE_TSA_ROOTS = ""
    out = StringIO()
    with pytest.raises(CommandError, match="1 broken"):
        call_command("verify_evidence", stdout=out)
    assert "event 0: timestamp: the token comes from an authority this site does not trust" in out.getvalue()


def test_a_token_over_another_head_is_refused(authority, django_capture_on_commit_callbacks):
    filed_committed(django_capture_on_commit_callbacks)
    first, second = EventTimestamp.objects.select_related("event").order_by("event__seq")[:2]
    swapped = EventTimestamp(event=first.event, hash=first.hash, token=second.token, authority="x", time=second.time)
    assert check_token(swapped).problem == "the token is not over this event's chain head"
    garbage = EventTimestamp(
        event=first.event, hash=first.hash, token=b"\x30\x03\x02\x01\x00", authority="", time=first.time
    )
    assert check_token(garbage).problem == "the token cannot be read"


def test_verify_reports_the_timestamp_of_a_genuine_record(client, authority, django_capture_on_commit_callbacks):
    submission = filed_committed(django_capture_on_commit_callbacks)
    record = record_for(submission)
    upload = SimpleUploadedFile("evidence.json", record_bytes(record), content_type="application/json")
    html = client.post(reverse("evidence:verify"), {"file": upload}).content.decode()
    assert 'data-verdict="valid"' in html
    section = html[html.index('id="event-timestamps-1"') :]
    last = len(record["events"]) - 1
    assert f"The chain head of event {last} was timestamped by Common Name: Test time-stamping authority" in section
    assert f"{last + 1} of {last + 1}" in section
    # A forged record (one character changed) is not valid, and is told nothing about timestamps.
    forged = json.loads(record_bytes(record))
    forged["submission"]["reference"] = "REF-124"
    upload = SimpleUploadedFile("evidence.json", json.dumps(forged).encode(), content_type="application/json")
    html = client.post(reverse("evidence:verify"), {"file": upload}).content.decode()
    assert 'data-verdict="invalid"' in html
    assert "event-timestamps" not in html


def test_a_stored_token_verifies_with_openssl_as_the_docs_say(authority, django_capture_on_commit_callbacks, tmp_path):
    import subprocess

    filed_committed(django_capture_on_commit_callbacks)
    stamp = EventTimestamp.objects.select_related("event").order_by("event__seq").last()
    (tmp_path / "token.der").write_bytes(bytes(stamp.token))
    (tmp_path / "tsa-root.pem").write_text(authority.root_pem)

    def verify(digest: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["openssl", "ts", "-verify", "-digest", digest, "-in", "token.der", "-token_in", "-CAfile", "tsa-root.pem"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    assert "Verification: OK" in verify(stamp.event.hash).stdout
    assert verify("00" * 32).returncode != 0
