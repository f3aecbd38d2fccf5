"""People: a verified user, and TOTP codes computed as an authenticator app would."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

from allauth.account.models import EmailAddress
from django.contrib.auth.models import User

PASSWORD = "correct horse battery staple"


def make_user(email: str = "alice@example.org", *, password: str = PASSWORD, verified: bool = True, **fields) -> User:
    user = User.objects.create_user(username=f"user-{email}", email=email, password=password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def totp_code(secret: str, *, step_offset: int = 0, period: int = 30, digits: int = 6) -> str:
    """RFC 6238 over HMAC-SHA1, what an authenticator app shows for `secret` (base32) now."""
    counter = int(time.time()) // period + step_offset
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}}"


def wrong_totp_code(secret: str) -> str:
    """A six-digit code that no step in the tolerance window accepts."""
    valid = {totp_code(secret, step_offset=offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "000001", "000002", "000003") if code not in valid)
