"""The sandbox: errors an editor can act on, refused escapes, and capped work."""

from __future__ import annotations

import time

import pytest

from requests_app.letters.contract import sample_context
from requests_app.letters.render import render_letter
from requests_app.letters.sandbox import MAX_SECONDS, MAX_TEMPLATE_CHARS, LetterError
from tests.factories.letters import body_error, context


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
