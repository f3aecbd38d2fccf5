"""System checks for evidence: production must have a PDF signing certificate, as it must have its key;
/verify/ wants poppler's pdftotext to compare an uploaded PDF's pages with its record."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security, deploy=False)
def check_pdf_certificate(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Loading the configured certificate and key: a missing or unreadable one is an error at startup."""
    from .pdf_certificate import trusted_roots, trusted_tsa_roots

    try:
        trusted_roots()  # loads the certificate and key through the per-process cache (signing_material)
        trusted_tsa_roots()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="evidence.E001")]
    return []


@checks.register(deploy=False)
def check_pdftotext(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """pdftotext (poppler-utils) on PATH: without it /verify/ cannot compare pages with records."""
    from .page_text import pdftotext_installed

    if pdftotext_installed():
        return []
    return [
        checks.Warning(
            "pdftotext (poppler-utils) is not installed: /verify/ and verify_evidence --pdf cannot compare an "
            "uploaded PDF's pages with its record (the PDF signature is still checked).",
            hint="Install poppler-utils (apt-get install poppler-utils).",
            id="evidence.W001",
        )
    ]
