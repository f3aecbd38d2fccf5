"""forms.LongSelect writes the same markup as Django's Select, without a template per option."""

from __future__ import annotations

import re

import pytest
from django import forms

from requests_app.forms import LongSelect

CHOICES = [
    ("", "Select a country"),
    ("Europe", [("germany", "Germany"), ("france", 'France <b>"&"</b>')]),
    ("Elsewhere", [("us", "United States")]),
]


def normalise(html: str) -> str:
    # Django's widgets render through Jinja2 here (FORM_RENDERER), whose escaping spells quotes as
    # numeric references: the same characters.
    html = html.replace("&#34;", "&quot;").replace("&#39;", "&#x27;")
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", ["", "germany", "us", "nowhere", None])
def test_it_renders_what_djangos_select_renders(value):
    attrs = {"id": "id_country", "aria-describedby": "id_country_helptext", "required": True, "disabled": False}
    ours = LongSelect(choices=CHOICES).render("country", value, attrs)
    django = forms.Select(choices=CHOICES).render("country", value, attrs)
    assert normalise(ours) == normalise(django)


def test_it_escapes_labels_and_values():
    html = LongSelect(choices=[('"><script>', "<script>alert(1)</script>")]).render("x", None)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_it_marks_the_chosen_option_selected():
    html = LongSelect(choices=CHOICES).render("country", "us", {})
    assert '<option value="us" selected>United States</option>' in html
    assert html.count(" selected") == 1
