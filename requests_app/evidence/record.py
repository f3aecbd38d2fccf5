"""The evidence record: a submission's facts and chain, signed, and how anyone checks one.

The evidence record (embedded in the evidence PDF as `evidence.json`, checked by `/verify/` and
`manage.py verify_evidence`) carries the submission's facts, the chained events and an Ed25519
signature over the chain head and the SHA-256 of the facts, so a change to any character of the
record is detected. Pure: keys are passed in (the site's own are `signing_key.py`'s).

Whose word each date in the facts is. As the person states it (a filing may be recorded years
after it was made): `filed_at` (UTC), `filed_at_local` with `timezone`, `filed_on` (that day where
the person was, the day deadlines count from), `status_changes[].happened_on` and
`clarification_pauses[]` (`asked_on`, `answered_on`, and `days`, the days the pause stopped the
clock, both its first and last day counted, null while the company waits for the answer). By the
site's clock: `created_at`, `recorded_at` (when the filing was recorded here), `attachments[].added_at`,
`generated_at` and every event's `at`. Computed: `due_on`, `extended_due_on`, `acknowledge_by`
from `filed_on`, the pauses and `deadline_rule` (the rule as tracking/deadlines.py writes it; null
for requests filed before rules were kept), `paused_since` while the clock is stopped.

Versions: facts beyond `REQUIRED_FACTS` are open, so a field may be added within a format, and a
reader must not require one that earlier records lack (added to v1 in December 2026: `filed_on`,
`deadline_rule`, `paused_since`, `clarification_pauses`). Changing what a field means, or adding
an event type (a verifier refuses types it does not know), needs a new format; so a clarification
is recorded as a `status_changed` event whose data says `clarification`: asked or answered.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# Problems with a record are shown to people on /verify/, so they are in the active language.
from django.utils.translation import gettext as _

from .canonical import CanonicalJSONError, canonical_json, parse_json
from .chain import chain, hex32, is_int, is_uuid, sha256_hex, verify_chain
from .keys import key_id, load_public_key_pem, public_key_pem, raw_public

FORMAT = "opt-out-guide/evidence/v1"
ALG = "Ed25519"
RECORD_FIELDS = ("format", "submission", "events", "head", "signature")
SIGNATURE_FIELDS = ("alg", "key_id", "public_key", "value")
# Facts a record must state; any others (legal basis, form URL, due dates, ...) are signed as given.
REQUIRED_FACTS = ("id", "platform", "action", "text", "text_sha256")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _signature_bytes(value: Any) -> bytes | None:
    # Strict: base64 has spare bits in its last character, and a record that
    # differs in one character must not verify, so only the canonical encoding counts.
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 64 or _b64(raw) != value:
        return None
    return raw


def _record_payload(facts: Any, head_hex: str, length: int) -> bytes:
    # "format" keeps a record signature from ever passing as a head signature, and back.
    return canonical_json(
        {
            "alg": ALG,
            "facts_sha256": sha256_hex(canonical_json(facts)),
            "format": FORMAT,
            "head": head_hex,
            "length": length,
            "submission": facts.get("id") if isinstance(facts, dict) else None,
        }
    )


# --- the evidence record ------------------------------------------------------------------------


def _facts_problems(facts: Any) -> list[str]:
    if not isinstance(facts, dict):
        return [_("submission: is not an object")]
    problems = [_("submission: missing '%(name)s'") % {"name": name} for name in REQUIRED_FACTS if name not in facts]
    if "id" in facts and not is_uuid(facts["id"]):
        problems.append(_("submission: id is not a UUID"))
    for name in ("platform", "action"):
        if name in facts and not (isinstance(facts[name], str) and facts[name]):
            problems.append(_("submission: %(name)s is not a non-empty string") % {"name": name})
    text, digest = facts.get("text"), facts.get("text_sha256")
    if "text" in facts and not (text is None or isinstance(text, str)):
        problems.append(_("submission: text is neither a string nor null"))
    if "text_sha256" in facts and hex32(digest) is None:
        problems.append(_("submission: text_sha256 is not 64 lowercase hex digits"))
    elif isinstance(text, str) and isinstance(digest, str):
        try:
            matches = sha256_hex(text) == digest
        except UnicodeEncodeError:
            matches = False
        if not matches:
            problems.append(_("submission: the text does not match its SHA-256"))
    try:
        canonical_json(facts)
    except CanonicalJSONError as exc:
        problems.append(_("submission: cannot be hashed: %(reason)s") % {"reason": exc})
    return problems


def build_record(
    *, facts: Mapping[str, Any], events: Iterable[Mapping[str, Any]], private_key: Ed25519PrivateKey
) -> dict[str, Any]:
    """The signed evidence record for one submission.

    `facts` must hold `id` (the submission UUID), `platform`, `action` and
    `text` (exactly as filed, or None once deleted); `text_sha256` is computed
    from `text` when absent. Everything else given (legal basis, official form
    URL, content version, filed_at UTC and local, time zone, reference, status,
    due dates, form fields) is carried and signed as is. `events` are plain
    event dicts in order; stored `prev`/`hash` values, if passed, must match.
    Raises ValueError for anything that would not verify.
    """
    facts = dict(facts)
    if isinstance(facts.get("text"), str) and "text_sha256" not in facts:
        facts["text_sha256"] = sha256_hex(facts["text"])
    problems = _facts_problems(facts)
    if problems:
        raise ValueError("; ".join(problems))
    facts = json.loads(canonical_json(facts))
    chained = chain(events)
    if not chained:
        raise ValueError("A record needs at least one event.")
    for item in chained:
        if item.event["submission"] != facts["id"]:
            raise ValueError(f"event {item.event['seq']}: belongs to another submission")
    head_hex, length = chained[-1].hash.hex(), len(chained)
    signature = private_key.sign(_record_payload(facts, head_hex, length))
    public = private_key.public_key()
    return {
        "format": FORMAT,
        "submission": facts,
        "events": [item.as_dict() for item in chained],
        "head": {"hash": head_hex, "length": length},
        "signature": {
            "alg": ALG,
            "key_id": key_id(public),
            "public_key": public_key_pem(public),
            "value": _b64(signature),
        },
    }


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """The record as the canonical JSON file embedded in the PDF."""
    return canonical_json(record)


@dataclass(frozen=True)
class RecordVerdict:
    ok: bool
    problems: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    trusted_key: bool = False
    signature_valid: bool = False


def verify_record(
    record: Mapping[str, Any] | bytes | str, trusted_public_keys: Mapping[str, Ed25519PublicKey]
) -> RecordVerdict:
    """Check an evidence record: its format, facts, chain, signature, and whether this site signed it.

    Never raises for bad input; everything wrong is a plain problem, in the active language.
    `ok` only when all checks pass and the key is one of `trusted_public_keys`.
    """
    if isinstance(record, bytes | bytearray | str):
        try:
            record = parse_json(record)
        except ValueError as exc:
            return RecordVerdict(
                ok=False, problems=[_("record is not valid evidence JSON: %(reason)s") % {"reason": exc}]
            )
    elif isinstance(record, Mapping):
        try:
            record = json.loads(canonical_json(record))
        except CanonicalJSONError as exc:
            return RecordVerdict(
                ok=False, problems=[_("record is not valid evidence JSON: %(reason)s") % {"reason": exc}]
            )
    if not isinstance(record, dict):
        return RecordVerdict(ok=False, problems=[_("record is not a JSON object")])

    problems = [_("record: missing '%(name)s'") % {"name": name} for name in RECORD_FIELDS if name not in record]
    problems += [
        _("record: unexpected field %(name)s") % {"name": repr(str(name)[:40])}
        for name in record
        if name not in RECORD_FIELDS
    ]
    if "format" in record and record["format"] != FORMAT:
        problems.append(
            _("record: format is %(found)s, expected %(expected)s")
            % {"found": repr(str(record["format"])[:60]), "expected": repr(FORMAT)}
        )

    facts = record.get("submission")
    problems += _facts_problems(facts)
    facts_id = facts.get("id") if isinstance(facts, dict) and is_uuid(facts.get("id")) else None

    head = record.get("head")
    head_hash = head_length = None
    if not isinstance(head, dict) or set(head) != {"hash", "length"}:
        problems.append(_("head: is not an object with exactly 'hash' and 'length'"))
    else:
        head_hash = hex32(head["hash"])
        head_length = head["length"] if is_int(head["length"]) and head["length"] >= 0 else None
        if head_hash is None:
            problems.append(_("head: hash is not 64 lowercase hex digits"))
        if head_length is None:
            problems.append(_("head: length is not a whole number"))

    chain_verdict = verify_chain(
        record.get("events"), expected_head=head_hash, expected_length=head_length, submission=facts_id
    )
    problems += chain_verdict.problems

    signature_valid, trusted, signer = _check_signature(
        record, facts, head_hash, head_length, trusted_public_keys, problems
    )
    if signer is not None and not trusted:
        problems.append(
            _("signature: made with key %(key_id)s, which is not one of this site's keys") % {"key_id": signer}
        )

    events = record.get("events")
    signature = record.get("signature")
    summary = {
        "submission": facts_id,
        "platform": _str_or_none(facts, "platform"),
        "action": _str_or_none(facts, "action"),
        "filed_at": _str_or_none(facts, "filed_at"),
        "events": len(events) if isinstance(events, list) else None,
        "head": head_hash.hex() if head_hash else None,
        "key_id": _str_or_none(signature, "key_id"),
        "text_included": isinstance(facts, dict) and isinstance(facts.get("text"), str),
    }
    return RecordVerdict(
        ok=not problems, problems=problems, summary=summary, trusted_key=trusted, signature_valid=signature_valid
    )


def _str_or_none(container: Any, name: str) -> str | None:
    if isinstance(container, dict) and isinstance(container.get(name), str):
        return container[name]
    return None


def _check_signature(
    record: dict[str, Any],
    facts: Any,
    head_hash: bytes | None,
    head_length: int | None,
    trusted_public_keys: Mapping[str, Ed25519PublicKey],
    problems: list[str],
) -> tuple[bool, bool, str | None]:
    """(signature valid, key trusted, key id of a readable signing key); appends what is wrong."""
    signature = record.get("signature")
    if not isinstance(signature, dict):
        problems.append(_("signature: is not an object"))
        return False, False, None
    missing = [name for name in SIGNATURE_FIELDS if name not in signature]
    problems += [_("signature: missing '%(name)s'") % {"name": name} for name in missing]
    problems += [
        _("signature: unexpected field %(name)s") % {"name": repr(str(name)[:40])}
        for name in signature
        if name not in SIGNATURE_FIELDS
    ]
    if missing:
        return False, False, None
    if signature["alg"] != ALG:
        problems.append(
            _("signature: algorithm is %(found)s, expected %(expected)s")
            % {"found": repr(str(signature["alg"])[:20]), "expected": repr(ALG)}
        )
    public_pem = signature["public_key"]
    try:
        public_key = load_public_key_pem(public_pem) if isinstance(public_pem, str) else None
    except ValueError as exc:
        problems.append(_("signature: public key is %(reason)s") % {"reason": exc})
        return False, False, None
    if public_key is None:
        problems.append(_("signature: public key is not a string"))
        return False, False, None
    # The PEM must be exactly the canonical one, so that its text cannot vary unnoticed.
    if public_key_pem(public_key) != public_pem:
        problems.append(_("signature: public key is not in canonical PEM form"))
    signer = key_id(public_key)
    if signature["key_id"] != signer:
        problems.append(_("signature: key id does not match the public key"))
    raw = _signature_bytes(signature["value"])
    if raw is None:
        problems.append(_("signature: value is not a base64 Ed25519 signature"))
        valid = False
    elif head_hash is None or head_length is None or not isinstance(facts, dict):
        problems.append(_("signature: cannot be checked without a well-formed head and submission"))
        valid = False
    else:
        try:
            public_key.verify(raw, _record_payload(facts, head_hash.hex(), head_length))
            valid = True
        except (InvalidSignature, CanonicalJSONError):
            valid = False
        if not valid:
            problems.append(
                _("signature: does not match the record (changed after signing, or signed with another key)")
            )
    trusted_key = trusted_public_keys.get(signer)
    trusted = trusted_key is not None and raw_public(trusted_key) == raw_public(public_key)
    return valid, trusted, signer
