"""Checking an uploaded PDF's own signatures (PAdES) and their timestamps, in a limited child process.

What is reported for each signature: whether the signed bytes are intact, whether they cover the
whole file or later revisions were appended (and whether those changed anything a reader sees),
which certificate signed and whether it chains to a root this site trusts (its current root or one
a rotation retired), and the timestamp: which authority, which time, whether that authority is
trusted. pyHanko parses anyone's upload, so it runs as `python -m requests_app.evidence.pdf_signature`
under the same memory and CPU limits as the record reader (`pdf_reader.py`); the trusted roots
travel in the environment, the PDF on stdin, the findings back as JSON. `check(data)` is the entry.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field

from .pdf_reader import PROJECT_DIR, WALL_TIMEOUT_SECONDS, _limit_child

logger = logging.getLogger(__name__)
ROOTS_ENV = "EVIDENCE_PDF_TRUST_ROOTS"
TSA_ROOTS_ENV = "EVIDENCE_TSA_TRUST_ROOTS"
# A PDF of ours carries one signature; a file with more is reported on its first few only.
MAX_SIGNATURES = 5


@dataclass(frozen=True)
class Timestamp:
    time: str  # ISO 8601, UTC, as the authority stated it
    authority: str  # the subject of the token's signing certificate
    intact: bool
    trusted: bool


@dataclass(frozen=True)
class Signature:
    field: str
    intact: bool  # the signed bytes hash to what the signature says
    valid: bool  # and the cryptographic signature over them holds
    trusted: bool  # the certificate chains to a trusted root and was valid when it signed
    covers_whole_file: bool  # no revision was appended after it
    modified: str  # "none", "lta_updates" (harmless timestamps), "form_filling" or "other"
    signer: str
    signer_sha256: str
    signer_expired: bool
    signing_time: str  # as the signer's clock stated it (not vouched for)
    timestamp: Timestamp | None = None


@dataclass(frozen=True)
class PdfSignatures:
    status: str  # "ok", "unsigned", "unreadable"
    signatures: list[Signature] = field(default_factory=list)
    revisions: int = 0
    # Bytes at the end of the file that no signature's byte range reaches (beyond trailing whitespace).
    uncovered_tail: int = 0

    @property
    def signed(self) -> bool:
        return bool(self.signatures)


def _context(pem_roots: str):
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import ValidationContext

    blocks = asn1_pem.unarmor(pem_roots.encode("ascii"), multiple=True) if "-----BEGIN" in pem_roots else []
    # An explicit list (possibly empty): never the operating system's roots.
    roots = [asn1_x509.Certificate.load(der) for _type, _headers, der in blocks]
    # Offline: nothing is fetched for anyone's upload; our CA publishes no revocation lists.
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _subject(certificate) -> str:
    return certificate.subject.human_friendly if certificate is not None else ""


def _check_here(data: bytes, roots_pem: str, tsa_roots_pem: str) -> PdfSignatures:
    import hashlib

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)[:MAX_SIGNATURES]
        revisions = reader.xrefs.total_revisions
    except Exception:  # a file pyHanko cannot parse: one verdict, whatever the cause
        return PdfSignatures("unreadable")
    if not embedded:
        return PdfSignatures("unsigned", revisions=revisions)
    found = []
    for signature in embedded:
        try:
            status = validate_pdf_signature(
                signature, signer_validation_context=_context(roots_pem), ts_validation_context=_context(tsa_roots_pem)
            )
        except Exception:  # a broken signature dictionary, byte range or CMS blob
            found.append(
                Signature(
                    field=str(signature.field_name or ""),
                    intact=False,
                    valid=False,
                    trusted=False,
                    covers_whole_file=False,
                    modified="other",
                    signer="",
                    signer_sha256="",
                    signer_expired=False,
                    signing_time="",
                )
            )
            continue
        token = status.timestamp_validity
        timestamp = (
            Timestamp(
                time=token.timestamp.isoformat(),
                authority=_subject(token.signing_cert),
                intact=bool(token.intact and token.valid),
                trusted=bool(token.trusted),
            )
            if token is not None
            else None
        )
        certificate = status.signing_cert
        signed_at = token.timestamp if token is not None else status.signer_reported_dt
        expired = bool(
            certificate is not None
            and signed_at is not None
            and signed_at > certificate["tbs_certificate"]["validity"]["not_after"].native
        )
        found.append(
            Signature(
                field=str(signature.field_name or ""),
                intact=bool(status.intact),
                valid=bool(status.valid),
                trusted=bool(status.trusted),
                covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
                modified=(status.modification_level.name.lower() if status.modification_level is not None else "other"),
                signer=_subject(certificate),
                signer_sha256=hashlib.sha256(certificate.dump()).hexdigest() if certificate is not None else "",
                signer_expired=expired,
                signing_time=status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
                timestamp=timestamp,
            )
        )
    covered = 0
    for signature in embedded:
        try:
            byte_range = [int(n) for n in signature.sig_object["/ByteRange"]]
            covered = max(covered, byte_range[2] + byte_range[3])
        except (KeyError, ValueError, TypeError, IndexError):
            continue
    tail = max(0, len(data.rstrip(b"\r\n\t\x00 ")) - covered)
    return PdfSignatures("ok", found, revisions, tail)


def _as_json(result: PdfSignatures) -> bytes:
    import dataclasses

    return json.dumps(dataclasses.asdict(result)).encode("utf-8")


def _from_json(data: bytes) -> PdfSignatures:
    parsed = json.loads(data)
    signatures = [
        Signature(**{**item, "timestamp": Timestamp(**item["timestamp"]) if item["timestamp"] else None})
        for item in parsed["signatures"]
    ]
    return PdfSignatures(parsed["status"], signatures, parsed["revisions"], parsed["uncovered_tail"])


def check(data: bytes, *, roots_pem: str, tsa_roots_pem: str = "") -> PdfSignatures:
    """The signatures of PDF `data`, checked by a limited child against the given PEM roots."""
    environment = {**os.environ, ROOTS_ENV: roots_pem, TSA_ROOTS_ENV: tsa_roots_pem}
    try:
        result = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "requests_app.evidence.pdf_signature"],
            cwd=PROJECT_DIR,
            input=data,
            capture_output=True,
            timeout=WALL_TIMEOUT_SECONDS,
            preexec_fn=_limit_child,  # noqa: PLW1509 (the child execs at once; no threads involved)
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return PdfSignatures("unreadable")
    if result.returncode != 0:
        last_line = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        logger.warning("PDF signature checker exited with %s: %s", result.returncode, last_line[0][:200])
        return PdfSignatures("unreadable")
    try:
        return _from_json(result.stdout)
    except (ValueError, KeyError, TypeError):
        return PdfSignatures("unreadable")


def main() -> None:
    logging.disable(logging.CRITICAL)  # pyHanko's notes on anyone's junk go nowhere
    found = _check_here(sys.stdin.buffer.read(), os.environ.get(ROOTS_ENV, ""), os.environ.get(TSA_ROOTS_ENV, ""))
    sys.stdout.buffer.write(_as_json(found))


if __name__ == "__main__":
    main()
