"""HTML to PDF with WeasyPrint, fetching nothing but `data:` URLs and the app's own static files.

A PDF's HTML carries text that people typed and that editors wrote. WeasyPrint's default fetcher
would follow any URL in it: `file:///etc/passwd` embedded as an attachment, `http://` to any host
(a server-side request forgery), redirects. `fetch_resource` allows exactly two kinds of URL and
raises for everything else, so the resource is neither fetched nor embedded:

- `data:` URLs, decoded in memory;
- `STATIC_BASE_URL + STATIC_URL + <path>`: the base URL the HTML is rendered against (a reserved
  `.invalid` host that never resolves), so `{% static %}` links resolve to it. The path is read from
  the collected static root or through the staticfiles finders, never from the network.

Every PDF is tagged (`pdf_tags=True`): a structure tree of headings, paragraphs, lists, tables and
figures with their alt text, in reading order, with the document's language from `<html lang>`, so
a screen reader can read it. WeasyPrint takes one `pdf_variant`; PDF/UA-1 and PDF/A-3b are separate
variants, so the evidence PDFs stay PDF/A-3b (their embedded record needs PDF/A-3) and are tagged as
well, without claiming PDF/UA conformance (docs/EVIDENCE.md, "Accessibility").

WeasyPrint is slow to import (bench/README.md), so it is imported inside the functions that need it.
"""

from __future__ import annotations

import base64
import binascii
import functools
import mimetypes
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# RFC 2606 reserves .invalid: this host can never be reached, it only names our static files.
STATIC_BASE_URL = "https://opt-out-guide.invalid/"


class ForbiddenURL(ValueError):
    """A URL the PDF renderer may not fetch."""


def _static_prefix() -> str:
    return urljoin(STATIC_BASE_URL, settings.STATIC_URL)


def _static_file(relative: str) -> Path:
    """A file among the app's static files, refusing any path that climbs out of them."""
    relative = unquote(relative)
    normal = posixpath.normpath(relative)
    if not relative or normal.startswith(("/", "..")) or "\\" in relative or "\x00" in relative:
        raise ForbiddenURL(f"not a static file path: {relative!r}")
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / normal).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    found = finders.find(normal)
    if not found:
        raise ForbiddenURL(f"no such static file: {relative!r}")
    return Path(found)


def _decode_data_url(url: str) -> tuple[bytes, str]:
    header, _, payload = url[len("data:") :].partition(",")
    parts = header.split(";")
    mime_type = parts[0] or "text/plain"
    try:
        if "base64" in parts[1:]:
            return base64.b64decode(unquote(payload), validate=False), mime_type
    except (binascii.Error, ValueError) as error:
        raise ForbiddenURL("malformed data: URL") from error
    return unquote(payload).encode(), mime_type


def fetch_resource(url: str) -> tuple[bytes, str]:
    """(content, MIME type) for an allowed URL; `ForbiddenURL` for every other URL."""
    if url[:5].lower() == "data:":
        return _decode_data_url(url)
    prefix = _static_prefix()
    if url.startswith(prefix):
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            url = url.split("?", 1)[0].split("#", 1)[0]
        path = _static_file(url[len(prefix) :])
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path.read_bytes(), mime_type
    raise ForbiddenURL(f"not fetched: {url[:100]!r}")


@functools.cache
def safe_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that only serves `fetch_resource`: no network, no files, no redirects.

    Made once per process: WeasyPrint's fetcher sets up a TLS context on creation (bench/README.md),
    which ours never uses; its `fetch` keeps no state between calls."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            content, mime_type = fetch_resource(url)
            return URLFetcherResponse(url, content, {"Content-Type": mime_type})

    return SafeURLFetcher(allow_redirects=False)


def render_pdf(html: str, *, pdf_variant: str | None = None, attachments: list | None = None) -> bytes:
    """Tagged PDF bytes of `html`; links to static files use `{% static %}` (resolved by the fetcher)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=safe_url_fetcher())
    return document.write_pdf(pdf_variant=pdf_variant, pdf_tags=True, attachments=attachments or [])
