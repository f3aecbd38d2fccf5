"""Data at rest sealed with Fernet under keys derived from SECRET_KEY, one key per purpose.

Fernet is AES-128-CBC with HMAC-SHA256 (the `cryptography` library): what it seals can be neither
read nor changed without the key. The keys come from SECRET_KEY through HKDF-SHA256, with the
purpose as the HKDF info, so no two uses share a key and none is SECRET_KEY itself. SECRET_KEY lives
in the environment, never in the database, so a copy of the database (a leaked backup, say) holds
nothing readable of what is sealed.

Rotation follows Django's: what SECRET_KEY_FALLBACKS sealed still opens, and everything new is
sealed under SECRET_KEY (docs/DEPLOY.md, "Rotating SECRET_KEY").
"""

from __future__ import annotations

import base64
import binascii
import functools

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# A Fernet token: version byte 0x80, timestamp (8), IV (16), at least one AES block (16), HMAC (32).
FERNET_VERSION = 0x80
FERNET_MIN_BYTES = 1 + 8 + 16 + 16 + 32


def derive_key(secret_key: str, purpose: bytes) -> bytes:
    """The Fernet key for `purpose` from a SECRET_KEY."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


@functools.cache
def _cipher(purpose: bytes, secret_keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(derive_key(key, purpose)) for key in secret_keys])


def cipher(purpose: bytes) -> MultiFernet:
    """Seals under SECRET_KEY; opens what SECRET_KEY or any of SECRET_KEY_FALLBACKS sealed."""
    return _cipher(purpose, (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS))


def current_cipher(purpose: bytes) -> MultiFernet:
    """Seals and opens under SECRET_KEY alone."""
    return _cipher(purpose, (settings.SECRET_KEY,))


def seal(purpose: bytes, data: bytes) -> str:
    return cipher(purpose).encrypt(data).decode("ascii")


def unseal(purpose: bytes, token: str) -> bytes:
    """What was sealed; raises cryptography's InvalidToken when no configured key sealed it."""
    return cipher(purpose).decrypt(token.encode("ascii"))


def looks_sealed(value: str) -> bool:
    """Whether `value` has the shape of a Fernet token, whichever key sealed it."""
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) >= FERNET_MIN_BYTES and raw[0] == FERNET_VERSION
