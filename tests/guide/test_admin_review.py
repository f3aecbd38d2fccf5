"""Translation review in admin: what is unreviewed per language (filters), and the "Mark reviewed"
action, which records who and when. Editors can; staff outside the group and site users cannot;
no review page shows a site user's data."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.models import LetterTemplate, Step, StepText
from tests.factories.accounts import make_user
from tests.factories.admin import form_data, make_editor
from tests.factories.guide import make_action, make_letter, make_step

pytestmark = pytest.mark.django_db

STEPS = reverse("admin:requests_app_step_changelist")
STEP_TEXTS = reverse("admin:requests_app_steptext_changelist")
LETTERS = reverse("admin:requests_app_lettertemplate_changelist")
PERSON = "person.with.requests@example.org"


@pytest.fixture
def content():
    action = make_action("object-ai-facebook", kind="request", steps=0)
    done = make_step(action, slug="reviewed-step", title_en="Open the form", title_de="Öffnen Sie das Formular")
    todo = make_step(action, slug="unreviewed-step", title_en="Fill it in", title_de="Füllen Sie es aus")
    make_step(action, slug="untranslated-step", title_en="Send it")
    reviewer = make_editor("first-reviewer")
    row = done.texts.get(language="de")
    row.reviewed_by, row.reviewed_at = reviewer, timezone.now()
    row.save()
    english = make_letter(action, "en", subject="Objection", body="I object.")
    german = make_letter(action, "de", subject="Widerspruch", body="Ich widerspreche.")
    make_user(PERSON)  # a site user: never shown to editors
    return {"done": done, "todo": todo, "english": english, "german": german}


def _slugs_listed(page: str, slugs: list[str]) -> list[str]:
    return [slug for slug in slugs if slug in page]


def test_the_step_list_filters_what_is_unreviewed_in_german(editor_client, content):
    page = editor_client.get(STEPS).content.decode()
    assert "Unreviewed in German" in page
    page = editor_client.get(STEPS, {"unreviewed": "de"}).content.decode()
    # Missing rows count as unreviewed; the reviewed one is not listed.
    assert "Fill it in" in page
    assert "Send it" in page
    assert "Open the form" not in page


def test_an_unknown_language_in_the_filter_lists_everything(editor_client, content):
    response = editor_client.get(STEPS, {"unreviewed": "xx"})
    assert response.status_code == 200


def test_the_text_rows_list_filters_unreviewed_translations_by_language(editor_client, content):
    page = editor_client.get(STEP_TEXTS, {"review": "unreviewed", "language__exact": "de"}).content.decode()
    rows = StepText.objects.filter(language="de")
    unreviewed = rows.get(step=content["todo"])
    reviewed = rows.get(step=content["done"])
    assert reverse("admin:requests_app_steptext_change", args=[unreviewed.pk]) in page
    assert reverse("admin:requests_app_steptext_change", args=[reviewed.pk]) not in page
    english = StepText.objects.get(step=content["todo"], language="en")
    assert reverse("admin:requests_app_steptext_change", args=[english.pk]) not in page


def test_the_letter_list_filters_unreviewed_translations(editor_client, content):
    page = editor_client.get(LETTERS, {"review": "unreviewed"}).content.decode()
    assert reverse("admin:requests_app_lettertemplate_change", args=[content["german"].pk]) in page
    assert reverse("admin:requests_app_lettertemplate_change", args=[content["english"].pk]) not in page


def test_an_editor_marks_text_rows_reviewed_recording_who_and_when(editor_client, content):
    rows = list(StepText.objects.filter(step=content["todo"]))  # English and German
    response = editor_client.post(
        STEP_TEXTS, {"action": "mark_reviewed", "_selected_action": [row.pk for row in rows]}, follow=True
    )
    assert response.status_code == 200
    assert "1 translation(s) marked reviewed." in response.content.decode()
    german = StepText.objects.get(step=content["todo"], language="de")
    assert german.reviewed_by.username == "editor"
    assert german.reviewed_at is not None
    assert german.history.first().history_user.username == "editor"
    # English is the source: nothing to review, left as it was.
    assert StepText.objects.get(step=content["todo"], language="en").reviewed_at is None
    assert "Fill it in" not in editor_client.get(STEPS, {"unreviewed": "de"}).content.decode()


def test_an_editor_marks_a_letter_reviewed(editor_client, content):
    editor_client.post(LETTERS, {"action": "mark_reviewed", "_selected_action": [content["german"].pk]})
    letter = LetterTemplate.objects.get(pk=content["german"].pk)
    assert letter.reviewed_by.username == "editor"
    assert letter.reviewed_at is not None
    assert letter.is_reviewed


def test_staff_outside_the_group_cannot_mark_reviewed(client, content):
    outsider = make_editor("outsider")
    outsider.groups.clear()
    client.force_login(outsider)
    german = StepText.objects.get(step=content["todo"], language="de")
    response = client.post(STEP_TEXTS, {"action": "mark_reviewed", "_selected_action": [german.pk]})
    assert response.status_code == 403
    response = client.post(LETTERS, {"action": "mark_reviewed", "_selected_action": [content["german"].pk]})
    assert response.status_code == 403
    assert StepText.objects.get(pk=german.pk).reviewed_at is None
    assert LetterTemplate.objects.get(pk=content["german"].pk).reviewed_at is None


def test_a_site_user_cannot_mark_reviewed(client, content):
    client.force_login(make_user("someone@example.org"))
    german = StepText.objects.get(step=content["todo"], language="de")
    response = client.post(STEP_TEXTS, {"action": "mark_reviewed", "_selected_action": [german.pk]})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert StepText.objects.get(pk=german.pk).reviewed_at is None


def test_no_review_page_shows_a_site_users_data(editor_client, content):
    german = StepText.objects.get(step=content["todo"], language="de")
    pages = [
        editor_client.get(STEPS, {"unreviewed": "de"}),
        editor_client.get(STEP_TEXTS, {"review": "unreviewed"}),
        editor_client.get(LETTERS, {"review": "unreviewed"}),
        editor_client.get(reverse("admin:requests_app_steptext_change", args=[german.pk])),
        editor_client.get(reverse("admin:requests_app_step_change", args=[content["todo"].pk])),
        editor_client.get(reverse("admin:requests_app_lettertemplate_change", args=[content["german"].pk])),
    ]
    for response in pages:
        assert response.status_code == 200
        assert PERSON not in response.content.decode()
    assert Step.objects.count() == 3


def test_editing_a_reviewed_letter_makes_it_unreviewed_again(editor_client, content):
    german = content["german"]
    editor_client.post(LETTERS, {"action": "mark_reviewed", "_selected_action": [german.pk]})
    url = reverse("admin:requests_app_lettertemplate_change", args=[german.pk])
    data = form_data(editor_client.get(url))
    data["body"] = "Ich widerspreche hiermit."
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert LetterTemplate.objects.get(pk=german.pk).reviewed_at is None


def test_saving_a_reviewed_letter_unchanged_keeps_its_review(editor_client, content):
    german = content["german"]
    editor_client.post(LETTERS, {"action": "mark_reviewed", "_selected_action": [german.pk]})
    url = reverse("admin:requests_app_lettertemplate_change", args=[german.pk])
    assert editor_client.post(url, form_data(editor_client.get(url))).status_code == 302
    assert LetterTemplate.objects.get(pk=german.pk).reviewed_by.username == "editor"
