"""Validating letter templates before they are saved: every language, with and without an explanation."""

from __future__ import annotations

import pytest

from requests_app.letters.contract import sample_context
from requests_app.letters.render import render_letter
from requests_app.letters.sandbox import LetterError
from requests_app.letters.validate import validate_template
from tests.factories.letters import body_error, context


def test_it_validates_a_good_template():
    validate_template("Objection ({{ platform.name }})", "Dear {{ controller.name }},\n{{ person.name }}\n")


def test_it_validates_with_an_empty_explanation_too():
    # Fine with the sample explanation, but fails when a person gives none.
    body = "{% if not person.explanation %}{{ person.reason }}{% endif %}"
    render_letter("s", body, sample_context("en"))

    with pytest.raises(LetterError, match=r"person\.reason"):
        validate_template("s", body)


def test_it_validates_every_language():
    # Only the German sample takes this branch.
    body = "{% if person.country == 'Deutschland' %}{{ person.land }}{% endif %}"
    render_letter("s", body, sample_context("en"))

    with pytest.raises(LetterError, match=r"person\.land"):
        validate_template("s", body)


def test_it_caches_compiled_templates_without_sharing_state():
    body = "{{ person.name }}"

    assert render_letter("s", body, context(name="One")).body == "One"
    assert render_letter("s", body, context(name="Two")).body == "Two"


def test_a_filter_that_asserts_its_arguments_gives_a_message_not_a_crash():
    error = body_error('{{ "a"|truncate(1, end="xyz") }}')
    assert str(error).startswith("Line 1: cannot compute this")
