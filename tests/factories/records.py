"""Evidence records built in memory: a plausible chain of events, facts and a record signed with a fixed key."""

from __future__ import annotations

import datetime
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import strategies as st

from requests_app.evidence.chain import EVENT_TYPES, make_event
from requests_app.evidence.keys import trusted_keys
from requests_app.evidence.record import build_record

SUBMISSION = "0b7f3c5e-8d2a-4c1e-9f6b-3a5d7e9c1b2f"
OTHER_SUBMISSION = "5a1e2f3d-4c5b-4a69-8877-665544332211"
START = datetime.datetime(2025, 1, 31, 9, 15, 0, 123456, tzinfo=datetime.UTC)
LETTER = "Dear Meta,\n\nI object under Art. 21 GDPR to the use of my posts to train AI.\n\nJürgen Müller\n"
# One fixed seed, so that failures reproduce; never a real site key.
SITE_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"opt-out-guide test site key").digest())
ATTACKER_KEY = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"someone else's key").digest())
TRUSTED = trusted_keys(SITE_KEY)


def make_events(n: int = 20, submission: str = SUBMISSION) -> list[dict]:
    """A plausible history: facts and hashes only, no personal text."""
    events = []
    for seq in range(n):
        event_type = "created" if seq == 0 else EVENT_TYPES[1 + (seq - 1) % (len(EVENT_TYPES) - 1)]
        data = {
            "letter_sha256": hashlib.sha256(LETTER.encode()).hexdigest(),
            "status": ["draft", "filed", "acknowledged", "escalated"][seq % 4],
            "attachments": seq // 3,
        }
        if event_type == "attachment_added":
            data["attachment_sha256"] = hashlib.sha256(f"screenshot {seq}".encode()).hexdigest()
        at = START + datetime.timedelta(days=seq, seconds=seq * 7)
        events.append(make_event(seq=seq, event_type=event_type, at=at, submission=submission, data=data))
    return events


def make_facts(**overrides) -> dict:
    facts = {
        "id": SUBMISSION,
        "platform": "instagram",
        "action": "object-ai-training",
        "legal_basis": "GDPR Art. 21",
        "official_form_url": "https://help.instagram.com/contact/767264225370182",
        "content_version": "2025-05-21",
        "filed_at": "2025-01-31T09:15:00.123456Z",
        "filed_at_local": "2025-01-31T10:15:00.123456+01:00",
        "time_zone": "Europe/Berlin",
        "reference": "IG-48151623",
        "status": "filed",
        "due_date": "2025-02-28",
        "extended_due_date": "2025-04-30",
        "text": LETTER,
        # A control character, which canonical JSON writes as a \u escape whose hex is case-insensitive.
        "form_fields": {"email": "j.mueller@example.org", "country": "DE", "note": "tab\tand \x1f"},
    }
    facts.update(overrides)
    return facts


def make_record(**fact_overrides) -> dict:
    return build_record(facts=make_facts(**fact_overrides), events=make_events(), private_key=SITE_KEY)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
