"""Helpers shared by the tracking tests: a person with a claimed plan, tracked and filed requests, images.

Named test_tracking_* to sit with the files it serves; it holds no tests itself.
"""

from __future__ import annotations

import datetime
import io
import struct
import zlib

from django.utils import timezone
from PIL import Image

from requests_app.models import Plan, Submission
from requests_app.tracking.services import create_submission, new_token, record_filing
from tests.factories import make_letter, make_meta_guide
from tests.test_accounts_factories import make_user

GERMAN_PLAN = {
    "version": 1,
    "answers": {
        "country": "germany",
        "platforms": ["instagram"],
        "accounts": {"instagram": 1},
        "situations": ["public_posts"],
        "name": "Anna Muster",
        "email": "anna@example.org",
        "handles": {"instagram": ["@anna_cats"]},
        "explanation": "Meine Fotos zeigen meine Kinder.",
    },
    "done": [],
}
ITEM = "object-ai-instagram#1"
STARTED = datetime.datetime(2025, 1, 20, 9, 0, tzinfo=datetime.UTC)


def make_guide() -> dict:
    """The miniature Meta guide with the shipped deadline rules, authorities and escalation letters."""
    guide = make_meta_guide()
    j = guide["jurisdictions"]
    for slug in ("gdpr", "uk-gdpr"):
        j[slug].deadline_unit, j[slug].deadline_amount, j[slug].extension_amount = "months", 1, 2
    j["uk-gdpr"].next_working_day, j["uk-gdpr"].holiday_calendar = True, "GB"
    j["gdpr"].authority_email = "info@dataprotection.ie"
    j["ccpa"].deadline_unit, j["ccpa"].deadline_amount, j["ccpa"].extension_amount = "days", 45, 45
    j["ccpa"].acknowledge_business_days, j["ccpa"].holiday_calendar = 10, "US-CA"
    for jurisdiction in j.values():
        jurisdiction.save()
    germany = guide["regions"]["germany"]
    germany.country_code = "DE"
    germany.local_authority_name_en = "Federal Commissioner for Data Protection (BfDI)"
    germany.local_authority_url = "https://www.bfdi.bund.de/"
    germany.save()
    a = guide["actions"]
    make_letter(
        a["complaint-dpc"],
        "en",
        subject="Complaint about {{ controller.name }}",
        body='To {{ authority.name }},\n\nI filed "{{ original.subject }}" on {{ original.filed_on }} '
        "(reference {{ original.reference }}); the answer was due on {{ original.due_on }}.\n\n{{ person.name }}",
    )
    make_letter(
        a["reminder-to-company"],
        "en",
        subject="Reminder: {{ original.subject }}",
        body="To {{ controller.name }},\n\nMy request of {{ original.filed_on }} was due on {{ original.due_on }}.",
    )
    return guide


def make_person(email: str = "anna@example.org", *, plan: dict | None = None, started: datetime.datetime = STARTED):
    """A verified user whose plan (German, one Instagram account) was made on `started`."""
    user = make_user(email)
    Plan.objects.create(user=user, data=plan or GERMAN_PLAN, created_at=started)
    return user


def track(user, item: str = ITEM, language: str = "en", now: datetime.datetime | None = None) -> Submission:
    submission, _created = create_submission(
        user=user,
        plan_data=Plan.objects.get(user=user).data,
        item_key=item,
        language=language,
        now=now or STARTED + datetime.timedelta(days=1),
    )
    return submission


def file(
    submission: Submission,
    when: datetime.datetime = datetime.datetime(2025, 1, 31, 14, 30),
    zone: str = "Europe/Berlin",
    reference: str = "REF-123",
    now: datetime.datetime | None = None,
) -> Submission:
    filed, _recorded = record_filing(
        submission=submission,
        filed_at_local=when,
        timezone_name=zone,
        reference=reference,
        confirmation_text="Thanks, we received your objection.",
        token=new_token(),
        now=now or timezone.now(),
    )
    return filed


def png_bytes(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", **save)
    return out.getvalue()


def image_bytes(format_name: str, size: tuple[int, int] = (40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format_name, **save)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


__all__ = ["make_guide", "make_meta_guide", "make_person", "track", "file", "png_bytes", "image_bytes", "png_declaring"]
