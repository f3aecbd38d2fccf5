"""Tamper-evident evidence: a hash chain of a submission's events, signed with the site's key.

Each event of a submission is hashed together with the hash of the event
before it, `hash = SHA-256(0x00 || prev_hash || canonical JSON of the event)`,
starting from 32 zero bytes. Events hold facts and keyed digests (`letter_hmac`,
`attachment_hmac`), never personal text, so deleting personal content
later does not break verification.

The evidence record (embedded in the evidence PDF as `evidence.json`, checked
by `/verify/` and `manage.py verify_evidence`) carries the submission's facts,
the chained events and an Ed25519 signature over the chain head and the
SHA-256 of the facts, so a change to any character of the record is detected.

Pure except `load_signing_key`, the one place that reads Django settings, the
environment or the file system.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime
import hashlib
import hmac
import json
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured

# Problems with a record are shown to people on /verify/, so they are in the active language.
from django.utils.translation import gettext as _

FORMAT = "opt-out-guide/evidence/v1"
ALG = "Ed25519"
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
RECORD_FIELDS = ("format", "submission", "events", "head", "signature")
SIGNATURE_FIELDS = ("alg", "key_id", "public_key", "value")
# Facts a record must state; any others (legal basis, form URL, due dates, ...) are signed as given.
REQUIRED_FACTS = ("id", "platform", "action", "text", "text_sha256")
# Integers that every JSON implementation reads exactly (I-JSON, RFC 7493 2.2).
MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64
# An evidence record holds text and hashes, not images; anything larger is not one of ours.
MAX_RECORD_BYTES = 5 * 1024 * 1024
DEV_KEY_FILENAME = "evidence_signing_key.pem"

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


# The standard library's own string encoder for ensure_ascii=False: ECMAScript's
# escapes (\n, \t, \", \\, \u00xx for other controls), everything else literal.
_quote = json.encoder.encode_basestring


class CanonicalJSONError(ValueError):
    """The value cannot be written as canonical JSON (a float, a non-JSON type, a lone surrogate...)."""


# --- canonical JSON -----------------------------------------------------------------------------


def canonical_json(obj: Any) -> bytes:
    """Deterministic UTF-8 JSON in the spirit of RFC 8785 (JCS).

    Keys sorted by their UTF-16 code units, no insignificant whitespace, strings
    escaped as ECMAScript's JSON.stringify does. Floats are refused rather than
    given a canonical form (write amounts as strings or integers), as are
    integers beyond 2**53 - 1 and anything that is not dict, list, tuple, str,
    int, bool or None.
    """
    out: list[str] = []
    _encode(obj, out, 0)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalJSONError(_("a string contains a lone surrogate, which is not valid Unicode")) from exc


def _encode(value: Any, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalJSONError(_("nested more than %(depth)d levels deep") % {"depth": MAX_DEPTH})
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalJSONError(
                _("integer %(value)s is beyond 2**53 - 1; write it as a string") % {"value": int(value)}
            )
        out.append(str(int(value)))
    elif isinstance(value, float):
        raise CanonicalJSONError(
            _("float %(value)s has no exact JSON form; write it as a string or an integer") % {"value": repr(value)}
        )
    elif isinstance(value, str):
        out.append(_quote(value))
    elif isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalJSONError(_("object key %(key)s is not a string") % {"key": repr(key)})
        out.append("{")
        # RFC 8785 3.2.3: property names sorted by UTF-16 code units, which
        # differs from code-point order only beyond ASCII.
        keys = sorted(value) if all(key.isascii() for key in value) else sorted(value, key=_utf16)
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(_quote(key))
            out.append(":")
            _encode(value[key], out, depth + 1)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out, depth + 1)
        out.append("]")
    else:
        raise CanonicalJSONError(_("%(type)s is not a JSON type") % {"type": type(value).__name__})


def _utf16(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def parse_json(data: bytes | str) -> Any:
    """Parse untrusted JSON strictly: no NaN or Infinity, no floats, no huge numbers, no duplicate keys.

    Raises ValueError with a plain reason in the active language.
    """
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_RECORD_BYTES:
            raise ValueError(_("larger than %(limit)d bytes") % {"limit": MAX_RECORD_BYTES})
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(_("not UTF-8")) from exc
    elif len(data) > MAX_RECORD_BYTES:
        raise ValueError(_("larger than %(limit)d bytes") % {"limit": MAX_RECORD_BYTES})
    try:
        return json.loads(
            data,
            object_pairs_hook=_unique_keys,
            parse_float=_refuse_float,
            parse_int=_bounded_int,
            parse_constant=_refuse_constant,
        )
    except RecursionError as exc:
        raise ValueError(_("nested too deeply")) from exc
    except json.JSONDecodeError as exc:
        # json's own reason (exc.msg) is English in every language.
        raise ValueError(
            _("not valid JSON (%(reason)s at line %(line)d column %(column)d)")
            % {"reason": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(_("duplicate key %(key)s") % {"key": repr(key)})
        result[key] = value
    return result


def _refuse_float(text: str) -> Any:
    raise ValueError(_("number %(number)s is not an integer") % {"number": text[:20]})


def _refuse_constant(text: str) -> Any:
    raise ValueError(_("%(text)s is not JSON") % {"text": text})


def _bounded_int(text: str) -> int:
    # Checked on the text so that a megabyte of digits is never converted.
    if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER:
        raise ValueError(_("number %(number)s is too large") % {"number": text[:20]})
    return int(text)


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


# --- events and the chain -----------------------------------------------------------------------


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
    problems = _event_problems(event)
    if problems:
        raise ValueError("; ".join(problems))
    return event


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_uuid(value: Any) -> bool:
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


def _event_problems(event: Mapping[str, Any], *, chain_fields: tuple[str, ...] = ()) -> list[str]:
    problems = []
    problems.extend(_("missing field '%(name)s'") % {"name": name} for name in EVENT_FIELDS if name not in event)
    allowed = set(EVENT_FIELDS) | set(chain_fields)
    problems.extend(_("unexpected field '%(name)s'") % {"name": name} for name in event if name not in allowed)
    if "seq" in event and not (_is_int(event["seq"]) and 0 <= event["seq"] <= MAX_SAFE_INTEGER):
        problems.append(_("seq is not a whole number"))
    if "type" in event and event["type"] not in EVENT_TYPES:
        problems.append(_("unknown type %(type)s") % {"type": repr(str(event["type"])[:40])})
    if "at" in event and not _is_timestamp(event["at"]):
        problems.append(_("time is not UTC ISO-8601 with microseconds and Z"))
    if "submission" in event and not _is_uuid(event["submission"]):
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
    problems = _event_problems(event, chain_fields=("prev", "hash"))
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


def _hex32(value: Any) -> bytes | None:
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
        if owner is None and isinstance(event, dict) and _is_uuid(event.get("submission")):
            owner = event["submission"]
        problems.extend(_("event %(index)d: %(problem)s") % {"index": index, "problem": problem} for problem in found)
    if expected_length is not None and len(events_with_hashes) != expected_length:
        problems.append(
            _("chain has %(count)d events, the head says %(length)d")
            % {"count": len(events_with_hashes), "length": expected_length}
        )
    if expected_head is not None and events_with_hashes:
        last = events_with_hashes[-1]
        if not isinstance(last, dict) or _hex32(last.get("hash")) != expected_head:
            problems.append(_("the last event's hash does not match the head"))
    return ChainVerdict(ok=not problems, problems=problems)


def _event_chain_problems(
    index: int, event: Any, recorded_prev: bytes | None, owner: str | None, problems: list[str]
) -> bytes | None:
    """Appends what is wrong with one stored event; returns its recorded hash, the next event's `prev`."""
    if not isinstance(event, dict):
        problems.append(_("is not an object"))
        return None
    field_problems = _event_problems(event, chain_fields=("prev", "hash"))
    problems.extend(field_problems)
    seq = event.get("seq")
    if _is_int(seq) and seq != index:
        problems.append(_("seq %(seq)d out of order (expected %(index)d)") % {"seq": seq, "index": index})
    if _is_uuid(event.get("submission")) and owner is not None and event["submission"] != owner:
        problems.append(
            _("belongs to submission %(submission)s, not %(owner)s")
            % {"submission": event["submission"], "owner": owner}
        )
    prev = _hex32(event.get("prev"))
    current = _hex32(event.get("hash"))
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


# --- keys ---------------------------------------------------------------------------------------


def load_signing_key() -> Ed25519PrivateKey:
    """The site's Ed25519 signing key, from the first source configured.

    1. `EVIDENCE_SIGNING_KEY` (setting, else environment): PEM text, or the raw
       32-byte seed in base64.
    2. `EVIDENCE_SIGNING_KEY_FILE` (setting, else environment): path to a PEM file.
    3. Only when `DEBUG` or `EVIDENCE_DEV_KEY_AUTOCREATE` is true: a key kept in
       `<BASE_DIR>/var/evidence_signing_key.pem` (mode 0600), created on first use.

    Otherwise ImproperlyConfigured: production must never sign with a key that
    appeared by accident and would vanish with the machine.
    """
    # The only settings access in this module, kept lazy so the rest stays pure.
    from django.conf import settings

    def configured(name: str) -> str:
        value = getattr(settings, name, "") or os.environ.get(name, "")
        return str(value).strip()

    if value := configured("EVIDENCE_SIGNING_KEY"):
        return parse_private_key(value, source="EVIDENCE_SIGNING_KEY")
    if path := configured("EVIDENCE_SIGNING_KEY_FILE"):
        return _read_key_file(Path(path), source="EVIDENCE_SIGNING_KEY_FILE")
    if getattr(settings, "DEBUG", False) or getattr(settings, "EVIDENCE_DEV_KEY_AUTOCREATE", False):
        return _development_key(Path(settings.BASE_DIR) / "var" / DEV_KEY_FILENAME)
    raise ImproperlyConfigured(
        "No evidence signing key: set EVIDENCE_SIGNING_KEY (PEM, or a base64 32-byte Ed25519 seed) or "
        "EVIDENCE_SIGNING_KEY_FILE (path to a PEM file). "
        'Generate one with: python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'
    )


def parse_private_key(value: str | bytes, *, source: str = "the key") -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8, unencrypted) or a base64 32-byte seed.

    Raises ImproperlyConfigured naming the source, never quoting the key.
    """
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode("ascii", "replace"), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise ImproperlyConfigured(f"{source} is not a readable unencrypted PEM private key.") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{source} is a {type(key).__name__}, not an Ed25519 private key.")
        return key
    try:
        seed = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{source} is neither PEM nor base64.") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured(f"{source} decodes to {len(seed)} bytes; an Ed25519 seed is 32.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _read_key_file(path: Path, *, source: str) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"{source}: cannot read {path} ({exc.strerror}).") from exc
    return parse_private_key(data, source=f"{source} ({path})")


def private_key_pem(private_key: Ed25519PrivateKey) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def _development_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        # Written to a private temporary file (mkstemp creates it 0600) and then
        # linked into place, which fails if another process got there first:
        # nobody ever reads a half-written key, and two processes agree on one.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".evidence-key-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(private_key_pem(key).encode("ascii"))
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return _read_key_file(path, source="the development evidence key")


def public_key_pem(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM, the form records carry and the site publishes."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def load_public_key_pem(pem: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ValueError for anything else."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(_("not a readable PEM public key")) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(_("a %(type)s, not an Ed25519 public key") % {"type": type(key).__name__})
    return key


def _raw_public(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


def trusted_keys(*keys: Ed25519PublicKey | Ed25519PrivateKey) -> dict[str, Ed25519PublicKey]:
    """The `{key_id: public key}` mapping `verify_record` takes (the current key plus retired ones)."""
    publics = [key.public_key() if isinstance(key, Ed25519PrivateKey) else key for key in keys]
    return {key_id(key): key for key in publics}


# --- signatures ---------------------------------------------------------------------------------


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


def _head_payload(*, submission: str, head_hash: bytes, length: int) -> bytes:
    return canonical_json({"alg": ALG, "head": head_hash.hex(), "length": length, "submission": submission})


def sign_head(private_key: Ed25519PrivateKey, *, submission: str, head_hash: bytes, length: int) -> str:
    """Base64 Ed25519 signature over canonical JSON {"alg", "head", "length", "submission"}."""
    return _b64(private_key.sign(_head_payload(submission=submission, head_hash=head_hash, length=length)))


def verify_head_signature(
    public_key: Ed25519PublicKey, *, submission: str, head_hash: bytes, length: int, signature: str
) -> bool:
    raw = _signature_bytes(signature)
    if raw is None:
        return False
    try:
        public_key.verify(raw, _head_payload(submission=submission, head_hash=head_hash, length=length))
    except InvalidSignature:
        return False
    return True


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
    if "id" in facts and not _is_uuid(facts["id"]):
        problems.append(_("submission: id is not a UUID"))
    for name in ("platform", "action"):
        if name in facts and not (isinstance(facts[name], str) and facts[name]):
            problems.append(_("submission: %(name)s is not a non-empty string") % {"name": name})
    text, digest = facts.get("text"), facts.get("text_sha256")
    if "text" in facts and not (text is None or isinstance(text, str)):
        problems.append(_("submission: text is neither a string nor null"))
    if "text_sha256" in facts and _hex32(digest) is None:
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
    facts_id = facts.get("id") if isinstance(facts, dict) and _is_uuid(facts.get("id")) else None

    head = record.get("head")
    head_hash = head_length = None
    if not isinstance(head, dict) or set(head) != {"hash", "length"}:
        problems.append(_("head: is not an object with exactly 'hash' and 'length'"))
    else:
        head_hash = _hex32(head["hash"])
        head_length = head["length"] if _is_int(head["length"]) and head["length"] >= 0 else None
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
    trusted = trusted_key is not None and _raw_public(trusted_key) == _raw_public(public_key)
    return valid, trusted, signer
