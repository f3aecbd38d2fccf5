"""A letter whose translation no person has reviewed carries a short note beside it, on the plan
page and in the plan PDF; a reviewed translation, or an English letter (the source), carries none."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from requests_app.models import LetterTemplate
from tests.factories.accounts import make_user
from tests.factories.guide import make_answers, make_meta_guide, store_answers
from tests.factories.pdf import pdf_text

pytestmark = pytest.mark.django_db

NOTE_EN = "This translation of the letter has not been reviewed by a person yet."
NOTE_DE = "Diese Übersetzung des Briefs hat noch kein Mensch geprüft."
GERMAN = {"accept-language": "de"}


@pytest.fixture(autouse=True)
def guide():
    return make_meta_guide()


def review(slug: str, language: str = "de") -> None:
    letter = LetterTemplate.objects.get(action__slug=slug, language=language)
    letter.reviewed_by, letter.reviewed_at = make_user(f"editor-{slug}@example.org"), timezone.now()
    letter.save()  # a history row: the guide snapshot sees the change


def _item(page: str, anchor_start: str) -> str:
    """The plan page's article for the item whose anchor starts with `anchor_start`."""
    return re.search(rf'<article class="plan-item" id="item-{anchor_start}[^"]*".*?</article>', page, re.S).group(0)


def test_an_unreviewed_german_letter_has_the_note_beside_it(client):
    store_answers(client, make_answers())
    page = client.get("/plan/", headers=GERMAN).content.decode()
    # Facebook and two Instagram accounts: German letters, none reviewed. The third-party request has
    # no German letter: it is in English, the source, and needs no note.
    assert page.count(NOTE_DE) == 3
    facebook = _item(page, "object-ai-facebook")
    assert facebook.index(NOTE_DE) < facebook.index('lang="de" id="item-object-ai-facebook')
    assert NOTE_DE not in _item(page, "third-party-ai-request")


def test_a_reviewed_letter_has_none(client):
    review("object-ai-facebook")
    store_answers(client, make_answers())
    page = client.get("/plan/", headers=GERMAN).content.decode()
    assert NOTE_DE not in _item(page, "object-ai-facebook")
    assert NOTE_DE in _item(page, "object-ai-instagram")
    assert page.count(NOTE_DE) == 2


def test_english_letters_have_none(client):
    store_answers(client, make_answers())
    page = client.get("/plan/").content.decode()
    assert "Your letter" in page or "The same request as a letter" in page
    assert NOTE_EN not in page


def test_the_note_follows_the_letters_language_not_the_pages(client):
    # Reading in English, filing in German: the German letters are unreviewed, the note is in English.
    store_answers(client, make_answers(letter_language="de"))
    page = client.get("/plan/").content.decode()
    assert page.count(NOTE_EN) == 3


def test_the_plan_pdf_has_the_note_while_unreviewed(client, tmp_path):
    store_answers(client, make_answers())
    text = " ".join(pdf_text(client.get("/plan.pdf", headers=GERMAN).content, tmp_path).split())
    assert text.count(NOTE_DE) == 3


def test_the_plan_pdf_has_none_once_reviewed(client, tmp_path):
    for slug in ("object-ai-facebook", "object-ai-instagram"):
        review(slug)
    store_answers(client, make_answers())
    text = " ".join(pdf_text(client.get("/plan.pdf", headers=GERMAN).content, tmp_path).split())
    assert "Widerspruch nach Art. 21 Abs. 1" in text
    assert NOTE_DE not in text
