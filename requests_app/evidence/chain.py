"""The hash chain of a submission's events: making, hashing, chaining and checking events.

Each event of a submission is hashed together with the hash of the event before it,
`hash = SHA-256(0x00 || prev_hash || canonical JSON of the event)`, starting from 32 zero bytes.
Events hold facts and keyed digests (`letter_hmac`, `attachment_hmac`), never personal text, so
deleting personal content later does not break verification. Pure.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Problems with a chain are shown to people on /verify/, so they are in the active language.
from django.utils.translation import gettext as _

from .canonical import MAX_SAFE_INTEGER, CanonicalJSONError, canonical_json

GENESIS = bytes(32)
EVENT_TYPES = (
    "created",
    "letter_frozen",
    "filed",
    "attachment_added",
    "status_changed",
    "reply_recorded",
    "escalated",
    "exported",
)
EVENT_FIELDS = ("seq", "type", "at", "submission", "data")

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def keyed_digest(key: str, text: str) -> str:
    """HMAC-SHA256 of `text` under a submission's evidence key, as hex.

    Events outlive the submission (and its key): a plain hash of a short reference or a letter could
    be matched to a guess for ever; a keyed one only by whoever holds the key (the person's record).
    """
    return hmac.new(bytes.fromhex(key), text.encode("utf-8"), hashlib.sha256).hexdigest()


def sha256_hex(data: bytes | str) -> str:
    """Hex SHA-256 of bytes, or of a string's UTF-8 encoding (how `text_sha256` is computed)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def format_timestamp(moment: datetime.datetime) -> str:
    """An aware datetime as the chain writes it: UTC, microseconds, a trailing Z."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("An event time must be timezone-aware.")
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds") + "Z"


def make_event(
    *,
    seq: int,
    event_type: str,
    at: datetime.datetime,
    submission: uuid.UUID | str,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An event in its plain dict form, checked; `data` holds facts and hashes, not personal text."""
    event = {
        "seq": seq,
        "type": event_type,
        "at": format_timestamp(at),
        "submission": str(submission),
        "data": dict(data or {}),
    }
    problems = event_problems(event)
    if problems:
        raise ValueError("; ".join(problems))
    return event


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        return False
    try:
        datetime.datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


def event_problems(event: Mapping[str, Any], *, chain_fields: tuple[str, ...] = ()) -> list[str]:
    problems = []
    problems.extend(_("missing field '%(name)s'") % {"name": name} for name in EVENT_FIELDS if name not in event)
    allowed = set(EVENT_FIELDS) | set(chain_fields)
    problems.extend(_("unexpected field '%(name)s'") % {"name": name} for name in event if name not in allowed)
    if "seq" in event and not (is_int(event["seq"]) and 0 <= event["seq"] <= MAX_SAFE_INTEGER):
        problems.append(_("seq is not a whole number"))
    if "type" in event and event["type"] not in EVENT_TYPES:
        problems.append(_("unknown type %(type)s") % {"type": repr(str(event["type"])[:40])})
    if "at" in event and not _is_timestamp(event["at"]):
        problems.append(_("time is not UTC ISO-8601 with microseconds and Z"))
    if "submission" in event and not is_uuid(event["submission"]):
        problems.append(_("submission is not a UUID"))
    if "data" in event:
        if not isinstance(event["data"], Mapping):
            problems.append(_("data is not an object"))
        else:
            try:
                canonical_json(event["data"])
            except CanonicalJSONError as exc:
                problems.append(_("data cannot be hashed: %(reason)s") % {"reason": exc})
    return problems


def event_hash(prev_hash: bytes, event: Mapping[str, Any]) -> bytes:
    """SHA-256(0x00 || prev_hash || canonical JSON of the event's own fields).

    The leading zero byte separates event hashes from every other thing this
    site hashes or signs (as RFC 6962 does for its leaves). The event's `prev`
    and `hash`, if present, are not part of its content.
    """
    if len(prev_hash) != 32:
        raise ValueError("A previous hash is 32 bytes.")
    problems = event_problems(event, chain_fields=("prev", "hash"))
    if problems:
        raise ValueError("; ".join(problems))
    return _content_hash(prev_hash, event)


def _content_hash(prev_hash: bytes, event: Mapping[str, Any]) -> bytes:
    content = {name: event[name] for name in EVENT_FIELDS}
    return hashlib.sha256(b"\x00" + prev_hash + canonical_json(content)).digest()


@dataclass(frozen=True)
class ChainedEvent:
    event: dict[str, Any]
    prev: bytes
    hash: bytes

    def as_dict(self) -> dict[str, Any]:
        """The event with `prev` and `hash` as lowercase hex, as records and the database store it."""
        return {**{name: self.event[name] for name in EVENT_FIELDS}, "prev": self.prev.hex(), "hash": self.hash.hex()}


def chain(events: Iterable[Mapping[str, Any]]) -> list[ChainedEvent]:
    """Chain events in order from the genesis hash.

    Raises ValueError when an event is malformed, out of sequence, belongs to
    another submission, or carries a stored `prev`/`hash` that the
    recomputation contradicts (a stored chain that was altered is not re-signed).
    """
    chained: list[ChainedEvent] = []
    prev = GENESIS
    for index, event in enumerate(events):
        current = event_hash(prev, event)
        if event["seq"] != index:
            raise ValueError(f"event {index}: seq {event['seq']} out of order (expected {index})")
        if chained and event["submission"] != chained[0].event["submission"]:
            raise ValueError(f"event {index}: belongs to another submission")
        for name, value in (("prev", prev), ("hash", current)):
            if name in event and event[name] != value.hex():
                raise ValueError(f"event {index}: stored {name} does not match the recomputed one")
        plain = json.loads(canonical_json({name: event[name] for name in EVENT_FIELDS}))
        chained.append(ChainedEvent(event=plain, prev=prev, hash=current))
        prev = current
    return chained


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    problems: list[str] = field(default_factory=list)


def hex32(value: Any) -> bytes | None:
    if isinstance(value, str) and _HEX64.fullmatch(value):
        return bytes.fromhex(value)
    return None


def verify_chain(
    events_with_hashes: Any,
    *,
    expected_head: bytes | None = None,
    expected_length: int | None = None,
    submission: str | None = None,
) -> ChainVerdict:
    """Check a stored chain event by event; problems name the event and what is wrong.

    Detects a changed field, a deleted, inserted, reordered or duplicated event.
    A truncated tail is only detectable against a trusted head: pass
    `expected_head` and `expected_length` (the signed ones).
    """
    if not isinstance(events_with_hashes, list):
        return ChainVerdict(ok=False, problems=[_("events are not a list")])
    problems: list[str] = []
    if not events_with_hashes:
        problems.append(_("chain is empty"))
    owner = submission
    recorded_prev: bytes | None = GENESIS
    for index, event in enumerate(events_with_hashes):
        found: list[str] = []
        recorded_prev = _event_chain_problems(index, event, recorded_prev, owner, found)
        if owner is None and isinstance(event, dict) and is_uuid(event.get("submission")):
            owner = event["submission"]
        problems.extend(_("event %(index)d: %(problem)s") % {"index": index, "problem": problem} for problem in found)
    if expected_length is not None and len(events_with_hashes) != expected_length:
        problems.append(
            _("chain has %(count)d events, the head says %(length)d")
            % {"count": len(events_with_hashes), "length": expected_length}
        )
    if expected_head is not None and events_with_hashes:
        last = events_with_hashes[-1]
        if not isinstance(last, dict) or hex32(last.get("hash")) != expected_head:
            problems.append(_("the last event's hash does not match the head"))
    return ChainVerdict(ok=not problems, problems=problems)


def _event_chain_problems(
    index: int, event: Any, recorded_prev: bytes | None, owner: str | None, problems: list[str]
) -> bytes | None:
    """Appends what is wrong with one stored event; returns its recorded hash, the next event's `prev`."""
    if not isinstance(event, dict):
        problems.append(_("is not an object"))
        return None
    field_problems = event_problems(event, chain_fields=("prev", "hash"))
    problems.extend(field_problems)
    seq = event.get("seq")
    if is_int(seq) and seq != index:
        problems.append(_("seq %(seq)d out of order (expected %(index)d)") % {"seq": seq, "index": index})
    if is_uuid(event.get("submission")) and owner is not None and event["submission"] != owner:
        problems.append(
            _("belongs to submission %(submission)s, not %(owner)s")
            % {"submission": event["submission"], "owner": owner}
        )
    prev = hex32(event.get("prev"))
    current = hex32(event.get("hash"))
    if prev is None:
        problems.append(_("previous hash is not 64 lowercase hex digits"))
    elif recorded_prev is not None and prev != recorded_prev:
        if index == 0:
            problems.append(_("previous hash is not the genesis hash"))
        else:
            problems.append(_("previous hash does not match event %(index)d") % {"index": index - 1})
    if current is None:
        problems.append(_("hash is not 64 lowercase hex digits"))
    elif prev is not None and not field_problems and _content_hash(prev, event) != current:
        problems.append(_("hash does not match its content"))
    return current
