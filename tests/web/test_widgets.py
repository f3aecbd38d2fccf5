"""forms.LongSelect writes the same markup as Django's Select, without a template per option."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from requests_app.web.widgets import LongSelect

CHOICES = [
    ("", "Select a country"),
    ("Europe", [("germany", "Germany"), ("france", 'France <b>"&"</b>')]),
    ("Elsewhere", [("us", "United States")]),
]


def normalise(html: str) -> str:
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


def test_each_list_shows_its_own_choices_value_and_attributes():
    first = LongSelect(choices=CHOICES).render("country", "us", {"id": "id_country"})
    assert LongSelect(choices=CHOICES).render("country", "us", {"id": "id_country"}) == first
    other_choices = LongSelect(choices=[("us", "USA")]).render("country", "us", {"id": "id_country"})
    assert other_choices == '<select name="country" id="id_country"><option value="us" selected>USA</option></select>'
    other_value = LongSelect(choices=CHOICES).render("country", "germany", {"id": "id_country"})
    assert '<option value="germany" selected>' in other_value
    assert '<option value="us">' in other_value
    invalid = LongSelect(choices=CHOICES).render("country", "us", {"id": "id_country", "aria-invalid": "true"})
    assert 'aria-invalid="true"' in invalid


def test_labels_follow_the_active_language():
    choices = [("", gettext_lazy("Select a country")), ("us", "United States")]
    with translation.override("en"):
        english = LongSelect(choices=choices).render("country", "", {})
    with translation.override("de"):
        german = LongSelect(choices=choices).render("country", "", {})
    assert "Select a country" in english
    assert "Select a country" not in german
