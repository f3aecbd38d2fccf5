"""Rendering the official form's fields in the letter's language, and naming the field that fails."""

from __future__ import annotations

import pytest

from requests_app.letters.contract import sample_context
from requests_app.letters.render import compose, in_language, render_form_fields
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
        ([{"label_en": "A", "value": "", "label_da": "B"}], "Form field 1: unknown key 'label_da'"),
        ([{"value": "{{ person.email }}"}], "Form field 1: label_en is required"),
        ([{"label_en": "A", "value": 3}], "Form field 1: labels and value must be text"),
        ([{"label_en": "A", "value": "{{ person.mail }}"}], "Form field 1 (A): Line 1: unknown variable 'person.mail'"),
    ],
)
def test_it_refuses_malformed_form_fields(fields, message):
    with pytest.raises(LetterError) as caught:
        validate_form_fields(fields)

    assert str(caught.value).startswith(message)


class Template:
    def __init__(self, language: str, subject: str = "Subject {{ platform.name }}", body: str = "Body") -> None:
        self.language, self.subject, self.body = language, subject, body


def test_it_takes_the_template_in_the_language_else_english():
    english, german = Template("en"), Template("de")
    assert in_language([english, german], "de") is german
    assert in_language([english, german], "fr") is english
    assert in_language([german], "fr") is None


def test_it_composes_the_letter_and_fields_in_the_templates_language():
    fields = [{"label_en": "Country", "label_de": "Land", "value": "{{ person.country }}"}]
    composed = compose([Template("en")], fields, sample_context("de"), "de")
    assert composed.language == "en"
    assert composed.letter.subject == "Subject Instagram"
    assert composed.fields == [("Land", "Deutschland")]


def test_without_a_template_there_are_only_the_fields():
    composed = compose([], [{"label_en": "Email", "value": "{{ person.email }}"}], sample_context("en"), "de")
    assert composed.letter is None
    assert composed.language == "de"
    assert composed.fields == [("Email", "alex@example.org")]


def test_a_broken_template_is_a_letter_error():
    with pytest.raises(LetterError):
        compose([Template("en", body="{{ person.shoe_size }}")], [], sample_context("en"), "en")
