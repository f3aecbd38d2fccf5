"""|bdi: typed text as its own directional run, escaped."""

from __future__ import annotations

from django.template import Context, Template


def render(value: object) -> str:
    return Template("{% load bidi %}[{{ value|bdi }}]").render(Context({"value": value}))


def test_it_isolates_and_escapes_a_value():
    assert render("Ref \u202e<b>x</b>") == "[<bdi>Ref \u202e&lt;b&gt;x&lt;/b&gt;</bdi>]"


def test_nothing_stays_nothing():
    assert render("") == "[]"
    assert render(None) == "[]"
