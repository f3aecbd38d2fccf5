"""Evidence: a fixed signing key, a person with filed requests, records signed by another key, and an
event changed behind the model's back."""

from __future__ import annotations

import base64
import datetime
import importlib
import io
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection

from requests_app.evidence.record import build_record
from requests_app.models import Submission
from requests_app.tracking import uploads
from requests_app.tracking.services import REPLY_ONLY, add_attachment, new_token, record_update
from tests.factories.images import png_bytes
from tests.factories.tracking import file, make_guide, make_person, track

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
        add_attachment(submission=submission, image=screenshot((30 * number % 255, 90, 160)), token=new_token())
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


def signed(record: dict) -> dict:
    """`record` signed again by OTHER_KEY: well-formed and intact, but not this site's signature."""
    facts = dict(record["submission"])
    return build_record(facts=facts, events=record["events"], private_key=OTHER_KEY)


__all__ = ["make_guide", "make_person", "track", "file"]


def edit_event_in_the_database(event_id: int, data: dict) -> None:
    """Change an event row behind the model's back, as someone with database access could."""
    triggers = importlib.import_module("requests_app.migrations.0004_event_append_only")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in triggers.SQLITE_BACKWARD:
                cursor.execute(statement)
        else:
            cursor.execute("ALTER TABLE requests_app_event DISABLE TRIGGER USER")
        cursor.execute("UPDATE requests_app_event SET data = %s WHERE id = %s", [json.dumps(data), event_id])
        if connection.vendor == "sqlite":
            for statement in triggers.SQLITE_FORWARD:
                cursor.execute(statement)
        else:
            cursor.execute("ALTER TABLE requests_app_event ENABLE TRIGGER USER")


def second_request(submission: Submission) -> Submission:
    """A copy of `submission` as another request of the same person (a pack of two)."""
    copy = Submission.objects.get(pk=submission.pk)
    copy.pk, copy.plan_item_key, copy.reference = None, "copy", "REF-SECOND"
    copy.save(force_insert=True)
    return copy
