"""Evidence records from the database: a submission's facts and chain, signed with the site's key.

`record_for(submission)` gathers a submission's facts (who, what, when, the text exactly as filed,
deadlines, status) and its hash-chained events (the `Event` rows, in `seq` order) into
`record.build_record`, signed with the site's key. `export_evidence(...)` is what a download
uses: it first appends an `exported` event to each submission's chain and then builds the
records, in one transaction holding the submissions' row locks.

Why the export event comes first: a PDF that did not contain its own export would be
contradicted by the chain the moment it was made (the database would hold one more event than
the signed head). Appending first makes every PDF self-consistent: its signed head is the chain
as it stood when the PDF was made, export included. The chain is append-only, so an older PDF's
events are always a prefix of a newer one's, and each keeps verifying on its own.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from ..models import Attachment, ClarificationPause, Event, EventType, StatusChange, Submission
from ..tracking.deadlines import Pause
from .canonical import canonical_json
from .chain import format_timestamp
from .event_timestamps import request_timestamps
from .events import event_dict, next_event
from .record import build_record, record_bytes
from .signing_key import signing_key

PACK_FORMAT = "opt-out-guide/evidence-pack/v1"


def _timestamp(moment: datetime.datetime | None) -> str | None:
    return format_timestamp(moment) if moment else None


def facts_for(
    submission: Submission,
    *,
    name: str,
    events: Sequence[Event],
    status_changes: Sequence[StatusChange],
    attachments: Sequence[Attachment],
    escalations: Sequence[UUID],
    generated_at: datetime.datetime,
    pauses: Sequence[Pause] = (),
) -> dict[str, Any]:
    """What the record states about a submission; all of it is signed.

    `text` is the letter body exactly as stored; `evidence_key` keys the digests the chain's events
    hold (`letter_hmac` of the `letter_frozen` event is HMAC-SHA256(evidence_key, text)), so the
    holder of this record can match its texts to the chain, and nobody without it can.
    `filed_at` is UTC and `filed_at_local` the same moment where the person was, with `timezone`
    naming the zone; both, and `filed_on`, are as the person states them, `recorded_at` is when
    the site recorded the filing (record.py says which clock each date is).
    """
    filed_event = next((event for event in events if event.type == EventType.FILED), None)
    filed_local = submission.filed_at.astimezone(submission.person_zone()) if submission.filed_at else None
    return {
        "id": str(submission.pk),
        "platform": submission.platform_name or submission.recipient or "(no single platform)",
        "action": submission.action_title,
        "action_slug": submission.action_slug,
        "kind": submission.kind,
        "person": {"name": name, "account": submission.account},
        "region": submission.region_name,
        "jurisdiction": submission.jurisdiction_slug,
        **submission.guide_facts(),
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
        "filed_on": submission.received_on.isoformat() if submission.received_on else None,
        "recorded_at": _timestamp(filed_event.at) if filed_event else None,
        **submission.filing_facts(),
        "clarification_pauses": [
            {
                "asked_on": pause.asked_on.isoformat(),
                "answered_on": pause.answered_on.isoformat() if pause.answered_on else None,
                "days": None if pause.answered_on is None else pause.days(pause.answered_on),
            }
            for pause in pauses
        ],
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
    pauses: list[Pause] = field(default_factory=list)

    @property
    def record_bytes(self) -> bytes:
        return record_bytes(self.record)


def _gather(submissions: Sequence[Submission], *, exported: str | None, now: datetime.datetime) -> list[Evidence]:
    """Records for `submissions` in a constant number of queries, appending `exported` events first.

    Queries: events, (the export events' insert), status changes, attachments with their bytes,
    clarification pauses, escalations, the plan.
    """
    ids = [submission.pk for submission in submissions]
    events: dict[UUID, list[Event]] = defaultdict(list)
    for event in Event.objects.filter(submission_id__in=ids).order_by("submission_id", "seq"):
        events[event.submission_id].append(event)
    if exported is not None:
        new = []
        for submission in submissions:
            chain = events[submission.pk]
            event = next_event(
                submission_id=submission.pk,
                last=chain[-1] if chain else None,
                event_type=EventType.EXPORTED,
                at=now,
                data={"document": "pdf", "scope": exported},
            )
            chain.append(event)
            new.append(event)
        # One INSERT for all; the unique (submission, seq) constraint still refuses a race.
        Event.objects.bulk_create(new)
        request_timestamps(new)
    changes: dict[UUID, list[StatusChange]] = defaultdict(list)
    for change in StatusChange.objects.filter(submission_id__in=ids).order_by("happened_on", "created_at", "pk"):
        changes[change.submission_id].append(change)
    attachments: dict[UUID, list[Attachment]] = defaultdict(list)
    for item in Attachment.objects.filter(submission_id__in=ids).order_by("created_at", "pk"):
        attachments[item.submission_id].append(item)
    pauses: dict[UUID, list[Pause]] = defaultdict(list)
    for pause in ClarificationPause.objects.filter(submission_id__in=ids).order_by("asked_on", "created_at", "pk"):
        pauses[pause.submission_id].append(pause.as_pause())
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
            pauses=pauses[submission.pk],
        )
        record = build_record(facts=facts, events=[event_dict(event) for event in chain], private_key=key)
        result.append(
            Evidence(
                submission=submission,
                record=record,
                events=chain,
                status_changes={change.pk: change for change in changes[submission.pk]},
                attachments=attachments[submission.pk],
                pauses=pauses[submission.pk],
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
    return canonical_json({"format": PACK_FORMAT, "records": list(records)})
