"""Every object of the shipped guide is translated in every language the site offers its content in.

The languages checked are settings.LANGUAGES (what visitors can choose) together with
settings.CONTENT_COMPLETE_LANGUAGES (what the shipped guide declares complete). A translation is
missing when English has a text and the language's row is absent or blank in that field, when an
action has an English letter and no letter in the language, or when an official form's field has
an English label and none in the language. Each failure names the object, the field and the language.
"""

from __future__ import annotations

import pytest
from django.conf import settings

from requests_app.guide.yaml_io import load_guide
from requests_app.models import SOURCE_LANGUAGE, Action, Jurisdiction, LetterTemplate, Region, Step

pytestmark = pytest.mark.django_db

TRANSLATED = (Jurisdiction, Region, Action, Step)


def checked_languages() -> list[str]:
    enabled = [code for code, _name in settings.LANGUAGES]
    declared = [code for code in settings.CONTENT_COMPLETE_LANGUAGES if code not in enabled]
    return [code for code in enabled + declared if code != SOURCE_LANGUAGE]


def missing_translations(language: str) -> list[str]:
    """What the loaded guide lacks in `language`, one line per object and field."""
    missing = []
    for model in TRANSLATED:
        for obj in model.objects.all():
            rows = obj.text_rows()
            source = rows.get(SOURCE_LANGUAGE)
            target = rows.get(language)
            for field in model.translated_fields():
                if source is not None and getattr(source, field) and not (target and getattr(target, field)):
                    missing.append(f"{model.__name__} {obj.slug}: {field}")
    letters = set(LetterTemplate.objects.values_list("action__slug", "language"))
    for slug, code in sorted(letters):
        if code == SOURCE_LANGUAGE and (slug, language) not in letters:
            missing.append(f"LetterTemplate {slug}: no letter")
    for action in Action.objects.all():
        for number, form_field in enumerate(action.form_fields, start=1):
            if form_field.get(f"label_{SOURCE_LANGUAGE}") and not form_field.get(f"label_{language}"):
                missing.append(f"Action {action.slug}: form field {number} label")
    return missing


@pytest.mark.parametrize("language", checked_languages())
def test_the_shipped_guide_is_complete_in(language):
    load_guide()
    assert Step.objects.exists()
    missing = missing_translations(language)
    assert not missing, f"{len(missing)} texts missing in {language}:\n" + "\n".join(missing)


def test_the_check_sees_a_missing_translation():
    load_guide()
    step = Step.objects.order_by("slug").first()
    step.texts.filter(language="de").delete()
    assert any(line.startswith(f"Step {step.slug}: ") for line in missing_translations("de"))
