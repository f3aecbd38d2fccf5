"""Reading an evidence record back from anyone's upload to /verify/, and checking it.

`read_upload(data)` finds the record (or pack) in an evidence PDF or a JSON file without trusting
anything about it (sizes capped, no temporary files, only Flate-compressed or plain embedded
streams; a PDF is parsed by a limited child process, `pdf_reader.py`), and `verify_upload` checks
each record against the site's keys.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.translation import gettext as _

from . import pdf_reader
from .canonical import MAX_RECORD_BYTES, parse_json
from .export import PACK_FORMAT
from .record import RecordVerdict, verify_record
from .signing_key import trusted_public_keys

RECORD_FILENAME = pdf_reader.RECORD_FILENAME
PACK_FILENAME = pdf_reader.PACK_FILENAME
# An upload to /verify/ is refused above this size, before it is parsed.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The embedded JSON is decompressed at most this far (a record is text and hashes, never images).
MAX_JSON_BYTES = MAX_RECORD_BYTES
# A person's pack holds one record per request they track; checking one costs a few milliseconds.
MAX_PACK_RECORDS = 500
MAX_PROBLEMS_SHOWN = 20


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
    extracted = pdf_reader.extract(data, MAX_JSON_BYTES)
    if extracted.status == pdf_reader.NO_RECORD:
        raise UnreadableUpload(
            _(
                "This PDF holds no evidence record (no %(name)s inside it). It was not made by "
                "Opt-Out Guide, or the record was removed from it."
            )
            % {"name": RECORD_FILENAME}
        )
    messages = {
        pdf_reader.DAMAGED_RECORD: _("The evidence record inside this PDF is damaged."),
        pdf_reader.FOREIGN_ENCODING: _("The evidence record inside this PDF is stored in a way this site never uses."),
        pdf_reader.RECORD_TOO_LARGE: _("The evidence record inside this PDF is too large to be one of ours."),
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
        parsed = parse_json(data)
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
    verdicts: list[RecordVerdict]

    @property
    def ok(self) -> bool:
        return bool(self.verdicts) and all(verdict.ok for verdict in self.verdicts)

    @property
    def failed(self) -> int:
        return sum(1 for verdict in self.verdicts if not verdict.ok)

    @property
    def results(self) -> list[tuple[RecordVerdict, Any]]:
        return list(zip(self.verdicts, self.found.records, strict=True))


def verify_upload(data: bytes | str, trusted: Mapping[str, Ed25519PublicKey] | None = None) -> UploadVerdict:
    """Read an upload and check every record in it; raises `UnreadableUpload` when there is none."""
    found = read_upload(data)
    keys = trusted if trusted is not None else trusted_public_keys()
    verdicts = [
        _shorten(verify_record(record, keys))
        if isinstance(record, dict)
        else RecordVerdict(ok=False, problems=[_("record is not a JSON object")])
        for record in found.records
    ]
    return UploadVerdict(found=found, verdicts=verdicts)


def _shorten(verdict: RecordVerdict) -> RecordVerdict:
    """At most MAX_PROBLEMS_SHOWN problems a record: a forged record can have one for every event."""
    if len(verdict.problems) <= MAX_PROBLEMS_SHOWN:
        return verdict
    more = len(verdict.problems) - MAX_PROBLEMS_SHOWN
    problems = [*verdict.problems[:MAX_PROBLEMS_SHOWN], _("… and %(count)s more problems.") % {"count": more}]
    return dataclasses.replace(verdict, problems=problems)
