"""The running header and footer of the evidence PDFs, in the reader's language, as CSS values.

The page margins are drawn by CSS (`pdf.css`'s `@page` boxes and `string-set`), whose text cannot
come from a `{% translate %}` in the HTML: it has to be a CSS string, with the page counters and
the element's own content spliced in where the translation puts its placeholders. A CSS string is
not HTML either (a `<style>` is raw text, so `&#x27;` would print as such): `css_string` escapes it
for CSS, and `css_content` turns "Page %(number)s of %(count)s" into
`"Page " counter(page) " of " counter(pages)`. Pure but for the active language.
"""

from __future__ import annotations

import re

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_PLACEHOLDER = re.compile(r"%\(([a-z_]+)\)s")


def css_string(text: str) -> SafeString:
    """`text` as a double-quoted CSS string, safe inside a `<style>` element."""
    escaped = "".join(
        "\\" + char if char in '"\\' else f"\\{ord(char):x} " if char in "<>&\n\r\f" or ord(char) < 32 else char
        for char in text
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 (escaped for CSS above)


def css_content(template: str, **values: str) -> SafeString:
    """A translated `template` as a CSS `content` list: the text between its `%(name)s`
    placeholders as strings, each placeholder replaced by the CSS expression `values[name]`."""
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            parts.append(css_string(template[position : match.start()]))
        parts.append(values[match.group(1)])
        position = match.end()
    if position < len(template):
        parts.append(css_string(template[position:]))
    return mark_safe(" ".join(parts) or '""')  # noqa: S308 (strings escaped, expressions ours)


def margins() -> dict[str, SafeString]:
    """The header, the record's id, the check address and the page number, as `pdf.css` uses them."""
    return {
        "header": css_string(_("Opt-Out Guide · evidence record")),
        "record": css_content(_("Record %(id)s"), id="content()"),
        "check": css_content(_("Check this record at %(address)s"), address="content()"),
        "page": css_content(_("Page %(number)s of %(count)s"), number="counter(page)", count="counter(pages)"),
    }
