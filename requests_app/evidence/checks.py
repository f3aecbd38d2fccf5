"""System checks for evidence: production must have a PDF signing certificate, as it must have its key."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security, deploy=False)
def check_pdf_certificate(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Loading the configured certificate and key: a missing or unreadable one is an error at startup."""
    from .pdf_certificate import load_material, trusted_roots, trusted_tsa_roots

    try:
        load_material()
        trusted_roots()
        trusted_tsa_roots()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="evidence.E001")]
    return []
