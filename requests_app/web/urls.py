"""URLs of the site itself rather than of a domain: the health check."""

from __future__ import annotations

from django.urls import path

from .health import healthz

app_name = "web"
urlpatterns = [
    path("healthz", healthz, name="healthz"),
]
