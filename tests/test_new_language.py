"""A new language is a settings entry, content rows and a .po file: no migration (issue #13).

Danish is not a language of the site; under a settings override that adds it, its text rows and a
submission in it validate and save, and makemigrations finds nothing to write. Without the
override the same rows are refused, so the override is what makes them valid.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from requests_app.models import ActionText, LetterTemplate, StepText, Submission
from tests.factories.guide import make_action, make_letter
from tests.factories.tracking import make_guide, make_person, track

pytestmark = pytest.mark.django_db

WITH_DANISH = [*settings.LANGUAGES, ("da", "Danish")]


def test_without_the_settings_entry_danish_is_refused():
    action = make_action("danish-action")
    with pytest.raises(ValidationError) as refused:
        ActionText(action=action, language="da", title="Gør indsigelse").full_clean()
    assert "language" in refused.value.message_dict
    with pytest.raises(ValidationError):
        make_letter(action, "da", subject="Indsigelse", body="Jeg gør indsigelse.").full_clean()


@override_settings(LANGUAGES=WITH_DANISH)
def test_with_it_danish_content_rows_validate_and_save():
    action = make_action("danish-action", kind="request")
    row = action.set_text("da", title="Gør indsigelse", summary="Sådan gør du.")  # full_clean() inside
    row.full_clean()
    assert ActionText.objects.get(action=action, language="da").title == "Gør indsigelse"
    assert action.text("title", "da") == "Gør indsigelse"
    step = action.steps.get()
    step.set_text("da", title="Åbn formularen", body="Log ind, og åbn formularen.").full_clean()
    assert StepText.objects.filter(step=step, language="da").exists()
    letter = make_letter(action, "da", subject="Indsigelse", body="Jeg, {{ person.name }}, gør indsigelse.")
    letter.full_clean()
    assert LetterTemplate.objects.filter(action=action, language="da").exists()


@override_settings(LANGUAGES=WITH_DANISH)
def test_with_it_a_submission_in_danish_validates():
    make_guide()
    submission = track(make_person())
    submission.language = "da"
    submission.full_clean()
    submission.save()
    assert Submission.objects.get(pk=submission.pk).language == "da"


@override_settings(LANGUAGES=WITH_DANISH)
def test_with_it_makemigrations_finds_no_changes():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:  # --check exits 1 when a migration would be written
        pytest.fail(f"adding a language needs a migration:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
