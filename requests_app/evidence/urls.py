"""URLs of evidence: the evidence PDF, the public key and public verification."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("requests/<uuid:submission_id>/evidence.pdf", views.evidence_pdf, name="pdf"),
    path("requests/evidence-pack.pdf", views.evidence_pack_pdf, name="pack_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/key.pem", views.public_key, name="public_key"),
    path(".well-known/opt-out-guide-evidence-key.pem", views.public_key, name="public_key_well_known"),
    path("verify/root.pem", views.root_certificate, name="root_certificate"),
    path(".well-known/opt-out-guide-evidence-root.pem", views.root_certificate, name="root_certificate_well_known"),
]
