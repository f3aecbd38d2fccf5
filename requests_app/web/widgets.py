"""Form widgets of our own forms: how they render, and two widgets Django lacks.

`WIDGET_RENDERER` renders our forms' widgets through Jinja2, whose widget templates Django ships:
the same markup, faster (bench/README.md). It is not the site-wide FORM_RENDERER, because the
admin's and allauth's widgets (related-object links, autocomplete) have Django templates only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import Jinja2
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDGET_RENDERER = Jinja2()


class LongSelect(forms.Select):
    """A select whose options are written in Python rather than by a template each.

    Django renders every option through its own template include; the country and state lists have
    30 to 50 options, which made that most of the page's time (bench/README.md). The markup is the
    same as Django's: `<optgroup label>` and `<option value selected>`, all escaped.
    """

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                    for option in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name else rendered
            )
        attributes = format_html_join(
            "",
            ' {}="{}"',
            (
                (key, value)
                for key, value in {"name": widget["name"], **widget["attrs"]}.items()
                if not isinstance(value, bool)
            ),
        )
        flags = "".join(f" {key}" for key, value in widget["attrs"].items() if value is True)
        return format_html("<select{}{}>{}</select>", attributes, flags, mark_safe("".join(groups)))  # noqa: S308


class HiddenInputWithoutId(forms.HiddenInput):
    """A hidden input with no id: nothing refers to it, and the request page holds several forms
    with the same hidden fields (`token`, `route`), whose ids would otherwise repeat."""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("id", None)
        return context
