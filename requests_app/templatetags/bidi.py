"""`|bdi`: text a person typed, isolated from the page's text around it.

A right-to-left override (U+202E) or an embedding typed into one field would otherwise reorder what
the page shows after it, a reference, a note, the next row. `<bdi>` makes the value its own
directional run, whatever it holds; it is escaped like any other value.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bdi(value: object) -> SafeString | str:
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)
