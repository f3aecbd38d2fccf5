"""The letter contract: every key in every context, plain values, sample data in each language."""

from __future__ import annotations

import datetime

import pytest
from django.utils.safestring import mark_safe

from requests_app.letters.contract import LETTER_VARIABLES, build_context, sample_context
from requests_app.letters.render import render_letter
from tests.factories.letters import TODAY, context


def test_it_renders_a_letter_from_the_context():
    letter = render_letter(
        "Objection: {{ platform.name }}",
        "Dear {{ controller.name }},\n\nI object under {{ law.legal_basis }}.\n{{ person.name }}\n",
        context(),
    )

    assert letter.subject == "Objection: Instagram"
    assert letter.body == "Dear Meta Platforms Ireland Limited,\n\nI object under GDPR Art. 21(1).\nAlex Example\n"


def test_it_keeps_the_trailing_newline_and_does_not_escape():
    letter = render_letter("S", "{{ person.name }} <me@example.org> & co\n", context(name="A & B"))

    assert letter.body == "A & B <me@example.org> & co\n"


def test_it_makes_the_subject_one_line():
    letter = render_letter("  Objection\n{{ platform.name }}  \n", "b", context())

    assert letter.subject == "Objection Instagram"


def test_it_fills_every_contract_key_with_empty_strings():
    ctx = build_context(person={}, language="en", today=TODAY)

    for group, keys in LETTER_VARIABLES.items():
        if group == "today":
            continue
        assert ctx[group] == dict.fromkeys(keys, "")
    assert ctx["today"] == "28 November 2026"


def test_it_formats_today_for_the_language():
    assert build_context(person={}, language="en", today=TODAY)["today"] == "28 November 2026"
    assert build_context(person={}, language="de", today=datetime.date(2026, 3, 1))["today"] == "1. März 2026"


def test_it_formats_dates_inside_groups():
    ctx = build_context(person={}, original={"filed_on": datetime.date(2026, 5, 2)}, language="de", today=TODAY)

    assert ctx["original"]["filed_on"] == "2. Mai 2026"


def test_it_refuses_keys_outside_the_contract():
    with pytest.raises(ValueError, match=r"person\.phone"):
        build_context(person={"phone": "123"}, language="en", today=TODAY)


def test_it_refuses_a_law_name_outside_the_contract():
    with pytest.raises(ValueError, match="law.name"):
        build_context(person={}, law={"name": "DSGVO"}, language="en", today=TODAY)


def test_it_converts_context_values_to_plain_strings():
    ctx = build_context(person={"name": mark_safe("<b>Alex</b>"), "email": None}, language="en", today=TODAY)  # noqa: S308

    assert type(ctx["person"]["name"]) is str
    assert ctx["person"]["email"] == ""


def test_it_converts_a_hand_built_context_too():
    class Person:
        def __str__(self) -> str:
            return "a person object"

    letter = render_letter("s", "{{ person.name }}", {**context(), "person": {"name": Person()}})

    assert letter.body == "a person object"


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_sample_context_fills_every_key(language):
    ctx = sample_context(language)

    for group, keys in LETTER_VARIABLES.items():
        if group == "today":
            assert ctx["today"]
        else:
            assert set(ctx[group]) == set(keys)
            assert all(ctx[group].values())


def test_the_sample_context_names_the_country_in_its_language():
    assert sample_context("en")["person"]["country"] == "Germany"
    assert sample_context("de")["person"]["country"] == "Deutschland"


def test_it_allows_loops_conditions_and_text_filters():
    body = (
        "{% if person.explanation %}Why: {{ person.explanation|trim }}{% else %}No reason given.{% endif %}\n"
        "{% for word in person.name.split() %}{{ loop.index }}={{ word|upper }}{% if not loop.last %}, "
        "{% endif %}{% endfor %}\n"
        "{{ ['a', 'b']|join('+') }} {{ person.email|replace('@', ' at ') }} {{ law.name|lower }}"
    )

    assert render_letter("s", body, context(explanation=" Mine ")).body == (
        "Why: Mine\n1=ALEX, 2=EXAMPLE\na+b alex at example.org gdpr"
    )
    assert render_letter("s", body, context()).body.startswith("No reason given.")


def test_it_allows_defaults_for_missing_keys():
    assert render_letter("s", "{{ person.nickname|default('friend') }}", context()).body == "friend"
