"""Two-factor secrets encrypted at rest: allauth's MFA adapter seals them (sealing.py).

allauth keeps each TOTP secret and each recovery-code seed in the database, in the clear unless the
adapter encrypts them. A copy of the database (a leaked backup, say) would then let anyone compute
the staff's codes and pass the second factor. Here they are sealed with Fernet under a key derived
from SECRET_KEY, which lives in the environment, never in the database.

Rotating SECRET_KEY: put the old key in SECRET_KEY_FALLBACKS (secrets sealed under it still open),
then run `manage.py rotate_mfa_secrets` to seal them all under the new key, before the old key is
dropped (docs/DEPLOY.md). Without that, the staff could no longer pass the second factor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import InvalidToken

from . import sealing

# Which of allauth's data keys hold a secret, per authenticator type ("migrated_codes" is a list:
# recovery codes carried over from older versions of allauth).
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed", "migrated_codes")}
PURPOSE = b"opt-out-guide: two-factor secrets at rest"

logger = logging.getLogger(__name__)


def seal(text: str) -> str:
    return sealing.seal(PURPOSE, text.encode())


def unseal(token: str) -> str:
    """The secret; raises cryptography's InvalidToken when no configured key sealed it."""
    return sealing.unseal(PURPOSE, token).decode()


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


def seal_plain(value: str) -> str:
    """Seal a secret stored in the clear; leave a sealed one as it is, even one no key opens now.

    A plain secret never looks sealed: allauth's TOTP secrets are base32 and its seeds hex, and
    neither starts with the "g" that Fernet's version byte becomes.
    """
    return value if sealing.looks_sealed(value) else seal(value)


def reseal(value: str) -> str:
    """Seal under the current SECRET_KEY: a sealed secret again, a plain one (an old server's, during
    a deploy) for the first time. InvalidToken when no configured key opens a sealed one."""
    if not sealing.looks_sealed(value):
        return seal(value)
    return sealing.cipher(PURPOSE).rotate(value.encode("ascii")).decode("ascii")


def check(value: str) -> str:
    """`value` unchanged when the current SECRET_KEY alone opens it; InvalidToken otherwise."""
    if not sealing.looks_sealed(value):
        raise InvalidToken
    sealing.current_cipher(PURPOSE).decrypt(value.encode("ascii"))
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
