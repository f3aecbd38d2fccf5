"""Signing an evidence PDF as a PDF (PAdES B-B, or B-T with a time-stamping authority's token).

The signature is invisible and added as an incremental update after WeasyPrint's PDF/A-3b, so the
pages, the embedded `evidence.json` and its own Ed25519 signature are untouched and covered: an edit
to a page a person reads breaks a signature that every PDF reader shows.

The pages say whether their time is vouched for by an authority or rests on this site's clock, so
they are rendered knowing which: `signed_pdf(render)` renders with `timestamped=True` when an
authority is configured, and when it then fails (down, slow, garbage) logs a warning, renders again
saying the time is the site's own, and signs that without a timestamp. The PDF is always produced.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import tsa
from .pdf_certificate import PdfSigningMaterial, signing_material

logger = logging.getLogger(__name__)
FIELD_NAME = "OptOutGuideEvidence"


def asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _signer(material: PdfSigningMaterial) -> signers.SimpleSigner:
    key = asn1_keys.PrivateKeyInfo.load(
        material.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    chain = [asn1_certificate(certificate) for certificate in material.chain]
    return signers.SimpleSigner(
        signing_cert=asn1_certificate(material.certificate),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(chain),
    )


def sign(
    pdf: bytes, *, material: PdfSigningMaterial, timestamper: TimeStamper | None = None, field_name: str = FIELD_NAME
) -> bytes:
    """`pdf` with an invisible PAdES signature appended (B-T when `timestamper` is given)."""
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Opt-Out Guide evidence record",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=_signer(material),
        timestamper=timestamper,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, box=None),
    )
    return pdf_signer.sign_pdf(writer).getvalue()


def signed_pdf(render: Callable[[bool], bytes]) -> bytes:
    """Render (told whether the time will be an authority's) and sign; without a timestamp if that fails."""
    material = signing_material()
    timestamper = tsa.timestamper()
    if timestamper is not None:
        try:
            return sign(render(True), material=material, timestamper=timestamper)
        except Exception as exc:  # noqa: BLE001 (any failure of the authority: the PDF is still made)
            # The exception's type only: the authority's answer is not ours to log, and carries no personal data.
            logger.warning(
                "Time-stamping authority failed (%s); evidence PDF signed without a timestamp", type(exc).__name__
            )
    return sign(render(False), material=material)
