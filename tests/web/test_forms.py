"""ErrorSummaryMixin: every error links to the input it is about, in the order of the page."""

from __future__ import annotations

from django import forms

from requests_app.web.forms import ErrorSummaryMixin, ShowableTextMixin


class Form(ErrorSummaryMixin, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect)
    pets = forms.MultipleChoiceField(choices=[("cat", "Cat")], widget=forms.CheckboxSelectMultiple)

    def clean(self):
        raise forms.ValidationError("The whole form is wrong")


def test_it_links_each_error_to_its_input_in_field_order():
    links = Form(data={}).error_links()
    assert [element for element, _message in links] == ["id_name", "id_name", "id_colour_0", "id_pets_0", "id_name"]
    assert links[-1] == ("id_name", "The whole form is wrong")


def test_a_hidden_fields_error_links_to_the_first_visible_input():
    (first, *_rest) = Form(data={}).error_links()
    assert first[0] == "id_name"  # the token's "required", shown where the person can act on it


def test_a_valid_form_has_no_links():
    class Plain(ErrorSummaryMixin, forms.Form):
        name = forms.CharField()

    assert Plain(data={"name": "Anna"}).error_links() == []


class TypedForm(ShowableTextMixin, forms.Form):
    note = forms.CharField(required=False)
    colour = forms.ChoiceField(choices=[("red", "Red")], required=False)


def test_a_control_character_is_refused_at_its_field_naming_the_line():
    form = TypedForm({"note": "first line\nsecond \x1b[2J line"})
    assert not form.is_valid()
    assert form.errors["note"] == ["Line 2 holds an invisible control character (U+001B): remove it."]


def test_line_breaks_tabs_and_right_to_left_text_are_kept():
    form = TypedForm({"note": "a\r\n\tافتح \u202eb", "colour": "red"})
    assert form.is_valid(), form.errors
