"""web/text.py, the one rule for what text the site can show, and the isolation of typed text."""

from __future__ import annotations

import pytest

from requests_app.web.text import (
    FIRST_STRONG_ISOLATE,
    POP_DIRECTIONAL_ISOLATE,
    describe,
    first_unshowable,
    isolated,
    line_of,
    strings_in,
    unshowable_problem,
)


@pytest.mark.parametrize(
    "text", ["", "plain", "Zeile 1\nZeile 2\r\n\tEingerückt", "افتح النموذج", "\u202bembedded\u202c", "emoji 🙂"]
)
def test_it_shows_text_in_any_script_with_line_breaks_and_tabs(text):
    assert first_unshowable(text) is None
    assert unshowable_problem(text) is None


@pytest.mark.parametrize(
    ("text", "index"),
    [("\x00", 0), ("ab\x1bc", 2), ("a\x7f", 1), ("a\x85", 1), ("a\x9f", 1), ("ok\ud800", 2), ("\x0b\x0c", 0)],
)
def test_it_finds_the_first_control_character_or_lone_surrogate(text, index):
    assert first_unshowable(text) == index


def test_it_reports_the_earlier_of_a_surrogate_and_a_control_character():
    assert first_unshowable("a\ud800b\x00") == 1
    assert first_unshowable("a\x00b\ud800") == 1


def test_it_describes_what_it_refuses_by_code_point_and_name():
    assert describe("\x00") == "the control character U+0000 (NUL)"
    assert describe("\x7f") == "the control character U+007F (DELETE)"
    assert describe("\x1b") == "the control character U+001B"
    assert describe("\ud800") == "a lone surrogate (U+D800), which cannot be encoded as utf-8"


def test_it_names_the_line():
    assert line_of("a\nb\nc", 0) == 1
    assert line_of("a\nb\nc", 4) == 3
    assert unshowable_problem("one\ntwo \x1b") == "line 2: the control character U+001B"


def test_it_finds_every_string_in_a_json_value():
    value = {"label": "Name", "options": ["a", {"k": "v"}], "n": 3, "none": None}
    assert sorted(strings_in(value)) == sorted(["label", "Name", "options", "a", "k", "v", "n", "none"])
    assert strings_in("one") == ["one"]
    assert strings_in(3) == []


@pytest.mark.parametrize("text", ["", "Anna Schmidt", "عبد الله", "Line\nbreak"])
def test_text_without_bidirectional_formatting_is_left_as_typed(text):
    assert isolated(text) == text


@pytest.mark.parametrize(
    "mark", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
def test_text_with_bidirectional_formatting_becomes_an_isolate(mark):
    text = f"Anna{mark}Schmidt"
    assert isolated(text) == f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
