"""The site's URLs plus /bench/baseline/, the minimal template view every page is compared with."""

from __future__ import annotations

from django.urls import include, path

from config.urls import handler429  # noqa: F401  (allauth looks for it in the root URLconf)

from .baseline import baseline

urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("", include("config.urls")),
]
