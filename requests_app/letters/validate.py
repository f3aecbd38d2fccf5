"""Checking a letter template and an action's form fields before they are saved (admin, load_guide).

A template is rendered with sample data in every language, with and without the person's own
explanation, so a broken one never reaches a person.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings

from ..web.text import unshowable_problem
from .contract import sample_context
from .render import render_form_fields, render_letter
from .sandbox import LetterError


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _sample_contexts() -> Iterator[dict]:
    for language in _languages():
        context = sample_context(language)
        yield context
        # Templates must also read well when the person gives no explanation.
        yield {**context, "person": {**context["person"], "explanation": ""}}


def validate_template(subject: str, body: str) -> None:
    """Compile and render a letter with sample data in every language; raises LetterError."""
    for context in _sample_contexts():
        render_letter(subject, body, context)


def validate_form_fields(fields: Any) -> None:
    """Check `Action.form_fields`: a list of {"label_en", "label_de", "value"} whose values all render."""
    if not isinstance(fields, list):
        raise LetterError('must be a list of {"label_en": ..., "label_de": ..., "value": ...}', field="form_fields")
    allowed = {"value"} | {f"label_{language}" for language in _languages()}
    for index, field in enumerate(fields, start=1):
        where = f"Form field {index}"
        if not isinstance(field, dict):
            raise LetterError("must be an object with label_en, label_de and value", field="form_fields", label=where)
        unknown = sorted(set(field) - allowed)
        if unknown:
            raise LetterError(f"unknown key '{unknown[0]}'", field="form_fields", label=where)
        if not isinstance(field.get("label_en"), str) or not field["label_en"].strip():
            raise LetterError("label_en is required", field="form_fields", label=where)
        if not all(isinstance(value, str) for value in field.values()):
            raise LetterError("labels and value must be text", field="form_fields", label=where)
        for key, text in field.items():
            if key != "value" and (problem := unshowable_problem(text)):
                raise LetterError(f"{key} cannot be shown, {problem}", field="form_fields", label=where)
    for context in _sample_contexts():
        render_form_fields(fields, context, "en")
