"""A file the person downloads: one shape for every download the site offers.

Each is an attachment (saved, never shown inline) and is never stored by any cache: they hold a
person's own data. Everything else a download needs comes from settings and middleware for every
response: `X-Content-Type-Options: nosniff` (SECURE_CONTENT_TYPE_NOSNIFF), `Content-Length`
(CommonMiddleware).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers


def download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """`content` as a download named `filename`, kept out of every cache."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response
