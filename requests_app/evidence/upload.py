"""Reading an evidence record back from anyone's upload to /verify/, and checking it.

`read_upload(data)` finds the record (or pack) in an evidence PDF or a JSON file without trusting
anything about it (sizes capped, no temporary files, only Flate-compressed or plain embedded
streams; a PDF is parsed by a limited child process, `pdf_reader.py`), and `verify_upload` checks
each record against the site's keys and, for a PDF, its own signature (`pdf_signature.py`) and
whether its pages state the records' facts (`page_text.py`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import pdf_reader, pdf_signature
from .canonical import MAX_RECORD_BYTES, parse_json
from .event_timestamps import RecordTimestamps, record_timestamps
from .export import PACK_FORMAT
from .page_text import PageVerdict, check_pages
from .pdf_certificate import pem, trusted_roots, trusted_tsa_roots
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
class PdfVerdict:
    """What the PDF's own signature proves (facts) or what fails (problems)."""

    problems: list[str]
    facts: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


# Revisions after the signature that change nothing a reader sees (pyHanko's modification levels).
HARMLESS_CHANGES = {"none", "lta_updates"}


def pdf_verdict(found: pdf_signature.PdfSignatures) -> PdfVerdict:
    """Each way the PDF's own signatures fail, in words; or who signed it and when, vouched for by whom."""
    if found.status == "unreadable":
        return PdfVerdict(
            [_("The PDF's own signature cannot be read: the file or its signature dictionary is damaged.")], []
        )
    if not found.signed:
        return PdfVerdict(
            [
                _(
                    "The PDF itself is not signed, so its pages are not protected: they may have been changed. "
                    "Evidence PDFs from this site are signed; the record inside can still be checked on its own."
                )
            ],
            [],
        )
    problems: list[str] = []
    facts: list[str] = []
    for number, signature in enumerate(found.signatures, start=1):
        label = _("Signature %(number)s") % {"number": number} if len(found.signatures) > 1 else _("The signature")
        if not (signature.intact and signature.valid):
            problems.append(
                _("%(label)s is broken: the PDF was changed after it was signed, or the signature is damaged.")
                % {"label": label}
            )
            continue
        if not signature.covers_whole_file and signature.modified not in HARMLESS_CHANGES:
            problems.append(
                _("%(label)s does not cover the whole file: changes were added to the PDF after it was signed.")
                % {"label": label}
            )
        if signature.signer_expired:
            problems.append(
                _("%(label)s was made with a certificate that had expired (%(signer)s).")
                % {"label": label, "signer": signature.signer}
            )
        elif not signature.trusted:
            problems.append(
                _(
                    "%(label)s is by a certificate this site does not trust (%(signer)s): not Opt-Out Guide's, "
                    "or one rotated out and no longer kept."
                )
                % {"label": label, "signer": signature.signer}
            )
        if signature.timestamp is not None:
            stamp = (
                _("The timestamp of signature %(number)s") % {"number": number}
                if len(found.signatures) > 1
                else _("The signature's timestamp")
            )
            if not signature.timestamp.intact:
                problems.append(_("%(label)s is broken.") % {"label": stamp})
            elif not signature.timestamp.trusted:
                problems.append(
                    _("%(label)s comes from an authority this site does not trust (%(authority)s).")
                    % {"label": stamp, "authority": signature.timestamp.authority}
                )
            else:
                facts.append(
                    _("Signed by %(signer)s; time certified by %(authority)s: %(time)s.")
                    % {
                        "signer": signature.signer,
                        "authority": signature.timestamp.authority,
                        "time": signature.timestamp.time,
                    }
                )
        else:
            facts.append(
                _("Signed by %(signer)s at %(time)s, by the signer's own clock (no timestamp).")
                % {"signer": signature.signer, "time": signature.signing_time}
            )
    if found.uncovered_tail and not problems:
        problems.append(
            _("The signature does not cover the whole file: %(size)s were added after the signed range.")
            % {"size": filesizeformat(found.uncovered_tail)}
        )
    return PdfVerdict(problems, [] if problems else facts)


def check_pdf_signature(data: bytes) -> PdfVerdict:
    """The PDF's own signature against the site's roots (current and retired) and trusted authorities."""
    found = pdf_signature.check(data, roots_pem=pem(*trusted_roots()), tsa_roots_pem=pem(*trusted_tsa_roots()))
    return pdf_verdict(found)


@dataclass(frozen=True)
class UploadVerdict:
    found: Found
    verdicts: list[RecordVerdict]
    pdf: PdfVerdict | None = None  # for a PDF: its own signature
    pages: PageVerdict | None = None  # for a PDF: whether its pages' text states the records' facts
    # For each valid record: the RFC 3161 timestamps this site holds of its chain heads (informative).
    timestamps: list[RecordTimestamps] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        records_ok = bool(self.verdicts) and all(verdict.ok for verdict in self.verdicts)
        return records_ok and all(part is None or part.ok for part in (self.pdf, self.pages))

    @property
    def failed(self) -> int:
        return sum(1 for verdict in self.verdicts if not verdict.ok)

    @property
    def results(self) -> list[tuple[RecordVerdict, Any]]:
        return list(zip(self.verdicts, self.found.records, strict=True))

    @property
    def timestamped(self) -> list[tuple[int, RecordTimestamps]]:
        """(record number, its timestamps) for each record this site holds timestamps of."""
        return [(number, item) for number, item in enumerate(self.timestamps, start=1) if item.facts or item.notes]


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
    # Only for records that verify: a stored timestamp is shown to whoever holds the genuine record.
    timestamps = [
        record_timestamps(record) if verdict.ok else RecordTimestamps([], [])
        for verdict, record in zip(verdicts, found.records, strict=True)
    ]
    if found.source != "pdf":
        return UploadVerdict(found=found, verdicts=verdicts, timestamps=timestamps)
    return UploadVerdict(
        found=found,
        verdicts=verdicts,
        pdf=check_pdf_signature(bytes(data)),
        pages=check_pages(bytes(data), found.records),
        timestamps=timestamps,
    )


def _shorten(verdict: RecordVerdict) -> RecordVerdict:
    """At most MAX_PROBLEMS_SHOWN problems a record: a forged record can have one for every event."""
    if len(verdict.problems) <= MAX_PROBLEMS_SHOWN:
        return verdict
    more = len(verdict.problems) - MAX_PROBLEMS_SHOWN
    problems = [*verdict.problems[:MAX_PROBLEMS_SHOWN], _("… and %(count)s more problems.") % {"count": more}]
    return dataclasses.replace(verdict, problems=problems)
