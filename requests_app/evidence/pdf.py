"""The evidence PDF of one request, or the pack of all of a person's requests: PDF/A-3b with the
signed record embedded (`evidence.json`, or `evidence-pack.json` for a pack).

What a person reads: who, what, when (UTC and their local time; filed as they state it, recorded by
this site's clock), the text exactly as filed, the timeline, the screenshots, the deadlines and what
paused them, the chain head and signature, and a QR code to /verify/.
"""

from __future__ import annotations

import base64
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import StatusChange
from ..tracking.rules import filed_rule
from ..tracking.standing import paused_deadline, standing
from ..web.pdf import render_pdf, safe_url_fetcher
from .export import PACK_FORMAT, Evidence, pack_bytes
from .pades import signed_pdf
from .pdf_margins import margins
from .pdf_reader import PACK_FILENAME, RECORD_FILENAME
from .record import FORMAT


@dataclass(frozen=True)
class TimelineRow:
    seq: int
    type: str
    at_utc: datetime.datetime
    at_local: datetime.datetime
    data: dict[str, Any]
    change: StatusChange | None
    hash: str


@dataclass(frozen=True)
class Screenshot:
    number: int
    data_url: str
    sha256: str
    width: int
    height: int
    added_local: datetime.datetime


def _data_url(content: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


def qr_data_url(url: str) -> str:
    """A QR code of `url` as an SVG `data:` URL (nothing for the renderer to fetch)."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, border=0, dark="#0b0c0c")


def _parse_timestamp(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value[:-1]).replace(tzinfo=datetime.UTC)


def _section(item: Evidence) -> dict[str, Any]:
    submission = item.submission
    zone = submission.person_zone()
    timeline = [
        TimelineRow(
            seq=event.seq,
            type=event.type,
            at_utc=event.at.astimezone(datetime.UTC),
            at_local=event.at.astimezone(zone),
            data=event.data,
            change=item.status_changes.get(event.data.get("status_change")),
            hash=event.hash,
        )
        for event in item.events
    ]
    screenshots = [
        Screenshot(
            number=number,
            data_url=_data_url(bytes(attachment.content), attachment.content_type),
            sha256=attachment.sha256,
            width=attachment.width,
            height=attachment.height,
            added_local=attachment.created_at.astimezone(zone),
        )
        for number, attachment in enumerate(item.attachments, start=1)
    ]
    facts = item.record["submission"]
    generated = _parse_timestamp(facts["generated_at"])
    today = submission.person_today(generated)
    recorded_utc = _parse_timestamp(facts["recorded_at"]) if facts.get("recorded_at") else None
    return {
        "submission": submission,
        "facts": facts,
        "record": item.record,
        "zone": str(zone),
        "filed_utc": submission.filed_at.astimezone(datetime.UTC) if submission.filed_at else None,
        "filed_local": submission.filed_at.astimezone(zone) if submission.filed_at else None,
        "recorded_utc": recorded_utc,
        "recorded_local": recorded_utc.astimezone(zone) if recorded_utc else None,
        # Days between the filing as stated and its recording here, when that is a day or more.
        "recorded_after_days": (
            (recorded_utc.astimezone(zone).date() - submission.received_on).days
            if recorded_utc and submission.received_on and recorded_utc.astimezone(zone).date() > submission.received_on
            else 0
        ),
        "generated_utc": generated,
        "standing": standing(submission, today),
        "paused_deadline": (
            paused_deadline(submission.received_on, filed_rule(submission), item.pauses, today)
            if item.pauses and submission.received_on
            else None
        ),
        "timeline": timeline,
        "screenshots": screenshots,
        "head": item.record["head"],
        "signature": item.record["signature"],
    }


def verify_links(request: HttpRequest) -> dict[str, str]:
    """Where a PDF sends its reader to check it (/verify/ and the published key), as absolute URLs."""
    return {
        "verify_url": request.build_absolute_uri(reverse("evidence:verify")),
        "key_url": request.build_absolute_uri(reverse("evidence:public_key_well_known")),
    }


def render_evidence_pdf(items: Sequence[Evidence], *, verify_url: str, key_url: str, pack: bool) -> bytes:
    """PDF/A-3b of one submission (`evidence.json` inside) or of a pack (`evidence-pack.json` inside)."""
    from weasyprint import Attachment as PDFAttachment

    generated_at = timezone.now()
    context = {
        "sections": [_section(item) for item in items],
        "pack": pack,
        "verify_url": verify_url,
        "key_url": key_url,
        "qr": qr_data_url(verify_url),
        "generated_utc": generated_at.astimezone(datetime.UTC),
        "margins": margins(),
    }
    if pack:
        name, content = PACK_FILENAME, pack_bytes([item.record for item in items])
        description = _("All evidence records of this pack (%(format)s)") % {"format": PACK_FORMAT}
    else:
        name, content = RECORD_FILENAME, items[0].record_bytes
        description = _("The signed evidence record (%(format)s)") % {"format": FORMAT}

    def render(timestamped: bool) -> bytes:
        html = render_to_string("requests_app/evidence/pdf/pdf.html", {**context, "timestamped": timestamped})
        # A WeasyPrint Attachment can be used for one render only: made fresh for each PDF.
        attachment = PDFAttachment(
            string=content, name=name, description=description, relationship="Data", url_fetcher=safe_url_fetcher()
        )
        return render_pdf(html, pdf_variant="pdf/a-3b", attachments=[attachment])

    # Signed as a PDF too (PAdES), once the pages and the record inside are final.
    return signed_pdf(render)
