"""How a step's source is named to visitors: "Checked against <source> on <date>" needs a short name.

A source is a URL; the page names it by its site (``dataprotection.ie``), so a reader sees at a glance
whether the step rests on a regulator, Meta's own page or a press report. Copies of Meta's policies kept
by Open Terms Archive live on GitHub; they are named after the archive, not after GitHub, and so are the
data and commits of the Datenanfragen.de project. A numbered "www1." is dropped like "www.".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django import template

register = template.Library()

ARCHIVES = {"/opentermsarchive/": "Open Terms Archive", "/datenanfragen/": "Datenanfragen.de"}
WWW = re.compile(r"^www\d*\.")


@register.filter
def source_name(url: object) -> str:
    """The site a source URL points to, without "www."; "" for anything that is not an http(s) URL."""
    parts = urlsplit(str(url or ""))
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    if parts.hostname == "github.com":
        for prefix, name in ARCHIVES.items():
            if parts.path.lower().startswith(prefix):
                return name
    return WWW.sub("", parts.hostname)
