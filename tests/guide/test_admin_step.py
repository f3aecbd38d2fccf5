"""Step admin: editing with history, the stale flag and filter, and the Markdown preview."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.models import Step
from tests.factories.admin import form_data, text_key
from tests.factories.guide import make_action, make_step

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:requests_app_step_changelist")


def _change_url(step: Step) -> str:
    return reverse("admin:requests_app_step_change", args=[step.pk])


def test_an_editor_edits_a_step_and_the_history_names_them(editor_client):
    step = make_step(make_action("object-instagram", steps=0), slug="open-form", title_en="Open the form")
    data = form_data(editor_client.get(_change_url(step)))
    data[text_key(data, "title", "en")] = "Open the objection form"

    response = editor_client.post(_change_url(step), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Step.objects.get(pk=step.pk).text("title", "en") == "Open the objection form"
    text = step.texts.get(language="en")
    history = editor_client.get(reverse("admin:requests_app_steptext_history", args=[text.pk])).content.decode()
    assert "editor" in history
    assert "Open the objection form" in history
    assert text.history.first().history_user.username == "editor"


def test_it_refuses_a_step_without_a_title_and_keeps_the_stored_one(editor_client):
    step = make_step(make_action(steps=0), title_en="Open the form")
    data = form_data(editor_client.get(_change_url(step)))
    data[text_key(data, "title", "en")] = ""

    response = editor_client.post(_change_url(step), data)

    assert response.status_code == 200
    (texts,) = (i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "texts")
    assert any("title" in errors for errors in texts.errors)
    assert Step.objects.get(pk=step.pk).text("title", "en") == "Open the form"


def test_the_list_flags_stale_steps(editor_client):
    action = make_action(steps=0)
    today = timezone.localdate()
    make_step(action, title_en="Fresh step", last_verified_on=today - datetime.timedelta(days=10))
    make_step(action, title_en="Old step", last_verified_on=today - datetime.timedelta(days=181))
    make_step(action, title_en="Never verified", last_verified_on=None)

    response = editor_client.get(CHANGELIST)

    rows = {str(row): row.is_stale for row in response.context["cl"].result_list}
    assert rows == {"Fresh step": False, "Old step": True, "Never verified": True}
    assert "Stale (over 180 days)" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "titles"),
    [("yes", {"Old step", "Never verified"}), ("no", {"Fresh step", "Verified 180 days ago"})],
)
def test_the_stale_filter_selects_steps_by_age(editor_client, value, titles):
    action = make_action(steps=0)
    today = timezone.localdate()
    make_step(action, title_en="Fresh step", last_verified_on=today)
    make_step(action, title_en="Verified 180 days ago", last_verified_on=today - datetime.timedelta(days=180))
    make_step(action, title_en="Old step", last_verified_on=today - datetime.timedelta(days=181))
    make_step(action, title_en="Never verified", last_verified_on=None)

    response = editor_client.get(CHANGELIST, {"stale": value})

    assert {str(step) for step in response.context["cl"].result_list} == titles


def test_the_step_list_takes_a_constant_number_of_queries(editor_client):
    """Steps are listed with their actions in one query, however many there are."""
    make_action(steps=2)
    editor_client.get(CHANGELIST)  # The first request also records the user's session.
    with CaptureQueriesContext(connection) as few:
        editor_client.get(CHANGELIST)
    for number in range(20):
        make_step(make_action(steps=0), title_en=f"Step {number}")

    with CaptureQueriesContext(connection) as many:
        response = editor_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 22
    assert len(many) == len(few)


def test_the_change_form_previews_markdown_safely(editor_client):
    step = make_step(
        make_action(steps=0),
        body_en="Open **Settings** and [the form](https://help.instagram.com/contact/767264225370182).\n\n"
        "<script>alert(1)</script> ![pixel](https://tracker.example/p.gif)",
        body_de="Öffne die *Einstellungen*.",
    )

    html = editor_client.get(_change_url(step)).content.decode()

    assert "Open <strong>Settings</strong>" in html
    assert '<a href="https://help.instagram.com/contact/767264225370182" rel="noopener noreferrer">' in html
    assert "Öffne die <em>Einstellungen</em>." in html
    assert "<script>alert(1)</script>" not in html
    assert 'tracker.example/p.gif"' not in html


def test_the_action_page_lists_its_steps_in_order(editor_client):
    action = make_action("object-facebook", steps=0)
    make_step(action, title_en="Second", order=2)
    make_step(action, title_en="First", order=1)

    response = editor_client.get(reverse("admin:requests_app_action_change", args=[action.pk]))

    formset = next(
        inline.formset for inline in response.context["inline_admin_formsets"] if inline.formset.prefix == "steps"
    )
    assert [str(form.instance) for form in formset.forms] == ["First", "Second"]


def test_the_action_page_reorders_steps(editor_client):
    action = make_action("object-facebook", steps=2)
    url = reverse("admin:requests_app_action_change", args=[action.pk])
    data = form_data(editor_client.get(url))
    data["steps-0-order"], data["steps-1-order"] = "2", "1"

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert list(action.steps.order_by("order").values_list("slug", flat=True)) == [
        "object-facebook-2",
        "object-facebook-1",
    ]


@pytest.mark.parametrize("field", ["title", "body", "caveat"])
def test_it_refuses_text_the_site_cannot_show_at_its_field(editor_client, field):
    step = make_step(make_action("object-instagram", steps=0), slug="open-form", title_en="Open the form")
    stored = step.text(field, "en")
    data = form_data(editor_client.get(_change_url(step)))
    data[text_key(data, field, "en")] = "Open the form\n\u202e and \x1b[2J then"

    response = editor_client.post(_change_url(step), data)

    assert response.status_code == 200
    (texts,) = (i.formset for i in response.context["inline_admin_formsets"] if i.formset.prefix == "texts")
    (errors,) = [form.errors for form in texts.forms if form.errors]
    assert list(errors) == [field]
    assert "line 2: the control character U+001B" in errors[field][0]
    assert Step.objects.get(pk=step.pk).text(field, "en") == stored


def test_it_keeps_line_breaks_tabs_and_right_to_left_text(editor_client):
    """The negative: only unprintable control characters are refused, not text in any script."""
    step = make_step(make_action("object-instagram", steps=0), slug="open-form", title_en="Open the form")
    data = form_data(editor_client.get(_change_url(step)))
    data[text_key(data, "body", "en")] = "Open the form:\r\n\tافتح النموذج \u202bthen\u202c continue"

    response = editor_client.post(_change_url(step), data)

    assert response.status_code == 302
    assert "افتح" in Step.objects.get(pk=step.pk).text("body", "en")
