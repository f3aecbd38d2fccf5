"""URLs of evidence: the evidence PDF, the public key and public verification."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("requests/<uuid:submission_id>/evidence.pdf", views.evidence_pdf, name="evidence_pdf"),
    path("requests/evidence-pack.pdf", views.evidence_pack_pdf, name="evidence_pack_pdf"),
    path("verify/", views.verify, name="evidence_verify"),
    path("verify/key.pem", views.public_key, name="evidence_public_key"),
    path(".well-known/opt-out-guide-evidence-key.pem", views.public_key, name="evidence_public_key_well_known"),
]
