"""The site's own signing key: where it comes from, kept once per process, and the keys /verify/ trusts.

`load_signing_key` is the one place that reads the configured key (settings, or the file system for
a development key); `signing_key()` keeps it per process; `trusted_public_keys()` adds the retired
keys a rotation keeps valid.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .keys import load_public_key_pem, private_key_pem, trusted_keys

DEV_KEY_FILENAME = "evidence_signing_key.pem"


def load_signing_key() -> Ed25519PrivateKey:
    """The site's Ed25519 signing key, from the first source configured.

    1. `EVIDENCE_SIGNING_KEY` (a setting read from the environment): PEM text, or
       the raw 32-byte seed in base64.
    2. `EVIDENCE_SIGNING_KEY_FILE` (likewise): path to a PEM file.
    3. Only when `DEBUG` is on: a key kept in `<BASE_DIR>/var/evidence_signing_key.pem`
       (mode 0600), created on first use.

    Otherwise ImproperlyConfigured: production must never sign with a key that
    appeared by accident and would vanish with the machine.
    """

    if value := settings.EVIDENCE_SIGNING_KEY.strip():
        return parse_private_key(value, source="EVIDENCE_SIGNING_KEY")
    if path := settings.EVIDENCE_SIGNING_KEY_FILE.strip():
        return _read_key_file(Path(path), source="EVIDENCE_SIGNING_KEY_FILE")
    if settings.DEBUG:
        return _development_key(Path(settings.BASE_DIR) / "var" / DEV_KEY_FILENAME)
    raise ImproperlyConfigured(
        "No evidence signing key: set EVIDENCE_SIGNING_KEY (PEM, or a base64 32-byte Ed25519 seed) or "
        "EVIDENCE_SIGNING_KEY_FILE (path to a PEM file). "
        'Generate one with: python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"'
    )


def parse_private_key(value: str | bytes, *, source: str = "the key") -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM (PKCS#8, unencrypted) or a base64 32-byte seed.

    Raises ImproperlyConfigured naming the source, never quoting the key.
    """
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode("ascii", "replace"), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise ImproperlyConfigured(f"{source} is not a readable unencrypted PEM private key.") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{source} is a {type(key).__name__}, not an Ed25519 private key.")
        return key
    try:
        seed = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{source} is neither PEM nor base64.") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured(f"{source} decodes to {len(seed)} bytes; an Ed25519 seed is 32.")
    return Ed25519PrivateKey.from_private_bytes(seed)


def _read_key_file(path: Path, *, source: str) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"{source}: cannot read {path} ({exc.strerror}).") from exc
    return parse_private_key(data, source=f"{source} ({path})")


def _development_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        # Written to a private temporary file (mkstemp creates it 0600) and then
        # linked into place, which fails if another process got there first:
        # nobody ever reads a half-written key, and two processes agree on one.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".evidence-key-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(private_key_pem(key).encode("ascii"))
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return _read_key_file(path, source="the development evidence key")


@functools.lru_cache(maxsize=4)
def _cached_signing_key(_configuration: tuple[Any, ...]) -> Ed25519PrivateKey:
    return load_signing_key()


def signing_key() -> Ed25519PrivateKey:
    """The site's signing key, loaded once per process (per configuration, so tests can swap keys)."""
    configuration = (
        settings.EVIDENCE_SIGNING_KEY,
        settings.EVIDENCE_SIGNING_KEY_FILE,
        settings.DEBUG,
        str(settings.BASE_DIR),
    )
    return _cached_signing_key(configuration)


def trusted_public_keys() -> dict[str, Ed25519PublicKey]:
    """The current key, plus retired ones listed (as PEM) in `EVIDENCE_RETIRED_PUBLIC_KEYS`."""
    retired = [load_public_key_pem(pem) for pem in settings.EVIDENCE_RETIRED_PUBLIC_KEYS]
    return trusted_keys(signing_key(), *retired)
