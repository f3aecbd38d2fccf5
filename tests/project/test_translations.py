"""The German catalogue is complete, compiled, and used by the pages.

The .po is read with a small parser (no polib); the committed .mo is read with the standard
library's `gettext`, so the suite needs no gettext tools. After `makemessages`, translate
every new or fuzzy entry and run `compilemessages -l de`, or these tests fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories.translations import Entry, compiled_mismatches, parse_po

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [entry for entry in parse_po(PO_PATH) if entry.msgid]


def test_the_parser_reads_plurals_and_continuations(tmp_path):
    """The small parser must understand what msgmerge writes, or the checks below prove nothing."""
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Long %(x)s "\n"text"\nmsgstr "Langer %(x)s Text"\n\n'
        '#: a.py:2\n#, python-format\nmsgid "%(n)d day"\nmsgid_plural "%(n)d days"\n'
        'msgstr[0] "%(n)d Tag"\nmsgstr[1] ""\n\n'
        'msgctxt "button"\nmsgid "Say \\"hi\\""\nmsgstr "Sag \\"hallo\\""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Weg"\n',
        encoding="utf-8",
    )
    header, fuzzy, plural, context = parse_po(po)
    assert header.msgid == ""
    assert header.msgstr == {0: "Language: de\n"}
    assert fuzzy.msgid == "Long %(x)s text"
    assert fuzzy.fuzzy
    assert fuzzy.translated
    assert plural.msgid_plural == "%(n)d days"
    assert not plural.translated
    assert not plural.fuzzy
    assert context.msgctxt == "button"
    assert context.msgstr == {0: 'Sag "hallo"'}


def test_the_catalogue_has_hundreds_of_entries(entries):
    """A guard against the parser silently reading nothing."""
    assert len(entries) > 500


def test_every_entry_is_translated(entries):
    untranslated = [str(entry) for entry in entries if not entry.translated]
    assert not untranslated, "Untranslated German entries:\n" + "\n".join(untranslated)


def test_no_entry_is_fuzzy(entries):
    fuzzy = [str(entry) for entry in entries if entry.fuzzy]
    assert not fuzzy, "Fuzzy German entries (check them, then remove the flag):\n" + "\n".join(fuzzy)


def test_every_plural_has_both_german_forms(entries):
    incomplete = [str(entry) for entry in entries if entry.msgid_plural and sorted(entry.msgstr) != [0, 1]]
    assert not incomplete


def test_the_compiled_catalogue_matches_the_po(entries):
    """django.mo is committed; it must be compiled from the current django.po."""
    stale = compiled_mismatches(entries, MO_PATH)
    assert not stale, "django.mo is out of date; run `manage.py compilemessages -l de`:\n" + "\n".join(stale[:20])


@pytest.mark.parametrize(
    ("english", "german"),
    [
        ("Your requests", "Ihre Anträge"),
        ("Check an evidence record", "Einen Nachweis prüfen"),
        ("Add the due date to your calendar", "Fristende in Ihren Kalender eintragen"),
        ("Page not found", "Seite nicht gefunden"),
        ("e.g. GDPR Art. 21(1)", "z. B. Art. 21 Abs. 1 DSGVO"),
    ],
)
def test_django_loads_the_german_catalogue(english, german):
    with translation.override("de"):
        assert translation.gettext(english) == german


def test_german_plurals_follow_the_count():
    with translation.override("de"):
        one = translation.ngettext("Due in %(days)d day (%(date)s)", "Due in %(days)d days (%(date)s)", 1)
        many = translation.ngettext("Due in %(days)d day (%(date)s)", "Due in %(days)d days (%(date)s)", 3)
    assert one % {"days": 1, "date": "x"} == "Fällig in 1 Tag (x)"
    assert many % {"days": 3, "date": "x"} == "Fällig in 3 Tagen (x)"


GERMAN_PAGES = [
    ("/", ["Jetzt starten", "Zum Hauptinhalt springen", "Ihr Plan"], ["Start now", "Skip to main content"]),
    ("/start/", ["Wo wohnen Sie?", "Weiter"], ["Where do you live?", "Continue</button>"]),
    ("/accounts/login/", ["Anmeld", "E-Mail-Adresse", "Passwort"], ["Sign In", "Forgot", "Skip to main content"]),
    (
        "/verify/",
        ["Einen Nachweis prüfen", "So funktioniert die Prüfung"],
        ["Check an evidence record", "How the check works", "Nothing you upload"],
    ),
    ("/no-such-page/", ["Seite nicht gefunden", "Zur Startseite"], ["Page not found", "Go to the start page"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "german", "english"), GERMAN_PAGES, ids=[page[0] for page in GERMAN_PAGES])
def test_pages_render_in_german(client, path, german, english):
    response = client.get(path, headers={"accept-language": "de"}, follow=True)
    assert response.status_code in (200, 404)
    body = response.content.decode()
    assert '<html lang="de"' in body
    for phrase in german:
        assert phrase in body, f"{path}: missing German {phrase!r}"
    for phrase in english:
        assert phrase not in body, f"{path}: English {phrase!r} on the German page"


@pytest.mark.django_db
def test_the_same_page_stays_english_without_a_german_preference(client):
    body = client.get("/verify/", headers={"accept-language": "en"}).content.decode()
    assert "Check an evidence record" in body
    assert "Einen Nachweis prüfen" not in body
