"""Check every submission's evidence chain in the database (or one), from the Event rows themselves.

    manage.py verify_evidence [--submission UUID]
    manage.py verify_evidence --pdf FILE

With `--pdf`, checks one evidence PDF (or JSON record) exactly as /verify/ does instead: the PDF's own
signature and timestamps, each embedded record, its chain and its signature; prints the verdict and
what it rests on, and exits non-zero unless the file is valid.

Events are streamed in (submission, seq) order and checked one chain at a time, so memory holds one
chain, however many there are. A chain is broken when an event's hash does not match its content
or its predecessor, when an event is missing, out of order or malformed, or when the letter still
stored on the submission no longer matches the hash frozen in its chain (a deleted, emptied letter
is not an edit). Each stored RFC 3161 timestamp of a chain head (`EventTimestamp`) is checked too:
over its event's hash, intact, from an authority in EVIDENCE_TSA_ROOTS (listed with --submission).
Prints one line per broken chain and a summary; exits non-zero when any chain is broken.
"""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.evidence.chain import keyed_digest, sha256_hex, verify_chain
from requests_app.evidence.event_timestamps import check_token
from requests_app.evidence.events import event_dict
from requests_app.evidence.pdf_certificate import pem, trusted_tsa_roots
from requests_app.evidence.report import NOT_VALID, verdict_lines
from requests_app.evidence.upload import MAX_UPLOAD_BYTES, UnreadableUpload, verify_upload
from requests_app.models import Event, EventType, Submission
from requests_app.models.tracking import EventTimestamp

CHUNK = 2_000
LETTER_BATCH = 500


class Command(BaseCommand):
    help = "Verify the hash chains of evidence events; exits non-zero when any chain is broken."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--submission", type=uuid.UUID, help="Check only this submission's chain.")
        parser.add_argument(
            "--pdf", type=Path, metavar="FILE", help="Check this evidence PDF (or JSON record) as /verify/ does."
        )

    def handle(self, *args: Any, submission: uuid.UUID | None = None, pdf: Path | None = None, **options: Any) -> None:
        if pdf is not None:
            if submission is not None:
                raise CommandError("--pdf checks a file; it cannot be combined with --submission.")
            self._check_file(pdf)
            return
        events = Event.objects.order_by("submission_id", "seq")
        if submission is not None:
            events = events.filter(submission_id=submission)
        chains = events_count = 0
        broken: dict[uuid.UUID, list[str]] = {}
        frozen_letters: dict[uuid.UUID, tuple[bool, str]] = {}
        for submission_id, rows in itertools.groupby(events.iterator(chunk_size=CHUNK), key=lambda e: e.submission_id):
            chain = [event_dict(row) for row in rows]
            chains += 1
            events_count += len(chain)
            verdict = verify_chain(chain, submission=str(submission_id))
            if not verdict.ok:
                broken[submission_id] = verdict.problems
            letter = next((e["data"] for e in chain if e["type"] == EventType.LETTER_FROZEN), {})
            # Chains begun before letters were frozen as keyed digests hold a plain SHA-256 (letter_sha256).
            digest = letter.get("letter_hmac") or letter.get("letter_sha256")
            if isinstance(digest, str):
                frozen_letters[submission_id] = ("letter_hmac" in letter, digest)
                if len(frozen_letters) >= LETTER_BATCH:
                    self._check_letters(frozen_letters, broken)
        self._check_letters(frozen_letters, broken)
        timestamps = self._check_timestamps(submission, broken)

        if submission is not None and chains == 0:
            raise CommandError(f"No events for submission {submission}.")
        for submission_id, problems in broken.items():
            self.stdout.write(f"{submission_id}: BROKEN: {'; '.join(problems)}")
        summary = f"{chains} chain{'s' if chains != 1 else ''}, {events_count} event{'s' if events_count != 1 else ''}"
        if timestamps:
            summary += f", {timestamps} timestamp{'s' if timestamps != 1 else ''}"
        if broken:
            raise CommandError(f"{summary}: {len(broken)} broken")
        self.stdout.write(self.style.SUCCESS(f"{summary}: all intact"))

    def _check_timestamps(self, submission: uuid.UUID | None, broken: dict[uuid.UUID, list[str]]) -> int:
        """Every stored RFC 3161 token of a chain head: over its event's hash, intact, from a trusted authority.

        With --submission, each one is listed (which event, which authority, which time)."""
        stamps = EventTimestamp.objects.select_related("event").order_by("event__submission_id", "event__seq")
        if submission is not None:
            stamps = stamps.filter(event__submission_id=submission)
        roots = pem(*trusted_tsa_roots())
        count = 0
        for stamp in stamps.iterator(chunk_size=LETTER_BATCH):
            count += 1
            checked = check_token(stamp, roots_pem=roots)
            if not checked.ok:
                broken.setdefault(stamp.event.submission_id, []).append(
                    f"event {stamp.event.seq}: timestamp: {checked.problem}"
                )
            elif submission is not None:
                when = checked.time.isoformat() if checked.time else "?"
                self.stdout.write(
                    f"event {stamp.event.seq}: chain head {stamp.hash[:16]}… timestamped by {checked.authority} at {when}"
                )
        return count

    def _check_file(self, path: Path) -> None:
        """One file, through the same checks as /verify/; CommandError (exit 1) unless it is valid."""
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__}).") from exc
        try:
            result = verify_upload(data)
        except UnreadableUpload as error:
            raise CommandError(f"{path.name}: {NOT_VALID}: {error.message}") from error
        lines = verdict_lines(result, name=path.name)
        self.stdout.write("\n".join(lines))
        if not result.ok:
            raise CommandError(lines[0])

    @staticmethod
    def _check_letters(frozen_letters: dict[uuid.UUID, tuple[bool, str]], broken: dict[uuid.UUID, list[str]]) -> None:
        """The letter kept on each (still existing) submission must be the one whose digest was frozen."""
        stored = Submission.objects.filter(pk__in=list(frozen_letters)).values_list("pk", "letter_body", "evidence_key")
        for submission_id, body, key in stored.iterator(chunk_size=LETTER_BATCH):
            keyed, frozen = frozen_letters[submission_id]
            digest = keyed_digest(key, body) if keyed else sha256_hex(body)
            # An emptied letter is personal content deleted on request, not an edit.
            if body and digest != frozen:
                broken.setdefault(submission_id, []).append(
                    "the letter stored on the submission does not match the digest frozen in its chain"
                )
        frozen_letters.clear()
