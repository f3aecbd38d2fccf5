"""Sandboxed letter rendering: the letter contract, editor-friendly errors, and refused attacks."""

from __future__ import annotations

import datetime
import time

import pytest
from django.utils.safestring import mark_safe

from requests_app.letters.contract import LETTER_VARIABLES, build_context, sample_context
from requests_app.letters.render import render_form_fields, render_letter
from requests_app.letters.sandbox import MAX_SECONDS, MAX_TEMPLATE_CHARS, LetterError
from requests_app.letters.validate import validate_form_fields, validate_template

TODAY = datetime.date(2026, 11, 28)


def context(**person) -> dict:
    return build_context(
        person={"name": "Alex Example", "email": "alex@example.org", **person},
        platform={"name": "Instagram"},
        controller={"name": "Meta Platforms Ireland Limited", "address": "Merrion Road, Dublin 4"},
        law={"name": "GDPR", "legal_basis": "GDPR Art. 21(1)"},
        language="en",
        today=TODAY,
    )


def body_error(body: str, ctx: dict | None = None) -> LetterError:
    with pytest.raises(LetterError) as caught:
        render_letter("Subject", body, ctx or sample_context("en"))
    return caught.value


# --- The contract ----------------------------------------------------------


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


# --- Errors an editor can act on -------------------------------------------


def test_it_names_an_unknown_variable_and_its_line():
    error = body_error("Dear {{ person.name }},\n\n{{ person.nmae }}\n")

    assert str(error) == "Line 3: unknown variable 'person.nmae'"
    assert (error.message, error.line, error.field) == ("unknown variable 'person.nmae'", 3, "body")


def test_it_names_an_unknown_top_level_variable():
    assert str(body_error("\n{{ persn.name }}")) == "Line 2: unknown variable 'persn'"


def test_it_reports_the_subject_as_the_failing_field():
    with pytest.raises(LetterError) as caught:
        render_letter("{{ platfrom.name }}", "fine", sample_context())

    assert caught.value.field == "subject"
    assert str(caught.value) == "Line 1: unknown variable 'platfrom'"


def test_it_reports_syntax_errors_with_their_line():
    assert str(body_error("{{ } }}")) == "Line 1: syntax error: unexpected '}'"
    assert body_error("a\nb\n{% if person.name %}").line == 3


def test_it_reports_an_unknown_filter():
    assert str(body_error("\n{{ person.name|shout }}")) == "Line 2: unknown filter 'shout'"


def test_it_reports_errors_in_computation():
    assert str(body_error("{{ 1 / 0 }}")) == "Line 1: cannot compute this: division by zero"


def test_it_renders_a_letter_without_errors_when_every_variable_exists():
    letter = render_letter("{{ original.subject }}", "{{ authority.name }} {{ today }}", sample_context("de"))

    assert letter.subject.startswith("Widerspruch")


# --- Sandbox escapes -------------------------------------------------------

ESCAPES = {
    "{{ person.__class__.__mro__ }}": "access to '__class__'",
    "{{ ''.__class__ }}": "access to '__class__'",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}": "access to '__class__'",
    "{{ person.name.__init__.__globals__ }}": "access to '__init__'",
    "{{ cycler.__init__.__globals__ }}": "access to '__init__'",
    "{{ loop }}": "unknown variable 'loop'",
    "{% for x in 'a' %}{{ loop.__class__ }}{% endfor %}": "access to '__class__'",
    '{{ "{0.__class__}".format(person) }}': "access to 'format'",
    "{{ '{0.__class__}'.format_map({'0': person}) }}": "access to 'format_map'",
    "{% set f = person.name.format_map %}{{ f({}) }}": "access to 'format_map'",
    "{{ person['__class__'] }}": "access to '__class__'",
    "{{ person.update({'name': 'x'}) }}": "access to 'update'",
    "{{ range.__call__ }}": "access to '__call__'",
    "{{ '%999999999s' % 1 }}": "text formatting with '%'",
    "{{ ''['format'] }}": "access to 'format'",
    "{{ ''.__getattribute__('format') }}": "access to '__getattribute__'",
    "{{ self }}": "'self'",
    "{{ self._TemplateReference__context }}": "'self'",
}


@pytest.mark.parametrize(("body", "reason"), ESCAPES.items())
def test_it_refuses_sandbox_escapes(body, reason):
    message = str(body_error(body))

    assert message.startswith("Line 1: ")
    assert reason in message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ cycler('a', 'b') }}", "Line 1: unknown variable 'cycler'"),
        ("{{ lipsum() }}", "Line 1: unknown variable 'lipsum'"),
        ("{{ namespace(a=1) }}", "Line 1: unknown variable 'namespace'"),
        ("{{ dict(a=1) }}", "Line 1: unknown variable 'dict'"),
        ("{{ joiner() }}", "Line 1: unknown variable 'joiner'"),
    ],
)
def test_it_offers_none_of_jinjas_default_globals(body, message):
    assert str(body_error(body)) == message


@pytest.mark.parametrize(
    "body",
    [
        "{{ person|attr('__class__') }}",
        "{{ person|attr('__init__')|attr('__globals__') }}",
        # CVE-2025-27516: |attr reaching str.format.
        "{{ 'x{0.__class__}'|attr('format')(person) }}",
        "{{ person|map('attr', '__class__')|list }}",
        "{{ '%s'|format(person) }}",
        "{{ person|pprint }}",
        "{{ person.name|center(1000000000) }}",
        "{{ person|tojson }}",
    ],
)
def test_it_offers_no_filter_that_reaches_attributes_or_formats(body):
    assert str(body_error(body)).startswith("Line 1: unknown filter '")


@pytest.mark.parametrize(
    ("body", "tag"),
    [
        ("{% include 'base.html' %}", "{% include %}"),
        ("{% extends 'base.html' %}", "{% extends %}"),
        ("{% import 'macros.txt' as m %}", "{% import %}"),
        ("{% from 'macros.txt' import x %}", "{% from ... import %}"),
    ],
)
def test_it_refuses_other_templates(body, tag):
    assert str(body_error(body)) == f"Line 1: not allowed in letters: {tag}"


def test_it_refuses_recursive_loops():
    assert "recursive loops" in str(body_error("{% for x in 'ab' recursive %}{{ loop(x) }}{% endfor %}"))


def test_it_still_allows_safe_text_methods():
    assert render_letter("s", "{{ person.name.upper() }} {{ person.get('email') }}", context()).body == (
        "ALEX EXAMPLE alex@example.org"
    )


# --- Resource exhaustion ---------------------------------------------------

BOMBS = {
    "{{ 9**9**9 }}": "Line 1: not allowed in letters: the power operator '**' with numbers this large",
    "{{ 2 ** 1000 }}": "Line 1: not allowed in letters: the power operator '**' with an exponent over 100",
    "{% for i in range(10**9) %}x{% endfor %}": "Line 1: range() is limited to 1,000 numbers in letters",
    "{{ 'x' * 10**8 }}": "Line 1: the text would be longer than 50,000 characters",
    "{{ [1] * 100000000 }}": "Line 1: the text would be longer than 50,000 characters",
    "{% set a = 'x' * 40000 %}\n{% set b = a ~ a %}": "Line 2: the text would be longer than 50,000 characters",
    "{% set a = 'x' * 40000 %}\n{% set b = a + a %}": "Line 2: the text would be longer than 50,000 characters",
    "{{ 'xx'|replace('', 'y' * 40000) }}": "Line 1: the text would be longer than 50,000 characters",
    "{{ ('a\\n' * 20000)|indent(10) }}": "Line 1: the text would be longer than 50,000 characters",
    "{{ range(1000)|join('y' * 100) }}": "Line 1: the text would be longer than 50,000 characters",
    "{{ ('a ' * 20000)|wordwrap(1, wrapstring='y' * 100) }}": "Line 1: the text would be longer than 50,000 characters",
    "{% for i in range(1000) %}{% for j in range(1000) %}{{ person.name }}{% endfor %}{% endfor %}": (
        "Line 1: the letter is longer than 50,000 characters"
    ),
    # A short list of long texts: its length says nothing of its size as text.
    '{{ ["x" * 50000] * 50000 }}': "Line 1: the text would be longer than 50,000 characters",
    '{% set a = ["x" * 40000] %}{{ a ~ "" }}{{ a ~ a }}': "Line 1: the text would be longer than 50,000 characters",
    '{% set a = ["x" * 30000] %}{{ (a + a)|wordcount }}': "Line 1: the text would be longer than 50,000 characters",
    '{{ ([["x" * 50000] * 50000] * 50000)|wordcount }}': "Line 1: the text would be longer than 50,000 characters",
    '{% set a = {"k": "x" * 40000} %}{{ a }}{{ a }}': "Line 1: the letter is longer than 50,000 characters",
    # Lists written out, nested: no operator to check, small in memory, long once a filter makes it text.
    '{% set a = ["x" * 40000] %}{% set b = [a, a, a, a] %}{% set c = [b, b, b, b] %}{{ c|lower|length }}': (
        "Line 1: the text would be longer than 50,000 characters"
    ),
    '{% set a = ["x" * 40000] %}{% set b = [a, a] %}{{ b|join(",") }}': (
        "Line 1: the text would be longer than 50,000 characters"
    ),
}


@pytest.mark.parametrize(("body", "message"), BOMBS.items())
def test_it_refuses_output_and_number_bombs_quickly(body, message):
    started = time.monotonic()

    assert str(body_error(body)) == message
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "body",
    [
        # Loops with no output at all.
        "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
        "{% endfor %}{% endfor %}{% endfor %}",
        "{% set s = 'x' * 50000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
        # Exponential macro recursion: no loop and no output.
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}",
    ],
)
def test_it_refuses_endless_work_quickly(body):
    started = time.monotonic()

    assert "takes too much work to render" in str(body_error(body))
    assert time.monotonic() - started < MAX_SECONDS + 1


def test_it_refuses_text_built_in_blocks_beyond_the_budget():
    # Every round fits the output caps, but the blocks together produce too much.
    body = (
        "{% set s = 'x' * 40000 %}{% for i in range(10) %}{% set b %}{{ s }}{% endset %}{% endfor %}"
        "{% filter upper %}{% for i in range(10) %}{{ s }}{% endfor %}{% endfilter %}"
    )

    assert "produces more than 200,000 characters" in str(body_error(body))


def test_it_refuses_runaway_recursion():
    assert str(body_error("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")).endswith("calls itself too deeply")


def test_it_refuses_huge_integers_built_by_multiplication():
    big = "9" * 300
    body = "{% set a = " + big + " %}" + "{% set a = a * a %}" * 5 + "{{ a }}"

    assert "numbers this large" in str(body_error(body))


def test_it_refuses_an_oversized_template():
    error = body_error("x" * (MAX_TEMPLATE_CHARS + 1))

    assert error.message == "the template is longer than 20,000 characters"
    assert str(error) == error.message


def test_it_accepts_a_long_but_reasonable_letter():
    body = "{% for i in range(200) %}{{ loop.index }}. {{ person.name }} objects.\n{% endfor %}"

    assert render_letter("s", body, context()).body.count("\n") == 200


def test_it_allows_small_powers():
    assert render_letter("s", "{{ 2 ** 10 }}", context()).body == "1024"


# --- Form fields -----------------------------------------------------------


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


# --- validate_template -----------------------------------------------------


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
