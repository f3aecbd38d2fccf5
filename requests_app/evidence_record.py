"""Evidence records from the database, the evidence PDF and pack, and reading records back for /verify/.

`record_for(submission)` gathers a submission's facts (who, what, when, the text exactly as filed,
deadlines, status) and its hash-chained events (the `Event` rows, in `seq` order) into
`evidence.build_record`, signed with the site's key. `export_evidence(...)` is what a download
uses: it first appends an `exported` event to each submission's chain and then builds the
records, in one transaction holding the submissions' row locks.

Why the export event comes first: a PDF that did not contain its own export would be
contradicted by the chain the moment it was made (the database would hold one more event than
the signed head). Appending first makes every PDF self-consistent: its signed head is the chain
as it stood when the PDF was made, export included. The chain is append-only, so an older PDF's
events are always a prefix of a newer one's, and each keeps verifying on its own.

`read_upload(data)` is the other direction, for anyone's upload: it finds the record (or pack) in
an evidence PDF or a JSON file without trusting anything about it (sizes capped, no temporary
files, only Flate-compressed or plain embedded streams), and `verify_upload` checks each record.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import functools
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from . import evidence, pdf_attachment, tracking
from .models import Attachment, Event, EventType, StatusChange, Submission

PACK_FORMAT = "opt-out-guide/evidence-pack/v1"
RECORD_FILENAME = pdf_attachment.RECORD_FILENAME
PACK_FILENAME = pdf_attachment.PACK_FILENAME
# An upload to /verify/ is refused above this size, before it is parsed.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The embedded JSON is decompressed at most this far (a record is text and hashes, never images).
MAX_JSON_BYTES = evidence.MAX_RECORD_BYTES
# A person's pack holds one record per request they track; checking one costs a few milliseconds.
MAX_PACK_RECORDS = 500
MAX_PROBLEMS_SHOWN = 20


# --- the signing key ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _cached_signing_key(_configuration: tuple[Any, ...]) -> Ed25519PrivateKey:
    return evidence.load_signing_key()


def signing_key() -> Ed25519PrivateKey:
    """The site's signing key, loaded once per process (per configuration, so tests can swap keys)."""
    names = ("EVIDENCE_SIGNING_KEY", "EVIDENCE_SIGNING_KEY_FILE")
    configuration = (
        *(str(getattr(settings, name, "") or os.environ.get(name, "")) for name in names),
        bool(getattr(settings, "DEBUG", False)),
        bool(getattr(settings, "EVIDENCE_DEV_KEY_AUTOCREATE", False)),
        str(settings.BASE_DIR),
    )
    return _cached_signing_key(configuration)


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """The current key, plus retired ones listed (as PEM) in `EVIDENCE_RETIRED_PUBLIC_KEYS`."""
    retired = [evidence.load_public_key_pem(pem) for pem in getattr(settings, "EVIDENCE_RETIRED_PUBLIC_KEYS", [])]
    return evidence.trusted_keys(signing_key(), *retired)


# --- facts and events ---------------------------------------------------------------------------


def _timestamp(moment: datetime.datetime | None) -> str | None:
    return evidence.format_timestamp(moment) if moment else None


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def person_zone(submission: Submission) -> ZoneInfo:
    """The time zone the person filed in (UTC before they filed, or if the stored name is unknown)."""
    try:
        return ZoneInfo(submission.filed_timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def event_dict(event: Event) -> dict[str, Any]:
    """An Event row in the chain's plain form, with its stored `prev` and `hash`."""
    return {
        "seq": event.seq,
        "type": event.type,
        "at": evidence.format_timestamp(event.at),
        "submission": str(event.submission_id),
        "data": event.data,
        "prev": event.prev_hash,
        "hash": event.hash,
    }


def facts_for(
    submission: Submission,
    *,
    name: str,
    events: Sequence[Event],
    status_changes: Sequence[StatusChange],
    attachments: Sequence[Attachment],
    escalations: Sequence[UUID],
    generated_at: datetime.datetime,
) -> dict[str, Any]:
    """What the record states about a submission; all of it is signed.

    `text` is the letter body exactly as stored; `evidence_key` keys the digests the chain's events
    hold (`letter_hmac` of the `letter_frozen` event is HMAC-SHA256(evidence_key, text)), so the
    holder of this record can match its texts to the chain, and nobody without it can.
    `filed_at` is UTC and `filed_at_local` the same moment where the person was, with `timezone`
    naming the zone.
    """
    filed_event = next((event for event in events if event.type == EventType.FILED), None)
    filed_local = submission.filed_at.astimezone(person_zone(submission)) if submission.filed_at else None
    return {
        "id": str(submission.pk),
        "platform": submission.platform_name or submission.recipient or "(no single platform)",
        "action": submission.action_title,
        "action_slug": submission.action_slug,
        "kind": submission.kind,
        "person": {"name": name, "account": submission.account},
        "recipient": submission.recipient,
        "region": submission.region_name,
        "jurisdiction": submission.jurisdiction_slug,
        "law": submission.law,
        "legal_basis": submission.legal_basis,
        "official_url": submission.official_url,
        "content_version": submission.content_version,
        "language": submission.language,
        "subject": submission.letter_subject,
        "text": submission.letter_body,
        "evidence_key": submission.evidence_key,
        "form_fields": [
            {"label": str(item.get("label", "")), "value": str(item.get("value", ""))}
            for item in submission.form_fields or []
            if isinstance(item, Mapping)
        ],
        "status": submission.status,
        "created_at": _timestamp(submission.created_at),
        "filed_at": _timestamp(submission.filed_at),
        "filed_at_local": filed_local.isoformat() if filed_local else None,
        "timezone": submission.filed_timezone or None,
        "recorded_at": _timestamp(filed_event.at) if filed_event else None,
        "reference": submission.reference,
        "confirmation_text": submission.confirmation_text,
        "due_on": _iso(submission.due_on),
        "extended_due_on": _iso(submission.extended_due_on),
        "extended": submission.extended,
        "acknowledge_by": _iso(submission.acknowledge_by),
        "escalates": str(submission.escalates_id) if submission.escalates_id else None,
        "escalations": [str(pk) for pk in escalations],
        "status_changes": [
            {
                "status": change.status,
                "happened_on": change.happened_on.isoformat(),
                "note": change.note,
                "reply_text": change.reply_text,
            }
            for change in status_changes
        ],
        "attachments": [
            {
                "id": str(item.pk),
                "sha256": item.sha256,
                "content_type": item.content_type,
                "size": item.size,
                "width": item.width,
                "height": item.height,
                "added_at": _timestamp(item.created_at),
            }
            for item in attachments
        ],
        "generated_at": _timestamp(generated_at),
    }


@dataclass
class Evidence:
    """One submission's signed record and what its PDF section shows beside it."""

    submission: Submission
    record: dict[str, Any]
    events: list[Event]
    status_changes: dict[int, StatusChange] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def record_bytes(self) -> bytes:
        return evidence.record_bytes(self.record)


def _gather(submissions: Sequence[Submission], *, exported: str | None, now: datetime.datetime) -> list[Evidence]:
    """Records for `submissions` in a constant number of queries, appending `exported` events first.

    Queries: events, (the export events' insert), status changes, attachments with their bytes,
    escalations, the plan.
    """
    ids = [submission.pk for submission in submissions]
    events: dict[UUID, list[Event]] = defaultdict(list)
    for event in Event.objects.filter(submission_id__in=ids).order_by("submission_id", "seq"):
        events[event.submission_id].append(event)
    if exported is not None:
        new = []
        for submission in submissions:
            chain = events[submission.pk]
            last = chain[-1] if chain else None
            seq = 0 if last is None else last.seq + 1
            prev = evidence.GENESIS if last is None else bytes.fromhex(last.hash)
            plain = evidence.make_event(
                seq=seq,
                event_type=EventType.EXPORTED,
                at=now,
                submission=submission.pk,
                data={"document": "pdf", "scope": exported},
            )
            event = Event(
                submission_id=submission.pk,
                seq=seq,
                type=EventType.EXPORTED,
                at=now,
                data=plain["data"],
                prev_hash=prev.hex(),
                hash=evidence.event_hash(prev, plain).hex(),
            )
            chain.append(event)
            new.append(event)
        # One INSERT for all; the unique (submission, seq) constraint still refuses a race.
        Event.objects.bulk_create(new)
    changes: dict[UUID, list[StatusChange]] = defaultdict(list)
    for change in StatusChange.objects.filter(submission_id__in=ids).order_by("happened_on", "created_at", "pk"):
        changes[change.submission_id].append(change)
    attachments: dict[UUID, list[Attachment]] = defaultdict(list)
    for item in Attachment.objects.filter(submission_id__in=ids).order_by("created_at", "pk"):
        attachments[item.submission_id].append(item)
    escalations: dict[UUID, list[UUID]] = defaultdict(list)
    for original, escalation in (
        Submission.objects.filter(escalates_id__in=ids).order_by("created_at", "pk").values_list("escalates_id", "pk")
    ):
        escalations[original].append(escalation)
    key = signing_key()
    result = []
    for submission in submissions:
        chain = events[submission.pk]
        facts = facts_for(
            submission,
            name=submission.person_name,
            events=chain,
            status_changes=changes[submission.pk],
            attachments=attachments[submission.pk],
            escalations=escalations[submission.pk],
            generated_at=now,
        )
        record = evidence.build_record(facts=facts, events=[event_dict(event) for event in chain], private_key=key)
        result.append(
            Evidence(
                submission=submission,
                record=record,
                events=chain,
                status_changes={change.pk: change for change in changes[submission.pk]},
                attachments=attachments[submission.pk],
            )
        )
    return result


def record_for(submission: Submission, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The signed evidence record of a submission as its chain stands (nothing is appended)."""
    return _gather([submission], exported=None, now=now or timezone.now())[0].record


def export_evidence(
    user: Any, submission_ids: Iterable[UUID] | None = None, *, now: datetime.datetime | None = None
) -> list[Evidence]:
    """Lock the person's submissions (all, or those given), append an `exported` event to each, and
    build their records: the chain in each PDF includes its own export (see the module docstring).

    Only `user`'s submissions are ever read; ids of anyone else's are ignored.
    """
    now = now or timezone.now()
    with transaction.atomic():
        queryset = Submission.objects.for_user(user)
        scope = "pack"
        if submission_ids is not None:
            queryset = queryset.filter(pk__in=list(submission_ids))
            scope = "submission"
        submissions = list(queryset.select_for_update().order_by("created_at", "pk"))
        if not submissions:
            return []
        return _gather(submissions, exported=scope, now=now)


def pack_bytes(records: Sequence[Mapping[str, Any]]) -> bytes:
    """The pack file embedded in the pack PDF: every record, each verifiable on its own."""
    return evidence.canonical_json({"format": PACK_FORMAT, "records": list(records)})


# --- the PDF ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    seq: int
    type: str
    at_utc: datetime.datetime
    at_local: datetime.datetime
    data: dict[str, Any]
    change: StatusChange | None
    hash: str


@dataclass(frozen=True)
class Screenshot:
    number: int
    data_url: str
    sha256: str
    width: int
    height: int
    added_local: datetime.datetime


def _data_url(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def qr_data_url(url: str) -> str:
    """A QR code of `url` as an SVG `data:` URL (nothing for the renderer to fetch)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#0b0c0c")


def _parse_timestamp(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value[:-1]).replace(tzinfo=datetime.UTC)


def _section(item: Evidence) -> dict[str, Any]:
    submission = item.submission
    zone = person_zone(submission)
    timeline = [
        TimelineRow(
            seq=event.seq,
            type=event.type,
            at_utc=event.at.astimezone(datetime.UTC),
            at_local=event.at.astimezone(zone),
            data=event.data,
            change=item.status_changes.get(event.data.get("status_change")),
            hash=event.hash,
        )
        for event in item.events
    ]
    screenshots = [
        Screenshot(
            number=number,
            data_url=_data_url(bytes(attachment.content), attachment.content_type),
            sha256=attachment.sha256,
            width=attachment.width,
            height=attachment.height,
            added_local=attachment.created_at.astimezone(zone),
        )
        for number, attachment in enumerate(item.attachments, start=1)
    ]
    facts = item.record["submission"]
    generated = _parse_timestamp(facts["generated_at"])
    return {
        "submission": submission,
        "facts": facts,
        "record": item.record,
        "zone": str(zone),
        "filed_utc": submission.filed_at.astimezone(datetime.UTC) if submission.filed_at else None,
        "filed_local": submission.filed_at.astimezone(zone) if submission.filed_at else None,
        "recorded_utc": _parse_timestamp(facts["recorded_at"]) if facts.get("recorded_at") else None,
        "generated_utc": generated,
        "standing": tracking.standing(submission, tracking.today_for(submission, generated)),
        "timeline": timeline,
        "screenshots": screenshots,
        "head": item.record["head"],
        "signature": item.record["signature"],
    }


def render_evidence_pdf(items: Sequence[Evidence], *, verify_url: str, key_url: str, pack: bool) -> bytes:
    """PDF/A-3b of one submission (`evidence.json` inside) or of a pack (`evidence-pack.json` inside)."""
    from weasyprint import Attachment as PDFAttachment

    from .pdf import render_pdf, safe_url_fetcher

    generated_at = timezone.now()
    html = render_to_string(
        "evidence/pdf.html",
        {
            "sections": [_section(item) for item in items],
            "pack": pack,
            "verify_url": verify_url,
            "key_url": key_url,
            "qr": qr_data_url(verify_url),
            "generated_utc": generated_at.astimezone(datetime.UTC),
        },
    )
    if pack:
        name, content = PACK_FILENAME, pack_bytes([item.record for item in items])
        description = _("All evidence records of this pack (%(format)s)") % {"format": PACK_FORMAT}
    else:
        name, content = RECORD_FILENAME, items[0].record_bytes
        description = _("The signed evidence record (%(format)s)") % {"format": evidence.FORMAT}
    # A WeasyPrint Attachment can be used for one render only: made fresh for each PDF.
    attachment = PDFAttachment(
        string=content, name=name, description=description, relationship="Data", url_fetcher=safe_url_fetcher()
    )
    return render_pdf(html, pdf_variant="pdf/a-3b", attachments=[attachment])


# --- reading an upload back ---------------------------------------------------------------------


class UnreadableUpload(ValueError):
    """An upload in which no evidence record can be found, with a message for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Found:
    """What an upload holds: one record, or a pack of them (each still unchecked)."""

    kind: str  # "record" or "pack"
    source: str  # "pdf" or "json"
    records: list[Any]


def _records_from_pdf(data: bytes) -> Found:
    extracted = pdf_attachment.extract(data, MAX_JSON_BYTES)
    if extracted.status == pdf_attachment.NO_RECORD:
        raise UnreadableUpload(
            _(
                "This PDF holds no evidence record (no %(name)s inside it). It was not made by "
                "Opt-Out Guide, or the record was removed from it."
            )
            % {"name": RECORD_FILENAME}
        )
    messages = {
        pdf_attachment.DAMAGED_RECORD: _("The evidence record inside this PDF is damaged."),
        pdf_attachment.FOREIGN_ENCODING: _(
            "The evidence record inside this PDF is stored in a way this site never uses."
        ),
        pdf_attachment.RECORD_TOO_LARGE: _("The evidence record inside this PDF is too large to be one of ours."),
    }
    if extracted.status != "ok":
        raise UnreadableUpload(
            messages.get(
                extracted.status,
                _("This file cannot be read as a PDF: it is damaged, cut short or edited in a way that broke it."),
            )
        )
    found = _records_from_json(extracted.content)
    return Found(kind=found.kind, source="pdf", records=found.records)


def _records_from_json(data: bytes | str) -> Found:
    try:
        parsed = evidence.parse_json(data)
    except ValueError as exc:
        raise UnreadableUpload(_("This is not an evidence record: it is %(reason)s.") % {"reason": str(exc)}) from exc
    if isinstance(parsed, dict) and parsed.get("format") == PACK_FORMAT:
        records = parsed.get("records")
        if set(parsed) != {"format", "records"} or not isinstance(records, list) or not records:
            raise UnreadableUpload(_("This evidence pack is malformed: it must hold a non-empty list of records."))
        if len(records) > MAX_PACK_RECORDS:
            raise UnreadableUpload(
                _("This evidence pack holds %(count)s records; packs of this site hold at most %(max)s.")
                % {"count": len(records), "max": MAX_PACK_RECORDS}
            )
        return Found(kind="pack", source="json", records=records)
    return Found(kind="record", source="json", records=[parsed])


def read_upload(data: bytes | str) -> Found:
    """The record or pack in an evidence PDF, a JSON file or pasted JSON; `UnreadableUpload` otherwise."""
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_UPLOAD_BYTES:
            raise UnreadableUpload(_("The file is larger than 20 MB, so it cannot be an evidence PDF of ours."))
        # A PDF's header may sit anywhere in its first 1,024 bytes.
        if b"%PDF-" in data[:1024]:
            return _records_from_pdf(bytes(data))
    if not (data.strip() if isinstance(data, str) else bytes(data).strip()):
        raise UnreadableUpload(_("The file is empty."))
    return _records_from_json(data)


@dataclass(frozen=True)
class UploadVerdict:
    found: Found
    verdicts: list[evidence.RecordVerdict]

    @property
    def ok(self) -> bool:
        return bool(self.verdicts) and all(verdict.ok for verdict in self.verdicts)

    @property
    def failed(self) -> int:
        return sum(1 for verdict in self.verdicts if not verdict.ok)

    @property
    def results(self) -> list[tuple[evidence.RecordVerdict, Any]]:
        return list(zip(self.verdicts, self.found.records, strict=True))


def verify_upload(data: bytes | str, trusted: Mapping[str, Ed25519PublicKey] | None = None) -> UploadVerdict:
    """Read an upload and check every record in it; raises `UnreadableUpload` when there is none."""
    found = read_upload(data)
    keys = trusted if trusted is not None else trusted_public_keys()
    verdicts = [
        _shorten(evidence.verify_record(record, keys))
        if isinstance(record, dict)
        else evidence.RecordVerdict(ok=False, problems=[_("record is not a JSON object")])
        for record in found.records
    ]
    return UploadVerdict(found=found, verdicts=verdicts)


def _shorten(verdict: evidence.RecordVerdict) -> evidence.RecordVerdict:
    """At most MAX_PROBLEMS_SHOWN problems a record: a forged record can have one for every event."""
    if len(verdict.problems) <= MAX_PROBLEMS_SHOWN:
        return verdict
    more = len(verdict.problems) - MAX_PROBLEMS_SHOWN
    problems = [*verdict.problems[:MAX_PROBLEMS_SHOWN], _("… and %(count)s more problems.") % {"count": more}]
    return dataclasses.replace(verdict, problems=problems)
