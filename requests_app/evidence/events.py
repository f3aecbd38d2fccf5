"""Evidence events in the database: the next link of a submission's chain, and appending it.

An `Event` row holds one event of the chain (`chain.py`) with its stored `prev_hash` and `hash`.
`append_event` is how every tracking write records what happened; exports add their own event the
same way, in bulk (`export.py`). Both build the row with `next_event`, and both ask for the new
head's RFC 3161 timestamp once their transaction commits (`event_timestamps.py`).
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from ..models import Event, Submission
from .chain import GENESIS, event_hash, format_timestamp, make_event
from .event_timestamps import request_timestamps


def event_dict(event: Event) -> dict[str, Any]:
    """An Event row in the chain's plain form, with its stored `prev` and `hash`."""
    return {
        "seq": event.seq,
        "type": event.type,
        "at": format_timestamp(event.at),
        "submission": str(event.submission_id),
        "data": event.data,
        "prev": event.prev_hash,
        "hash": event.hash,
    }


def next_event(
    *, submission_id: UUID, last: Event | None, event_type: str, at: datetime.datetime, data: dict[str, Any]
) -> Event:
    """The unsaved event that follows `last` (None: the first) in the submission's chain."""
    seq = 0 if last is None else last.seq + 1
    prev = GENESIS if last is None else bytes.fromhex(last.hash)
    plain = make_event(seq=seq, event_type=event_type, at=at, submission=submission_id, data=data)
    return Event(
        submission_id=submission_id,
        seq=seq,
        type=event_type,
        at=at,
        data=plain["data"],
        prev_hash=prev.hex(),
        hash=event_hash(prev, plain).hex(),
    )


def append_event(
    *, submission: Submission, event_type: str, data: dict[str, Any], at: datetime.datetime | None = None
) -> Event:
    """Append one event to the submission's hash chain.

    Call inside a transaction that holds the submission's row lock, so no other writer can take
    the same `seq`; the unique constraint on (submission, seq) backs that up.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append_event must run inside the transaction that locked the submission.")
    last = Event.objects.filter(submission_id=submission.pk).order_by("-seq").only("seq", "hash").first()
    event = next_event(
        submission_id=submission.pk, last=last, event_type=event_type, at=at or timezone.now(), data=data
    )
    event.save(force_insert=True)
    # When an authority is configured, the worker timestamps the new head once this commits.
    request_timestamps([event])
    return event
