"""The site's URLs plus /bench/baseline/, the minimal template view every page is compared with."""

from __future__ import annotations

from django.urls import include, path

# The error handlers (and allauth's handler429) are looked up in the root URLconf: keep the site's.
from config.urls import handler400, handler403, handler404, handler429, handler500  # noqa: F401

from .baseline import baseline

urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("", include("config.urls")),
]
