"""What our forms share: the error summary's links, in the order of the fields on the page, and the
refusal of text that cannot be shown.

An error summary (templates/requests_app/web/forms/error_summary.html) lists every error of a form
as a link to the input it is about: the field's own input, the first option of a radio or
checkbox list (`<id>_0`), and for a hidden field's error or one about the whole form, the first
visible field.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from .text import first_unshowable, line_of


class ErrorSummaryMixin:
    """For a `forms.Form`: `error_links()`, the (element id, message) pairs of the error summary."""

    def error_links(self: forms.Form) -> list[tuple[str, str]]:
        """(element id, message) for the error summary, in the order of the fields on the page."""
        visible = [name for name, field in self.fields.items() if not field.widget.is_hidden]
        links = []
        for name, field in self.fields.items():
            target = visible[0] if field.widget.is_hidden and visible else name
            multiple = isinstance(self.fields[target].widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            element = self[target].auto_id + ("_0" if multiple else "")
            links.extend((element, message) for message in self.errors.get(name, []))
        if visible:
            links.extend((self[visible[0]].auto_id, message) for message in self.non_field_errors())
        return links


class ShowableTextMixin:
    """For a `forms.Form`: refuse, at its field, typed text holding a control character other than a
    line break or tab (web/text.py). Such text prints as nothing, hides or garbles what follows it in
    pages, PDFs and letters, and PostgreSQL refuses NUL."""

    def clean(self: forms.Form) -> dict:
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, str) or isinstance(self.fields[name], forms.ChoiceField):
                continue
            index = first_unshowable(value)
            if index is not None:
                self.add_error(
                    name,
                    _("Line %(line)s holds an invisible control character (%(code)s): remove it.")
                    % {"line": line_of(value, index), "code": f"U+{ord(value[index]):04X}"},
                )
        return cleaned
