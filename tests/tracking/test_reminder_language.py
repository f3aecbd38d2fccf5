"""A reminder email is in one language: the request's when reminders are written in it (all nine),
else all English (subject, body and dates), never English sentences around a foreign date."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings

from requests_app.models import Reminder, ReminderKind
from requests_app.tracking import reminders
from tests.factories.languages import NINE
from tests.factories.tracking import SUBMISSION_NOW, make_submission

pytestmark = pytest.mark.django_db

# Danish: a language a deployment might switch on before writing its reminder templates.
WITH_DANISH = [*NINE, ("da", "Danish")]
ENGLISH_SUBJECT = (
    "[Opt-Out Guide] Your request to Meta Platforms Ireland Limited (Instagram) is due an answer on 28 February 2025"
)
# The due date, 28 February 2025, as each language's own format_date writes it: none may appear.
FOREIGN_DATES = ["28. februar", "28. Februar", "février", "febrero", "febbraio", "februari", "lutego", "fevereiro"]
# "Hello," and the due date as each language writes them.
GREETING_AND_DATE = {
    "fr": ("Bonjour,", "28 février 2025"),
    "es": ("Hola:", "28 de febrero de 2025"),
    "it": ("Buongiorno,", "28 febbraio 2025"),
    "nl": ("Goedendag,", "28 februari 2025"),
    "pl": ("Dzień dobry,", "28 lutego 2025"),
    "pt": ("Olá,", "28 de fevereiro de 2025"),
    "sv": ("Hej,", "28 februari 2025"),
}


def _message(language: str, kind: ReminderKind = ReminderKind.WEEK_BEFORE):
    submission = make_submission(due_in=7, language=language)
    reminder = Reminder.objects.create(submission=submission, kind=kind, due_on=submission.due_on)
    return reminders.reminder_message(reminder)


@override_settings(LANGUAGES=WITH_DANISH)
@pytest.mark.parametrize("kind", list(ReminderKind))
def test_without_templates_in_its_language_the_whole_email_is_english(kind):
    english = _message("en", kind)
    message = _message("da", kind)
    assert message.subject == english.subject
    assert _without_link(message.body) == _without_link(english.body)
    for word in FOREIGN_DATES:
        assert word not in message.subject + message.body


def _without_link(body: str) -> str:
    """The body with the request's own link (its id differs) taken out."""
    return re.sub(r"/requests/[0-9a-f-]+/", "/requests/<id>/", body)


@override_settings(LANGUAGES=NINE)
@pytest.mark.parametrize("language", sorted(GREETING_AND_DATE))
@pytest.mark.parametrize("kind", list(ReminderKind))
def test_with_templates_the_whole_email_is_in_the_requests_language(language, kind):
    message = _message(language, kind)
    greeting, date = GREETING_AND_DATE[language]
    assert message.body.startswith(greeting)
    assert date in message.subject
    assert date in message.body
    assert "February" not in message.subject + message.body
    assert "Hello," not in message.body


@override_settings(LANGUAGES=WITH_DANISH)
def test_a_danish_request_gets_the_english_subject_and_date_through_the_command():
    make_submission(due_in=7, language="da")
    reminders.enqueue_due_reminders(SUBMISSION_NOW)
    [email] = mail.outbox
    assert email.subject == ENGLISH_SUBJECT
    assert "in a week" in email.body
    assert "Hello," in email.body


@pytest.mark.parametrize("kind", list(ReminderKind))
def test_in_german_everything_is_german_and_formal(kind):
    message = _message("de", kind)
    text = message.subject + message.body
    assert "28. Februar 2025" in text
    assert "February" not in text
    assert "Guten Tag," in message.body
    assert "Ihre Anfrage" in text
    for informal in (" du ", " dich ", " dir ", "deine", "Deine", "trag "):
        assert informal not in text


@pytest.mark.parametrize("language", ["xx", "", "../de", "de-at"])
def test_an_unknown_or_odd_language_is_english_or_its_base(language):
    message = _message(language)
    if language == "de-at":
        assert "28. Februar 2025" in message.subject
    else:
        assert message.subject == ENGLISH_SUBJECT


def test_email_language():
    assert reminders.email_language("de") == "de"
    assert reminders.email_language("fr") == "fr"
    assert reminders.email_language("da") == "en"
    assert reminders.email_language("en") == "en"
