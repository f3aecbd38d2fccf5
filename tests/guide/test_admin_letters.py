"""Letter templates and form fields in admin: validated on save, previewed with sample data."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from requests_app.models import LetterTemplate
from tests.factories.admin import form_data
from tests.factories.guide import FORM_FIELDS, OBJECTION_BODY_EN, OBJECTION_SUBJECT_EN, make_action, make_letter

pytestmark = pytest.mark.django_db


def _change_url(letter: LetterTemplate) -> str:
    return reverse("admin:requests_app_lettertemplate_change", args=[letter.pk])


@pytest.fixture
def letter():
    return make_letter(make_action("object-instagram", kind="request", steps=0), "en")


def test_an_editor_saves_a_valid_letter(editor_client, letter):
    data = form_data(editor_client.get(_change_url(letter)))
    data["body"] = "Dear {{ controller.name }},\n\nI object.\n{{ person.name }}\n"

    response = editor_client.post(_change_url(letter), data)

    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.body == "Dear {{ controller.name }},\n\nI object.\n{{ person.name }}\n"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "Dear {{ person.name }},\n\n{{ person.nmae }}\n", "Line 3: unknown variable &#x27;person.nmae&#x27;"),
        ("body", "{% if person.name %}\nno end", "Line 1: syntax error: Unexpected end of template."),
        ("body", "{{ person.__class__.__mro__ }}", "Line 1: not allowed in letters: access to &#x27;__class__&#x27;"),
        ("body", "{{ 'x' * 10**8 }}", "Line 1: the text would be longer than 50,000 characters"),
        ("subject", "Objection {{ platfrom.name }}", "Line 1: unknown variable &#x27;platfrom&#x27;"),
        # Text a response cannot encode (issue #16: this one answered 500 on /plan/ for everyone).
        ("body", '{{ "\\ud800" }}', "Line 1: the letter would contain a lone surrogate (U+D800)"),
        ("subject", 'Objection {{ "\\x00" }}', "Line 1: the letter would contain the control character U+0000"),
        ("body", "Dear you,\n\x1b[2J{{ person.name }}", "line 2: the control character U+001B"),
    ],
)
def test_it_refuses_an_invalid_letter_at_the_field_and_keeps_the_stored_one(
    editor_client, letter, field, value, message
):
    stored = (letter.subject, letter.body)
    data = form_data(editor_client.get(_change_url(letter)))
    data[field] = value

    response = editor_client.post(_change_url(letter), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert message.replace("&#x27;", "'") in errors[field][0]
    assert message in response.content.decode()
    letter.refresh_from_db()
    assert (letter.subject, letter.body) == stored
    assert letter.history.count() == 1


def test_it_refuses_a_template_that_fails_only_without_an_explanation(editor_client, letter):
    data = form_data(editor_client.get(_change_url(letter)))
    data["body"] = "{% if not person.explanation %}{{ person.reason }}{% endif %}"

    response = editor_client.post(_change_url(letter), data)

    assert response.status_code == 200
    assert "unknown variable 'person.reason'" in response.context["adminform"].form.errors["body"][0]


def test_it_previews_the_letter_with_sample_data(editor_client):
    letter = make_letter(
        make_action(kind="request", steps=0),
        "de",
        subject="Widerspruch: {{ platform.name }}",
        body="Land: {{ person.country }}",
    )

    html = editor_client.get(_change_url(letter)).content.decode()

    assert "Widerspruch: Instagram" in html
    assert "Land: Deutschland" in html
    assert "{{ person.explanation }}" in html  # the variables list


def test_the_preview_escapes_what_the_letter_renders(editor_client):
    letter = make_letter(make_action(kind="request", steps=0), "en", body="{{ '<script>alert(1)</script>' }}")

    html = editor_client.get(_change_url(letter)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_editor_adds_a_letter_on_the_action_page(editor_client):
    action = make_action("object-facebook", kind="request", steps=0)
    url = reverse("admin:requests_app_action_change", args=[action.pk])
    data = form_data(editor_client.get(url))
    data.update(
        {
            "letter_templates-TOTAL_FORMS": "1",
            "letter_templates-0-language": "en",
            "letter_templates-0-subject": OBJECTION_SUBJECT_EN,
            "letter_templates-0-body": OBJECTION_BODY_EN,
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert action.letter_templates.get().subject == OBJECTION_SUBJECT_EN


def test_the_action_page_refuses_an_invalid_inline_letter(editor_client):
    action = make_action("object-facebook", kind="request", steps=0)
    url = reverse("admin:requests_app_action_change", args=[action.pk])
    data = form_data(editor_client.get(url))
    data.update(
        {
            "letter_templates-TOTAL_FORMS": "1",
            "letter_templates-0-language": "en",
            "letter_templates-0-subject": "Objection",
            "letter_templates-0-body": "Hello\n{{ person.nmae }}",
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Line 2: unknown variable &#x27;person.nmae&#x27;" in response.content.decode()
    assert not action.letter_templates.exists()


def test_an_editor_saves_valid_form_fields(editor_client):
    action = make_action("object-instagram", kind="request", steps=0)
    url = reverse("admin:requests_app_action_change", args=[action.pk])
    data = form_data(editor_client.get(url))
    data["form_fields"] = json.dumps(FORM_FIELDS)

    response = editor_client.post(url, data)

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.form_fields == FORM_FIELDS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            '[{"label_en": "Country", "value": "{{ person.contry }}"}]',
            "Form field 1 (Country): Line 1: unknown variable",
        ),
        ('{"label_en": "Country"}', "must be a list"),
        ('[{"label_en": "Country", "value": "{{ x.__class__ }}"}]', "not allowed in letters"),
        ('[{"label_en": "Country", "value": "{{ \'\\\\ud800\' }}"}]', "a lone surrogate (U+D800)"),
        (
            '[{"label_en": "Coun\\ud800try", "value": "x"}]',
            "label_en cannot be shown, line 1: a lone surrogate (U+D800)",
        ),
        (
            '[{"label_en": "Coun\\u0007try", "value": "x"}]',
            "label_en cannot be shown, line 1: the control character U+0007",
        ),
    ],
)
def test_it_refuses_invalid_form_fields_and_keeps_the_stored_ones(editor_client, value, message):
    action = make_action("object-instagram", kind="request", steps=0, form_fields=FORM_FIELDS)
    url = reverse("admin:requests_app_action_change", args=[action.pk])
    data = form_data(editor_client.get(url))
    data["form_fields"] = value

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["form_fields"][0]
    action.refresh_from_db()
    assert action.form_fields == FORM_FIELDS


def test_the_action_page_previews_form_fields_in_each_language(editor_client):
    action = make_action("object-instagram", kind="request", steps=0, form_fields=FORM_FIELDS)

    html = editor_client.get(reverse("admin:requests_app_action_change", args=[action.pk])).content.decode()

    assert "<tr><th>Country of residence</th><td>Germany</td></tr>" in html
    assert "<tr><th>Wohnsitzland</th><td>Deutschland</td></tr>" in html
