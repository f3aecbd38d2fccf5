"""Ed25519 keys as evidence records carry them: PEM forms, the raw public key and the key id.

Pure: keys in, text out. Where the site's own key comes from is `signing_key.py`.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

# Problems with a key in a record are shown to people on /verify/, so they are in the active language.
from django.utils.translation import gettext as _


def private_key_pem(private_key: PrivateKeyTypes) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def public_key_pem(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM, the form records carry and the site publishes."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(
        "ascii"
    )


def load_public_key_pem(pem: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ValueError for anything else."""
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ValueError(_("not a readable PEM public key")) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(_("a %(type)s, not an Ed25519 public key") % {"type": type(key).__name__})
    return key


def raw_public(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """First 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(raw_public(public_key)).hexdigest()[:16]


def trusted_keys(*keys: Ed25519PublicKey | Ed25519PrivateKey) -> dict[str, Ed25519PublicKey]:
    """The `{key_id: public key}` mapping `verify_record` takes (the current key plus retired ones)."""
    publics = [key.public_key() if isinstance(key, Ed25519PrivateKey) else key for key in keys]
    return {key_id(key): key for key in publics}
