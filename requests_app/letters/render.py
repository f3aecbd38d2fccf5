"""Rendering a request's letter and the official form's fields, from a template and a context.

The letter text shown to a person, copied by them, stored on the submission and printed in the PDF
is what `render_letter` returns. Pure: templates and contexts in, text out (through the sandbox).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Protocol

from .contract import as_plain
from .sandbox import LetterError, render_template


class Template(Protocol):
    """A letter template in one language: a `LetterTemplate` row, or the guide snapshot's `LetterInfo`."""

    language: str
    subject: str
    body: str


@dataclasses.dataclass(frozen=True)
class RenderedLetter:
    subject: str
    body: str


def render_letter(subject: str, body: str, context: dict) -> RenderedLetter:
    """Render a letter's subject and body in the sandbox.

    The subject becomes one line (line breaks and surrounding spaces dropped);
    the body is returned exactly as rendered. Raises LetterError.
    """
    plain = as_plain(context, "en")
    rendered_subject = render_template(subject, plain, "subject")
    rendered_body = render_template(body, plain, "body")
    subject_line = " ".join(line.strip() for line in rendered_subject.splitlines() if line.strip())
    return RenderedLetter(subject=subject_line, body=rendered_body)


def _field_label(field: dict, language: str, index: int) -> str:
    language = language.split("-")[0]
    return str(field.get(f"label_{language}") or field.get("label_en") or f"Field {index}")


def render_form_fields(fields: list[dict], context: dict, language: str) -> list[tuple[str, str]]:
    """The official form's fields as (label in `language`, rendered value) pairs.

    Values are short templates such as `{{ person.country }}`; surrounding
    whitespace is dropped so that a copied value pastes cleanly.
    """
    plain = as_plain(context, "en")
    result = []
    for index, field in enumerate(fields, start=1):
        label = _field_label(field, language, index)
        try:
            value = render_template(str(field.get("value", "")), plain, "form_fields")
        except LetterError as error:
            error.label = f"Form field {index} ({label})"
            raise
        result.append((label, value.strip()))
    return result


def in_language[T: Template](templates: Iterable[T], language: str) -> T | None:
    """The template in `language`, else the English one, else none."""
    by_language = {template.language: template for template in templates}
    return by_language.get(language) or by_language.get("en")


@dataclasses.dataclass(frozen=True)
class Composed:
    """A request's letter (None when its action has no template) and its form fields, rendered."""

    letter: RenderedLetter | None
    fields: list[tuple[str, str]]
    language: str  # of the template used, else the language asked for


def compose(templates: Iterable[Template], form_fields: list[dict[str, Any]], context: dict, language: str) -> Composed:
    """Render the form fields and the letter in `language` (or English, when there is no template in
    it) for one request; raises LetterError."""
    template = in_language(templates, language)
    fields = render_form_fields(form_fields, context, language)
    if template is None:
        return Composed(letter=None, fields=fields, language=language)
    letter = render_letter(template.subject, template.body, context)
    return Composed(letter=letter, fields=fields, language=template.language)
