"""URLs of evidence: the evidence PDF, the public key and public verification."""

from __future__ import annotations

urlpatterns: list = []
