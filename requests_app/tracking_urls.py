"""URLs of request tracking (/requests/...): an account holder's submissions."""

from __future__ import annotations

urlpatterns: list = []
