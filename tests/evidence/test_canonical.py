"""Canonical JSON: one byte form for every value, and strict parsing of untrusted JSON."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.evidence.canonical import CanonicalJSONError, canonical_json
from tests.factories.records import JSON_VALUES, SUBMISSION


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"b": 1, "a": [True, False, None]}, b'{"a":[true,false,null],"b":1}'),
        ({"z": {"y": 2, "x": 1}, "": 0}, b'{"":0,"z":{"x":1,"y":2}}'),
        (("a", 1), b'["a",1]'),
        ({}, b"{}"),
        ([], b"[]"),
        (-0, b"0"),
        (2**53 - 1, b"9007199254740991"),
        ("Jürgen", '"Jürgen"'.encode()),
        ('line\nbreak\ttab "quote" back\\slash', b'"line\\nbreak\\ttab \\"quote\\" back\\\\slash"'),
        ("\x07\x1f\x7f", b'"\\u0007\\u001f\x7f"'),
        ("\u2028", '"\u2028"'.encode()),
        # RFC 8785 3.2.3 sorts by UTF-16 code units: U+1F600 (D83D DE00) before U+FB01.
        ({"\ufb01": 1, "\U0001f600": 2}, '{"\U0001f600":2,"\ufb01":1}'.encode()),
    ],
)
def test_it_writes_canonical_json(value, expected):
    assert canonical_json(value) == expected


def test_it_ignores_key_order_and_escaping():
    escaped = json.loads('{"\\u00e9t\\u00e9": "caf\\u00e9", "a": [1, 2]}')
    literal = json.loads('{"a":[1,2],"été":"café"}')
    assert canonical_json(escaped) == canonical_json(literal) == '{"a":[1,2],"été":"café"}'.encode()


def test_it_keeps_different_unicode_forms_apart():
    """No normalisation: NFC and NFD "é" are different text, so they must hash differently."""
    assert canonical_json("\u00e9") != canonical_json("e\u0301")


@pytest.mark.parametrize(
    "value",
    [
        1.0,
        0.5,
        float("nan"),
        float("inf"),
        {"amount": 9.99},
        [1, 2.5],
        2**53,
        -(2**53),
        decimal.Decimal("1"),
        datetime.date(2025, 1, 31),
        uuid.UUID(SUBMISSION),
        {"a"},
        b"bytes",
        {1: "integer key"},
        "\ud800",
        object(),
    ],
)
def test_it_refuses_what_json_cannot_carry_exactly(value):
    with pytest.raises(CanonicalJSONError):
        canonical_json(value)


def test_it_refuses_very_deep_nesting():
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(CanonicalJSONError, match="nested"):
        canonical_json(deep)


@pytest.mark.slow  # hypothesis
@given(JSON_VALUES)
@settings(max_examples=500)
def test_it_round_trips_json_values(value):
    encoded = canonical_json(value)
    assert json.loads(encoded) == value
    assert canonical_json(json.loads(encoded)) == encoded


@pytest.mark.slow  # hypothesis
@given(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=8))
@settings(max_examples=300)
def test_it_does_not_depend_on_insertion_order(value):
    assert canonical_json(dict(reversed(list(value.items())))) == canonical_json(value)
