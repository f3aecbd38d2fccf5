"""Sessions in the database, sealed: Django's database engine with the session data encrypted.

A visitor's answers (name, email, account handles, what they wrote about their situation) live in
their session until they claim the plan or the session ends, and the session table is in every
database backup. Django signs session data but does not encrypt it; here it is sealed with Fernet
under a key of its own derived from SECRET_KEY (sealing.py), so a copy of the database holds none of
it readably. Everything else is Django's engine: one row per session, every server sees the same.

A session stored before sealing (signed, as Django writes it) is still read, and sealed the next
time it is saved (within SESSION_TOUCH_INTERVAL of use). One sealed under a key no longer
configured reads as empty, as a tampered one does in Django: the visitor starts again. Read a
stored row with this SessionStore's decode(), not Session.get_decoded(): Django's model decodes
with Django's own engine.
"""

from __future__ import annotations

import logging
from typing import Any

from cryptography.fernet import InvalidToken
from django.contrib.sessions.backends import db

from . import sealing

PURPOSE = b"opt-out-guide: session data at rest"


class SessionStore(db.SessionStore):
    def encode(self, session_dict: dict[str, Any]) -> str:
        return sealing.seal(PURPOSE, self.serializer().dumps(session_dict))

    def decode(self, session_data: str) -> dict[str, Any]:
        if not sealing.looks_sealed(session_data):
            return super().decode(session_data)  # signed by Django before sealing; sealed when saved
        try:
            return self.serializer().loads(sealing.unseal(PURPOSE, session_data))
        except InvalidToken:
            # Django's own words for a session that fails its check, on Django's security logger.
            logging.getLogger("django.security.SuspiciousSession").warning("Session data corrupted")
        except ValueError:  # not JSON: cannot happen unless the key itself leaked and was misused
            pass
        return {}
