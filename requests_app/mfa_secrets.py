"""Two-factor secrets encrypted at rest: allauth's MFA adapter, with Fernet under a key from SECRET_KEY.

allauth keeps each TOTP secret and each recovery-code seed in the database, in the clear unless the
adapter encrypts them. A copy of the database (a leaked backup, say) would then let anyone compute
the staff's codes and pass the second factor. Here they are sealed with Fernet (AES-128-CBC plus
HMAC-SHA256) under a key derived from SECRET_KEY, which lives in the environment, never in the
database.

Rotating SECRET_KEY: put the old key in SECRET_KEY_FALLBACKS (secrets sealed under it still open),
then run `manage.py rotate_mfa_secrets` to seal them all under the new key, before the old key is
dropped (docs/DEPLOY.md). Without that, the staff could no longer pass the second factor.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Which of allauth's data keys hold a secret, per authenticator type ("migrated_codes" is a list:
# recovery codes carried over from older versions of allauth).
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed", "migrated_codes")}
# Binds the derived key to this one use of SECRET_KEY.
KEY_PURPOSE = b"opt-out-guide: two-factor secrets at rest"
# A Fernet token: version byte 0x80, timestamp (8), IV (16), at least one AES block (16), HMAC (32).
FERNET_VERSION = 0x80
FERNET_MIN_BYTES = 1 + 8 + 16 + 16 + 32

logger = logging.getLogger(__name__)


def derive_key(secret_key: str) -> bytes:
    """A Fernet key from a SECRET_KEY (HKDF-SHA256)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


@functools.cache
def _cipher(secret_keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(derive_key(key)) for key in secret_keys])


def cipher() -> MultiFernet:
    """Seals under SECRET_KEY; opens what SECRET_KEY or any of SECRET_KEY_FALLBACKS sealed."""
    return _cipher((settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS))


def seal(text: str) -> str:
    return cipher().encrypt(text.encode()).decode("ascii")


def unseal(token: str) -> str:
    """The secret; raises cryptography's InvalidToken when no configured key sealed it."""
    return cipher().decrypt(token.encode("ascii")).decode()


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return unseal(encrypted_text)
        except InvalidToken:
            # The sign-in fails (a server error) rather than letting anyone past the second factor;
            # the log says why, with no personal data.
            logger.error(
                "A two-factor secret opens under neither SECRET_KEY nor SECRET_KEY_FALLBACKS: put the "
                "key it was sealed under back in SECRET_KEY_FALLBACKS (docs/DEPLOY.md, Rotating SECRET_KEY)."
            )
            raise


def transform_secrets(kind: str, data: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """`data` with `change` applied to each secret an authenticator of type `kind` holds."""
    changed = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        value = changed.get(field)
        if isinstance(value, list):
            changed[field] = [change(item) for item in value]
        elif isinstance(value, str):
            changed[field] = change(value)
    return changed


def looks_sealed(value: str) -> bool:
    """Whether `value` has the shape of a Fernet token, whichever key sealed it.

    A plain secret never has: allauth's TOTP secrets are base32 and its recovery seeds hex, and
    neither can start with the letter that the version byte 0x80 becomes ("g").
    """
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) >= FERNET_MIN_BYTES and raw[0] == FERNET_VERSION


def seal_plain(value: str) -> str:
    """Seal a secret stored in the clear; leave a sealed one as it is, even one no key opens now."""
    return value if looks_sealed(value) else seal(value)


def reseal(value: str) -> str:
    """Seal under the current SECRET_KEY: a sealed secret again, a plain one (an old server's, during
    a deploy) for the first time. InvalidToken when no configured key opens a sealed one."""
    if not looks_sealed(value):
        return seal(value)
    return cipher().rotate(value.encode("ascii")).decode("ascii")


def check(value: str) -> str:
    """`value` unchanged when the current SECRET_KEY alone opens it; InvalidToken otherwise."""
    if not looks_sealed(value):
        raise InvalidToken
    _cipher((settings.SECRET_KEY,)).decrypt(value.encode("ascii"))
    return value


def update_all(authenticators: Iterable[Any], change: Callable[[str], str]) -> tuple[int, list[Any]]:
    """Apply `change` to every secret and save; returns (saved, primary keys of rows it failed on)."""
    saved, failed = 0, []
    for authenticator in authenticators:
        try:
            data = transform_secrets(authenticator.type, authenticator.data, change)
        except InvalidToken:
            failed.append(authenticator.pk)
            continue
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])
            saved += 1
    return saved, failed
