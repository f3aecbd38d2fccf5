"""Every shipped UI catalogue, in whichever language, is complete, compiled and keeps its placeholders.

German has its own, older module (test_translations.py) with page checks; this one reads every
`locale/<language>/LC_MESSAGES/django.po`, so a catalogue added for a new language is checked the
day it lands, before the language is switched on in settings.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.translations import Entry, compiled_mismatches, parse_po

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(path.parent.parent.name for path in LOCALE.glob("*/LC_MESSAGES/django.po"))

# What the code fills in or the browser reads: printf and format fields, template variables, the
# HTML the messages carry, entities. Tags by name, so words in angle brackets ("<Jinja2 expression>",
# translated in the admin's help) are not mistaken for markup.
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|</?(?:a|span|strong|em|code|br|bdi)\b[^>]*>|&[a-z]+;")


def _entries(language: str) -> list[Entry]:
    return [entry for entry in parse_po(LOCALE / language / "LC_MESSAGES" / "django.po") if entry.msgid]


def _plural_count(language: str) -> int:
    header = next(e for e in parse_po(LOCALE / language / "LC_MESSAGES" / "django.po") if not e.msgid)
    found = re.search(r"nplurals=(\d+)", header.msgstr[0])
    assert found, f"{language}: no Plural-Forms header"
    return int(found.group(1))


def test_the_catalogues_are_found():
    assert {"de", "fr", "es", "it", "nl", "pl", "pt", "sv"} <= set(CATALOGUES)


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    entries = _entries(language)
    assert len(entries) > 500, "the parser read almost nothing"
    untranslated = [str(entry) for entry in entries if not entry.translated]
    fuzzy = [str(entry) for entry in entries if entry.fuzzy]
    assert not untranslated, f"Untranslated {language} entries:\n" + "\n".join(untranslated)
    assert not fuzzy, f"Fuzzy {language} entries:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_plural_has_each_form_of_the_language(language):
    forms = list(range(_plural_count(language)))
    wrong = [str(entry) for entry in _entries(language) if entry.msgid_plural and sorted(entry.msgstr) != forms]
    assert not wrong


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_translation_keeps_every_placeholder(language):
    changed = []
    for entry in _entries(language):
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for form in entry.msgstr.values():
            found = sorted(PLACEHOLDER.findall(form))
            # A singular form may say "one" in words instead of %(count)d (Polish, French do).
            if found != wanted and not (entry.msgid_plural and set(found) <= set(wanted)):
                changed.append(f"{entry}: {wanted} != {found}")
    assert not changed, f"{language}: placeholders changed:\n" + "\n".join(changed)


@pytest.mark.parametrize("language", CATALOGUES)
def test_the_compiled_catalogue_matches_the_po(language):
    stale = compiled_mismatches(_entries(language), LOCALE / language / "LC_MESSAGES" / "django.mo")
    assert not stale, f"django.mo is out of date; run `manage.py compilemessages -l {language}`:\n" + "\n".join(
        stale[:20]
    )
