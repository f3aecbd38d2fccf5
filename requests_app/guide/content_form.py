"""The admin form every guide content object and text row is edited with: it refuses unshowable text.

Its own module because both the content admins (admin.py) and the per-language text inlines
(translations.py) use it, and translations.py must not import admin.py.
"""

from __future__ import annotations

import json

from django import forms

from ..web.text import first_unshowable, strings_in, unshowable_problem


class _ShowableJSONEncoder(json.JSONEncoder):
    """JSON as editors read it (umlauts as they are), but a lone surrogate as its `\\ud800` escape: the
    refused value is shown again in its field, and the page that says why must itself be encodable."""

    def encode(self, o: object) -> str:
        text = super().encode(o)
        if first_unshowable(text) is None:
            return text
        return json.JSONEncoder(ensure_ascii=True, indent=self.indent, sort_keys=self.sort_keys).encode(o)


class GuideContentForm(forms.ModelForm):
    """Refuses, at its field, any text (JSON fields' text too) that a page or a PDF could not show:
    saved, one such character answered 500 on every page that showed it."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.JSONField) and field.encoder is None:
                field.encoder = _ShowableJSONEncoder

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            for text in strings_in(value):
                if problem := unshowable_problem(text):
                    self.add_error(name, f"This text cannot be shown on the site, {problem}: remove it")
                    break
        return cleaned
