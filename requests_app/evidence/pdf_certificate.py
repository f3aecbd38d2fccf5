"""The certificate the evidence PDFs are signed with (PAdES), and the roots /verify/ trusts for them.

The site runs its own small certificate authority: a root, published for anyone to trust offline, and
a leaf (ECDSA P-256, which every common PDF reader validates) that signs. In production the leaf's
key and its chain (leaf first, then the root) come from the environment or a secret file; in
development both are made on first use under `var/evidence_pdf/` (the root's private key is thrown
away once the leaf is issued: nothing else is ever issued by it). `trusted_roots()` adds the retired
roots a rotation keeps trusted, so PDFs signed before it still verify.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .keys import private_key_pem

DEV_DIRECTORY = "evidence_pdf"
DEV_CHAIN_FILENAME = "chain.pem"
DEV_KEY_FILENAME = "leaf-key.pem"
ORGANISATION = "Opt-Out Guide"


@dataclass(frozen=True)
class PdfSigningMaterial:
    """The leaf's private key, the leaf and the rest of its chain (the root last)."""

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def root(self) -> x509.Certificate:
        return self.chain[-1] if self.chain else self.certificate


def parse_certificates(value: str | bytes, *, source: str) -> list[x509.Certificate]:
    """Every certificate in PEM text, in order; ImproperlyConfigured naming the source when there is none."""
    data = value.encode("ascii", "replace") if isinstance(value, str) else value
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{source} holds no readable PEM certificate.") from exc
    return certificates


def parse_private_key(value: str | bytes, *, source: str) -> ec.EllipticCurvePrivateKey:
    """An unencrypted PEM elliptic-curve private key; ImproperlyConfigured naming the source, never quoting it."""
    data = value.encode("ascii", "replace") if isinstance(value, str) else value
    try:
        key = serialization.load_pem_private_key(data.strip(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ImproperlyConfigured(f"{source} is not a readable unencrypted PEM private key.") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ImproperlyConfigured(f"{source} is a {type(key).__name__}, not an ECDSA private key.")
    return key


def _setting_or_file(name: str) -> tuple[str, bytes] | None:
    if value := getattr(settings, name).strip():
        return name, value.encode("ascii", "replace")
    if path := getattr(settings, f"{name}_FILE").strip():
        try:
            return f"{name}_FILE ({path})", Path(path).read_bytes()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path} ({exc.strerror}).") from exc
    return None


def load_material() -> PdfSigningMaterial:
    """The configured PDF signing key and chain: settings, files, or (DEBUG only) a development CA."""
    chain_source, key_source = _setting_or_file("EVIDENCE_PDF_CERT"), _setting_or_file("EVIDENCE_PDF_KEY")
    if chain_source is None and key_source is None and settings.DEBUG:
        return _development_material(Path(settings.BASE_DIR) / "var" / DEV_DIRECTORY)
    if chain_source is None or key_source is None:
        raise ImproperlyConfigured(
            "No PDF signing certificate: set EVIDENCE_PDF_CERT (or EVIDENCE_PDF_CERT_FILE), the PEM chain with "
            "the leaf first and the root last, and EVIDENCE_PDF_KEY (or EVIDENCE_PDF_KEY_FILE), the leaf's "
            "ECDSA P-256 key. See docs/DEPLOY.md, 'Evidence PDF certificate'."
        )
    certificates = parse_certificates(chain_source[1], source=chain_source[0])
    key = parse_private_key(key_source[1], source=key_source[0])
    leaf = certificates[0]
    if leaf.public_key().public_numbers() != key.public_key().public_numbers():
        raise ImproperlyConfigured(f"{key_source[0]} is not the key of the first certificate in {chain_source[0]}.")
    return PdfSigningMaterial(key=key, certificate=leaf, chain=tuple(certificates[1:]))


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def issue_ca(
    *, common_name: str = "Opt-Out Guide evidence root", days: int = 20 * 365, now: datetime.datetime | None = None
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A new root: ECDSA P-256, allowed to sign certificates only."""
    now = now or datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )  # keyCertSign, cRLSign
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def issue_leaf(
    ca_key: ec.EllipticCurvePrivateKey,
    ca: x509.Certificate,
    *,
    common_name: str = "Opt-Out Guide evidence PDFs",
    days: int = 5 * 365,
    now: datetime.datetime | None = None,
    extended_usage: x509.ObjectIdentifier | None = None,
    key: Any = None,
) -> tuple[Any, x509.Certificate]:
    """A new signing certificate under `ca`: ECDSA P-256 (unless given another `key`), digital signature
    and non-repudiation."""
    now = now or datetime.datetime.now(datetime.UTC)
    key = key or ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )  # digitalSignature, nonRepudiation
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if extended_usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([extended_usage]), critical=True)
    return key, builder.sign(ca_key, hashes.SHA256())


def pem(*certificates: x509.Certificate) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certificates)


# The same PKCS#8 PEM as the record's Ed25519 key, for the PDF certificate's ECDSA key.
key_pem = private_key_pem


TIME_STAMPING = ExtendedKeyUsageOID.TIME_STAMPING


def _write_private(path: Path, text: str) -> None:
    # As for the Ed25519 development key: written privately, then linked into place (first one wins).
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".evidence-pdf-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _development_material(directory: Path) -> PdfSigningMaterial:
    chain_path, key_path = directory / DEV_CHAIN_FILENAME, directory / DEV_KEY_FILENAME
    if not key_path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        ca_key, ca = issue_ca(common_name="Opt-Out Guide evidence root (development)")
        key, leaf = issue_leaf(ca_key, ca, common_name="Opt-Out Guide evidence PDFs (development)")
        # The chain first: a process that sees the key also finds its chain.
        _write_private(chain_path, pem(leaf, ca))
        _write_private(key_path, key_pem(key))
    certificates = parse_certificates(chain_path.read_bytes(), source="the development PDF chain")
    key = parse_private_key(key_path.read_bytes(), source="the development PDF key")
    if certificates[0].public_key().public_numbers() != key.public_key().public_numbers():
        raise ImproperlyConfigured(f"{directory}: the key and chain disagree; delete both to make new ones.")
    return PdfSigningMaterial(key=key, certificate=certificates[0], chain=tuple(certificates[1:]))


@functools.lru_cache(maxsize=4)
def _cached(_configuration: tuple[Any, ...]) -> PdfSigningMaterial:
    return load_material()


def signing_material() -> PdfSigningMaterial:
    """The PDF signing key and chain, loaded once per process (per configuration, so tests can swap them)."""
    return _cached(
        (
            settings.EVIDENCE_PDF_CERT,
            settings.EVIDENCE_PDF_CERT_FILE,
            settings.EVIDENCE_PDF_KEY,
            settings.EVIDENCE_PDF_KEY_FILE,
            settings.DEBUG,
            str(settings.BASE_DIR),
        )
    )


def trusted_roots() -> list[x509.Certificate]:
    """The current root, then the retired ones listed in EVIDENCE_PDF_RETIRED_ROOTS (PEM)."""
    retired = settings.EVIDENCE_PDF_RETIRED_ROOTS.strip()
    extra = parse_certificates(retired, source="EVIDENCE_PDF_RETIRED_ROOTS") if retired else []
    return [signing_material().root, *extra]


def trusted_tsa_roots() -> list[x509.Certificate]:
    """The roots of the time-stamping authorities whose tokens /verify/ accepts (EVIDENCE_TSA_ROOTS, PEM)."""
    value = settings.EVIDENCE_TSA_ROOTS.strip()
    return parse_certificates(value, source="EVIDENCE_TSA_ROOTS") if value else []
