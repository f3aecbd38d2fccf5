#!/usr/bin/env python3
"""Check an Opt-Out Guide evidence record offline, against a public key you trust: no site needed.

    python tools/verify_evidence.py evidence.json --public-key key.pem [--public-key retired.pem]
    python tools/verify_evidence.py evidence.pdf --public-key key.pem
    python tools/verify_evidence.py evidence.pdf --public-key key.pem --pdf-root root.pem [--tsa-root tsa.pem]

A record (`evidence.json`, format `opt-out-guide/evidence/v1`) or a pack (`evidence-pack.json`)
is read strictly, its facts, hash chain and Ed25519 signature are checked as docs/EVIDENCE.md
specifies, and the signing key must be one of the `--public-key` files (the site publishes its key
at /.well-known/opt-out-guide-evidence-key.pem; keep the retired ones). One verdict line per check;
exit status 0 when every check passes, 1 otherwise, 2 for a usage error.

This file is a second, independent implementation of the format: it needs only the standard
library and `cryptography`, and imports nothing from the site, so that it can be handed to anyone.
A PDF is opened with pyHanko (`pip install pyhanko==0.38.0`) to take the record out of it; with
`--pdf-root` (the site's published root, /.well-known/opt-out-guide-evidence-root.pem, repeatable)
the PDF's own PAdES signature is checked too, as docs/EVIDENCE.md says a valid one is: intact,
covering the whole file (or followed only by revisions that change nothing a reader sees), by a
certificate chaining to one of those roots and valid when it signed, and its RFC 3161 timestamp,
if any, from an authority whose root is given with `--tsa-root`. Nothing is fetched.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import hashlib
import io
import json
import re
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "opt-out-guide/evidence/v1"
PACK_FORMAT = "opt-out-guide/evidence-pack/v1"
ALG = "Ed25519"
RECORD_FILENAME = "evidence.json"
PACK_FILENAME = "evidence-pack.json"
RECORD_FIELDS = ("format", "submission", "events", "head", "signature")
SIGNATURE_FIELDS = ("alg", "key_id", "public_key", "value")
REQUIRED_FACTS = ("id", "platform", "action", "text", "text_sha256")
EVENT_FIELDS = ("seq", "type", "at", "submission", "data")
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
GENESIS = bytes(32)
MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 64
MAX_RECORD_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 50 * 1024 * 1024

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


class Refused(ValueError):
    """The input cannot be read as evidence at all (not JSON, not a PDF with a record, ...)."""


# --- strict JSON in, canonical JSON out -----------------------------------------------------------


def parse_strict(data: bytes) -> Any:
    """UTF-8 JSON with no floats, NaN, Infinity, integers beyond 2**53 - 1, or duplicate keys."""
    if len(data) > MAX_RECORD_BYTES:
        raise Refused(f"larger than {MAX_RECORD_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused("not UTF-8") from exc

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise Refused(f"duplicate key {key!r}")
            result[key] = value
        return result

    def no_float(text: str) -> Any:
        raise Refused(f"number {text[:20]} is not an integer")

    def no_constant(text: str) -> Any:
        raise Refused(f"{text} is not JSON")

    def bounded(text: str) -> int:
        if len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_SAFE_INTEGER:
            raise Refused(f"number {text[:20]} is too large")
        return int(text)

    try:
        return json.loads(
            text, object_pairs_hook=unique, parse_float=no_float, parse_int=bounded, parse_constant=no_constant
        )
    except RecursionError as exc:
        raise Refused("nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise Refused(f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc


def canonical_json(value: Any, depth: int = 0) -> bytes:
    """RFC 8785 for the values a record may hold: keys sorted by UTF-16 code units, no whitespace,
    ECMAScript string escapes, integers only. ValueError for anything else (floats, lone surrogates)."""
    return _canonical(value, depth).encode("utf-8")


def _canonical(value: Any, depth: int) -> str:
    if depth > MAX_DEPTH:
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} is beyond 2**53 - 1")
        return str(value)
    if isinstance(value, str):
        # ensure_ascii=False: only ", \, and controls escaped (\b \f \n \r \t, else \u00xx lowercase).
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise ValueError("an object key is not a string")
        keys = sorted(value, key=lambda key: key.encode("utf-16-be", "surrogatepass"))
        return (
            "{"
            + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _canonical(value[k], depth + 1) for k in keys)
            + "}"
        )
    if isinstance(value, list):
        return "[" + ",".join(_canonical(item, depth + 1) for item in value) + "]"
    raise ValueError(f"{type(value).__name__} is not a JSON type")


def _hashable(value: Any) -> bool:
    try:
        canonical_json(value)
    except (ValueError, UnicodeEncodeError):
        return False
    return True


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- checks ---------------------------------------------------------------------------------------


@dataclass
class Check:
    """One verdict line: what was checked, and what is wrong with it (nothing: it passed)."""

    name: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a passing check rests on

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if self.ok:
            return [f"PASS  {self.name}" + (f": {'; '.join(self.notes)}" if self.notes else "")]
        return [f"FAIL  {self.name}: {problem}" for problem in self.problems]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _hex32(value: Any) -> bytes | None:
    return bytes.fromhex(value) if isinstance(value, str) and _HEX64.fullmatch(value) else None


def _is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        return False
    try:
        datetime.datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


def check_structure(record: dict[str, Any]) -> Check:
    check = Check("record structure and format")
    check.problems += [f"missing '{name}'" for name in RECORD_FIELDS if name not in record]
    check.problems += [f"unexpected field {str(name)[:40]!r}" for name in record if name not in RECORD_FIELDS]
    if "format" in record and record["format"] != FORMAT:
        check.problems.append(f"format is {str(record['format'])[:60]!r}, expected {FORMAT!r}")
    return check


def check_facts(facts: Any) -> Check:
    check = Check("submission facts (required fields, text matches text_sha256)")
    if not isinstance(facts, dict):
        check.problems.append("'submission' is not an object")
        return check
    check.problems += [f"missing '{name}'" for name in REQUIRED_FACTS if name not in facts]
    if "id" in facts and not _is_uuid(facts["id"]):
        check.problems.append("id is not a UUID in lowercase hyphenated form")
    for name in ("platform", "action"):
        if name in facts and not (isinstance(facts[name], str) and facts[name]):
            check.problems.append(f"{name} is not a non-empty string")
    text, digest = facts.get("text"), facts.get("text_sha256")
    if "text" in facts and not (text is None or isinstance(text, str)):
        check.problems.append("text is neither a string nor null")
    if "text_sha256" in facts and _hex32(digest) is None:
        check.problems.append("text_sha256 is not 64 lowercase hex digits")
    elif isinstance(text, str) and isinstance(digest, str):
        try:
            matches = sha256_hex(text.encode("utf-8")) == digest
        except UnicodeEncodeError:
            matches = False
        if not matches:
            check.problems.append("the text does not match its SHA-256 (text_sha256)")
    if not _hashable(facts):
        check.problems.append("the facts cannot be written as canonical JSON")
    return check


def event_hash(prev: bytes, event: Mapping[str, Any]) -> bytes:
    """SHA-256(0x00 || prev || canonical JSON of the event's seq, type, at, submission and data)."""
    content = {name: event[name] for name in EVENT_FIELDS}
    return hashlib.sha256(b"\x00" + prev + canonical_json(content)).digest()


def _parse_head(head: Any) -> tuple[bytes | None, int | None] | None:
    """The head's hash and length (each None where it is malformed), or None when the head is not an
    object with exactly those two members. The chain check and the signature check both read it."""
    if not isinstance(head, dict) or set(head) != {"hash", "length"}:
        return None
    length = head["length"]
    return _hex32(head["hash"]), length if _is_int(length) and length >= 0 else None


def check_chain(events: Any, head: Any, owner: str | None) -> Check:
    check = Check("hash chain (every event, in order, up to the head)")
    problems = check.problems
    parsed = _parse_head(head)
    head_hash, head_length = parsed or (None, None)
    if parsed is None:
        problems.append("head is not an object with exactly 'hash' and 'length'")
    else:
        if head_hash is None:
            problems.append("head hash is not 64 lowercase hex digits")
        if head_length is None:
            problems.append("head length is not a whole number")
    if not isinstance(events, list):
        problems.append("events are not a list")
        return check
    if not events:
        problems.append("the chain is empty")
    expected_prev: bytes | None = GENESIS
    for index, event in enumerate(events):
        found = _event_problems(index, event, expected_prev, owner)
        problems += [f"event {index}: {problem}" for problem in found]
        if owner is None and isinstance(event, dict) and _is_uuid(event.get("submission")):
            owner = event["submission"]
        expected_prev = _hex32(event.get("hash")) if isinstance(event, dict) else None
    if head_length is not None and len(events) != head_length:
        problems.append(f"the chain has {len(events)} events, the head says {head_length} (one removed or added?)")
    if head_hash is not None and events:
        last = events[-1]
        if not isinstance(last, dict) or _hex32(last.get("hash")) != head_hash:
            problems.append("the last event's hash is not the head")
    return check


def _event_problems(index: int, event: Any, expected_prev: bytes | None, owner: str | None) -> list[str]:
    if not isinstance(event, dict):
        return ["is not an object"]
    problems = [f"missing field '{name}'" for name in EVENT_FIELDS if name not in event]
    allowed = (*EVENT_FIELDS, "prev", "hash")
    problems += [f"unexpected field '{name}'" for name in event if name not in allowed]
    if "seq" in event and not (_is_int(event["seq"]) and 0 <= event["seq"] <= MAX_SAFE_INTEGER):
        problems.append("seq is not a whole number")
    if "type" in event and event["type"] not in EVENT_TYPES:
        problems.append(f"unknown type {str(event['type'])[:40]!r}")
    if "at" in event and not _is_timestamp(event["at"]):
        problems.append("time is not UTC ISO 8601 with microseconds and Z")
    if "submission" in event and not _is_uuid(event["submission"]):
        problems.append("submission is not a UUID")
    if "data" in event and not (isinstance(event["data"], dict) and _hashable(event["data"])):
        problems.append("data is not an object that can be written as canonical JSON")
    well_formed = not problems
    seq = event.get("seq")
    if _is_int(seq) and seq != index:
        problems.append(f"seq {seq} out of order (expected {index}): events reordered, removed or inserted")
    if _is_uuid(event.get("submission")) and owner is not None and event["submission"] != owner:
        problems.append(f"belongs to submission {event['submission']}, not {owner}")
    prev, current = _hex32(event.get("prev")), _hex32(event.get("hash"))
    if prev is None:
        problems.append("prev is not 64 lowercase hex digits")
    elif expected_prev is not None and prev != expected_prev:
        problems.append("prev is not the genesis hash" if index == 0 else f"prev is not event {index - 1}'s hash")
    if current is None:
        problems.append("hash is not 64 lowercase hex digits")
    elif prev is not None and well_formed and event_hash(prev, event) != current:
        problems.append("hash does not match the event's content (changed after it was chained)")
    return problems


def signed_payload(facts: dict[str, Any], head_hex: str, length: int) -> bytes:
    """The bytes the Ed25519 signature covers (docs/EVIDENCE.md, "The signature")."""
    return canonical_json(
        {
            "alg": ALG,
            "facts_sha256": sha256_hex(canonical_json(facts)),
            "format": FORMAT,
            "head": head_hex,
            "length": length,
            "submission": facts.get("id"),
        }
    )


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError("not a readable PEM public key") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"a {type(key).__name__}, not an Ed25519 public key")
    return key


def check_signature(record: dict[str, Any], trusted: Mapping[str, Ed25519PublicKey]) -> list[Check]:
    """The signature over the record, then whether its key is one of the trusted ones."""
    check, trust = Check("Ed25519 signature over the head and the facts"), Check("signing key is a trusted key")
    signature, facts, head = record.get("signature"), record.get("submission"), record.get("head")
    if not isinstance(signature, dict):
        check.problems.append("'signature' is not an object")
        trust.problems.append("no signing key to check")
        return [check, trust]
    missing = [name for name in SIGNATURE_FIELDS if name not in signature]
    check.problems += [f"missing '{name}'" for name in missing]
    check.problems += [f"unexpected field {str(name)[:40]!r}" for name in signature if name not in SIGNATURE_FIELDS]
    if missing:
        trust.problems.append("no signing key to check")
        return [check, trust]
    if signature["alg"] != ALG:
        check.problems.append(f"algorithm is {str(signature['alg'])[:20]!r}, expected {ALG!r}")
    pem = signature["public_key"]
    try:
        if not isinstance(pem, str):
            raise ValueError("not a string")
        public_key = load_public_key(pem.encode("ascii", "replace"))
    except ValueError as exc:
        check.problems.append(f"the record's public key is {exc}")
        trust.problems.append("no signing key to check")
        return [check, trust]
    if public_key_pem(public_key) != pem:
        check.problems.append("the record's public key is not in canonical PEM form")
    signer = key_id(public_key)
    if signature["key_id"] != signer:
        check.problems.append("key_id does not match the public key")
    value = signature["value"]
    raw = None
    if isinstance(value, str):
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = None
        # Only the canonical encoding counts: base64's spare bits must not let a record vary.
        if raw is not None and (len(raw) != 64 or base64.b64encode(raw).decode("ascii") != value):
            raw = None
    head_hash, head_length = _parse_head(head) or (None, None)
    if raw is None:
        check.problems.append("value is not a base64 Ed25519 signature (64 bytes, canonical base64)")
    elif head_hash is None or head_length is None or not isinstance(facts, dict):
        check.problems.append("cannot be checked without a well-formed head and submission")
    else:
        try:
            public_key.verify(raw, signed_payload(facts, head_hash.hex(), head_length))
        except (InvalidSignature, ValueError, UnicodeEncodeError):
            check.problems.append("does not match the record (changed after signing, or signed with another key)")
    known = trusted.get(signer)
    # Compare whole keys: the 16-hex-digit id only finds the candidate.
    if known is None or public_key_pem(known) != public_key_pem(public_key):
        trust.problems.append(f"signed with key {signer}, which is not among the --public-key files")
    else:
        trust.name = f"signing key {signer} is a trusted key"
    return [check, trust]


def check_record(record: Any, trusted: Mapping[str, Ed25519PublicKey]) -> list[Check]:
    """Every check of one record, in the order they are reported."""
    if not isinstance(record, dict):
        return [Check("record structure and format", ["the record is not a JSON object"])]
    facts = record.get("submission")
    owner = facts.get("id") if isinstance(facts, dict) and _is_uuid(facts.get("id")) else None
    return [
        check_structure(record),
        check_facts(facts),
        check_chain(record.get("events"), record.get("head"), owner),
        *check_signature(record, trusted),
    ]


def check_document(value: Any, trusted: Mapping[str, Ed25519PublicKey]) -> list[tuple[str, list[Check]]]:
    """(label, checks) for a record, or for each record of a pack; the label names the submission."""
    if isinstance(value, dict) and value.get("format") == PACK_FORMAT:
        records = value.get("records")
        if set(value) != {"format", "records"} or not isinstance(records, list) or not records:
            return [("pack", [Check("pack structure", ["a pack is exactly 'format' and a non-empty 'records' list"])])]
        return [
            (f"record {index + 1} of {len(records)}{_submission_id(item)}", check_record(item, trusted))
            for index, item in enumerate(records)
        ]
    return [(f"record{_submission_id(value)}", check_record(value, trusted))]


def _submission_id(record: Any) -> str:
    facts = record.get("submission") if isinstance(record, dict) else None
    name = facts.get("id") if isinstance(facts, dict) else None
    return f" {name[:36]}" if isinstance(name, str) else ""


# --- reading the input ----------------------------------------------------------------------------


def record_from_pdf(data: bytes) -> tuple[str, bytes]:
    """(file name, bytes) of the evidence file embedded in a PDF, read with pyHanko."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
    except ImportError as exc:
        raise Refused(
            "reading a PDF needs pyHanko: pip install pyhanko==0.38.0 "
            "(or take evidence.json out of the PDF with any PDF tool and pass that)"
        ) from exc
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        embedded = reader.root["/Names"]["/EmbeddedFiles"]
        names = list(_name_tree(embedded))
    except Exception as exc:  # a damaged PDF fails in many ways; each means the same here
        raise Refused(f"no readable embedded files in this PDF ({type(exc).__name__})") from exc
    for wanted in (RECORD_FILENAME, PACK_FILENAME):
        for name, filespec in names:
            if name == wanted:
                try:
                    return name, filespec["/EF"]["/F"].data
                except Exception as exc:
                    raise Refused(f"the embedded {name} cannot be read ({type(exc).__name__})") from exc
    raise Refused(f"this PDF holds neither {RECORD_FILENAME} nor {PACK_FILENAME}")


def _pem_certificates(paths: list[Path]) -> list[Any]:
    from pyhanko.keys import load_certs_from_pemder_data

    certificates = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise Refused(f"cannot read certificate {path} ({exc.strerror})") from exc
        if b"-----BEGIN" not in data:
            raise Refused(f"{path} holds no PEM certificate")
        certificates += list(load_certs_from_pemder_data(data))
    return certificates


def check_pdf_signature(data: bytes, roots: list[Path], tsa_roots: list[Path]) -> Check:
    """The PDF's own PAdES signature(s) against `roots` only (and timestamps against `tsa_roots`)."""
    check = Check("PDF signature (PAdES)")
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        # pyHanko's own name for it (pyhanko-certvalidator comes with pyhanko): one dependency to install.
        from pyhanko.sign.validation import ValidationContext, validate_pdf_signature
    except ImportError:
        check.problems.append("checking the PDF signature needs pyHanko: pip install pyhanko==0.38.0")
        return check

    import logging

    # pyHanko logs its findings as warnings too; the verdict lines below say what matters.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    def context(certificates: list[Any]) -> Any:
        return ValidationContext(trust_roots=certificates, allow_fetching=False, revocation_mode="soft-fail")

    trusted, trusted_tsa = _pem_certificates(roots), _pem_certificates(tsa_roots)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged PDF fails in many ways
        check.problems.append(f"the PDF's signatures cannot be read ({type(exc).__name__})")
        return check
    if not signatures:
        check.problems.append("the PDF itself is not signed: its pages are not protected")
        return check
    covered = 0
    for number, signature in enumerate(signatures, start=1):
        label = f"signature {number} ({signature.field_name})"
        try:
            status = validate_pdf_signature(
                signature, signer_validation_context=context(trusted), ts_validation_context=context(trusted_tsa)
            )
            byte_range = [int(n) for n in signature.sig_object["/ByteRange"]]
        except Exception as exc:  # a broken signature dictionary, byte range or CMS blob
            check.problems.append(f"{label} cannot be checked ({type(exc).__name__})")
            continue
        covered = max(covered, byte_range[2] + byte_range[3])
        if not (status.intact and status.valid):
            check.problems.append(f"{label} is broken: the PDF was changed after it was signed")
            continue
        whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
        harmless = status.modification_level is not None and status.modification_level.name in ("NONE", "LTA_UPDATES")
        if not (whole or harmless):
            check.problems.append(f"{label} does not cover the whole file: changes were added after signing")
        certificate = status.signing_cert
        signer = certificate.subject.human_friendly if certificate is not None else "?"
        token = status.timestamp_validity
        signed_at = token.timestamp if token is not None else status.signer_reported_dt
        not_after = certificate["tbs_certificate"]["validity"]["not_after"].native if certificate is not None else None
        if signed_at is not None and not_after is not None and signed_at > not_after:
            check.problems.append(f"{label} was made after its certificate expired ({signer})")
        if not status.trusted:
            check.problems.append(f"{label} is by a certificate that chains to none of the given roots ({signer})")
        if token is not None:
            authority = token.signing_cert.subject.human_friendly if token.signing_cert is not None else "?"
            if not (token.intact and token.valid):
                check.problems.append(f"the timestamp of {label} is broken")
            elif not token.trusted:
                check.problems.append(f"the timestamp of {label} is from an authority not given ({authority})")
            else:
                check.notes.append(f"{label} by {signer}; time {token.timestamp.isoformat()} certified by {authority}")
        else:
            check.notes.append(f"{label} by {signer} at {signed_at}, by the signer's own clock (no timestamp)")
    tail = len(data.rstrip(b"\r\n\t\x00 ")) - covered
    if tail > 0 and not check.problems:
        check.problems.append(f"{tail} bytes follow the signed range: not covered by any signature")
    return check


def _name_tree(node: Any, depth: int = 0) -> Any:
    if depth > 16:
        raise Refused("the PDF's name tree is nested too deeply")
    node = node.get_object() if hasattr(node, "get_object") else node
    if "/Names" in node:
        pairs = node["/Names"]
        for index in range(0, len(pairs) - 1, 2):
            yield str(pairs[index]), pairs[index + 1].get_object()
    for kid in node.get("/Kids", ()):
        yield from _name_tree(kid, depth + 1)


def read_input(path: Path) -> tuple[str, Any]:
    """(what was read, the parsed JSON value) from a JSON file or a PDF."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PDF_BYTES + 1)
    except OSError as exc:
        raise Refused(f"cannot read {path} ({exc.strerror})") from exc
    if len(data) > MAX_PDF_BYTES:
        raise Refused(f"{path} is larger than {MAX_PDF_BYTES} bytes")
    source = str(path)
    if data.startswith(b"%PDF-"):
        name, data = record_from_pdf(data)
        source = f"{path} (embedded {name})"
    return source, parse_strict(data)


def read_keys(paths: list[Path]) -> dict[str, Ed25519PublicKey]:
    keys = {}
    for path in paths:
        try:
            key = load_public_key(path.read_bytes())
        except OSError as exc:
            raise Refused(f"cannot read public key {path} ({exc.strerror})") from exc
        except ValueError as exc:
            raise Refused(f"public key {path} is {exc}") from exc
        keys[key_id(key)] = key
    return keys


def main(argv: list[str] | None = None, out: Any = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", type=Path, help="evidence.json, evidence-pack.json, or an evidence PDF")
    parser.add_argument(
        "--public-key", type=Path, action="append", required=True, metavar="PEM", help="a trusted key (repeatable)"
    )
    parser.add_argument(
        "--pdf-root",
        type=Path,
        action="append",
        default=[],
        metavar="PEM",
        help="check a PDF's own signature against this root certificate (repeatable)",
    )
    parser.add_argument(
        "--tsa-root",
        type=Path,
        action="append",
        default=[],
        metavar="PEM",
        help="a trusted time-stamping authority's root, for the PDF signature's timestamp (repeatable)",
    )
    args = parser.parse_args(argv)
    pdf_check = None
    try:
        trusted = read_keys(args.public_key)
        source, value = read_input(args.input)
        if args.pdf_root:
            data = args.input.read_bytes()
            if not data.startswith(b"%PDF-"):
                raise Refused("--pdf-root checks a PDF's signature; this input is not a PDF")
            pdf_check = check_pdf_signature(data, args.pdf_root, args.tsa_root)
    except Refused as exc:
        print(f"FAIL  input: {exc}", file=out)
        print("NOT VALID", file=out)
        return 1
    print(f"Checking {source} against key(s) {', '.join(trusted)}", file=out)
    valid = True
    if pdf_check is not None:
        print("PDF:", file=out)
        for line in pdf_check.lines():
            print(f"  {line}", file=out)
        valid = pdf_check.ok
    for label, checks in check_document(value, trusted):
        print(f"{label}:", file=out)
        for check in checks:
            for line in check.lines():
                print(f"  {line}", file=out)
        valid = valid and all(check.ok for check in checks)
    print("VALID" if valid else "NOT VALID", file=out)
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
