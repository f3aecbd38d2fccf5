"""Helpers shared by the evidence tests: a signing key, a person with filed requests, PDF tools.

Named test_verify_* to sit with the files it serves; it holds no tests itself.
"""

from __future__ import annotations

import base64
import datetime
import io
import subprocess
from pathlib import Path

import pikepdf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from requests_app.evidence.record import build_record
from requests_app.models import Submission
from requests_app.tracking import uploads
from requests_app.tracking.services import REPLY_ONLY, add_attachment, new_token, record_update
from tests.test_tracking_support import file, make_guide, make_person, png_bytes, track

SEED = bytes(range(32))
SEED_B64 = base64.b64encode(SEED).decode()
SITE_KEY = Ed25519PrivateKey.from_private_bytes(SEED)
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
FILED_LOCAL = datetime.datetime(2025, 1, 31, 14, 30)


def use_site_key(settings) -> None:
    """Sign with SITE_KEY (pytest-django's `settings` fixture undoes it after the test)."""
    settings.EVIDENCE_SIGNING_KEY = SEED_B64


def screenshot(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (320, 200)) -> uploads.CleanImage:
    data = png_bytes(size, color)
    return uploads.clean_image(io.BytesIO(data), "screen.png", len(data))


def filed_request(
    user=None, *, reference: str = "REF-123", screenshots: int = 1, replies: int = 0, item: str | None = None
) -> Submission:
    """A filed Instagram objection (Germany) with screenshots and replies; make_guide() must have run."""
    user = user or make_person()
    submission = track(user, item) if item else track(user)
    submission = file(submission, when=FILED_LOCAL, reference=reference)
    for number in range(screenshots):
        add_attachment(
            submission=submission, image=screenshot((30 * number % 255, 90, 160)), token=new_token()
        )
    for number in range(replies):
        record_update(
            submission=submission,
            what=REPLY_ONLY,
            happened_on=datetime.date(2025, 2, 3),
            note="",
            reply_text=f"Reply {number}: we are looking into it.",
            token=new_token(),
        )
    return Submission.objects.get(pk=submission.pk)


def embedded_files(content: bytes) -> dict[str, bytes]:
    with pikepdf.open(io.BytesIO(content)) as document:
        return {name: spec.get_file().read_bytes() for name, spec in document.attachments.items()}


def pdfa_status(content: bytes) -> str:
    with pikepdf.open(io.BytesIO(content)) as document:
        return document.open_metadata().pdfa_status


def replace_embedded(content: bytes, name: str, data: bytes) -> bytes:
    """The PDF with its embedded file `name` replaced by `data` (as someone editing it would)."""
    with pikepdf.open(io.BytesIO(content)) as document:
        document.attachments[name] = pikepdf.AttachedFileSpec(document, data, filename=name)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "evidence.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(content: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(info.split("Pages:")[1].split()[0])


def signed(record: dict) -> dict:
    """`record` signed again by OTHER_KEY: well-formed and intact, but not this site's signature."""
    facts = dict(record["submission"])
    return build_record(facts=facts, events=record["events"], private_key=OTHER_KEY)


__all__ = ["make_guide", "make_person", "track", "file"]
