"""Rendering the official form's fields in the letter's language, and naming the field that fails."""

from __future__ import annotations

import pytest

from requests_app.letters.contract import sample_context
from requests_app.letters.render import render_form_fields
from requests_app.letters.sandbox import LetterError
from requests_app.letters.validate import validate_form_fields


def test_it_renders_form_fields_in_the_language():
    fields = [
        {"label_en": "Country", "label_de": "Land", "value": "{{ person.country }}"},
        {"label_en": "Email", "value": " {{ person.email }}\n"},
    ]

    assert render_form_fields(fields, sample_context("de"), "de") == [
        ("Land", "Deutschland"),
        ("Email", "alex@example.org"),
    ]


def test_it_names_the_form_field_that_fails():
    fields = [{"label_en": "Country", "value": "{{ person.country }}"}, {"label_en": "Why", "value": "{{ why }}"}]

    with pytest.raises(LetterError) as caught:
        render_form_fields(fields, sample_context(), "en")

    assert str(caught.value) == "Form field 2 (Why): Line 1: unknown variable 'why'"
    assert caught.value.field == "form_fields"


def test_it_validates_form_fields():
    validate_form_fields([{"label_en": "Email", "label_de": "E-Mail", "value": "{{ person.email }}"}])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"label_en": "x"}, "must be a list"),
        (["x"], "Form field 1: must be an object"),
        ([{"label_en": "A", "value": "", "label_fr": "B"}], "Form field 1: unknown key 'label_fr'"),
        ([{"value": "{{ person.email }}"}], "Form field 1: label_en is required"),
        ([{"label_en": "A", "value": 3}], "Form field 1: labels and value must be text"),
        ([{"label_en": "A", "value": "{{ person.mail }}"}], "Form field 1 (A): Line 1: unknown variable 'person.mail'"),
    ],
)
def test_it_refuses_malformed_form_fields(fields, message):
    with pytest.raises(LetterError) as caught:
        validate_form_fields(fields)

    assert str(caught.value).startswith(message)
