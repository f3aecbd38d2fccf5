"""The German catalogue is complete, compiled, and used by the pages.

The .po is read with a small parser (no polib); the committed .mo is read with the standard
library's `gettext`, so the suite needs no gettext tools. After `makemessages`, translate
every new or fuzzy entry and run `compilemessages -l de`, or these tests fail.
"""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def __str__(self) -> str:
        return f"django.po:{self.line}: {self.msgid[:70]!r}"


def _unquote(text: str) -> str:
    # A PO string is a C string in double quotes; Python's literal syntax reads it the same way.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete `#~` entries are left out), header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if current is not None and current.msgid and target and target[0] == "msgstr":
                finish()
            if line.startswith("#,"):
                current = current or Entry(line=number)
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise AssertionError(f"django.po:{number}: continuation without a keyword")
            kind, index = target
            if kind == "msgstr":
                current.msgstr[index or 0] += _unquote(line)
            else:
                setattr(current, kind, (getattr(current, kind) or "") + _unquote(line))
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and current is not None and target and target[0] == "msgstr":
            finish()
        current = current or Entry(line=number)
        if keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr[") : -1])
            current.msgstr[index] = _unquote(value)
            target = ("msgstr", index)
        elif keyword == "msgstr":
            current.msgstr[0] = _unquote(value)
            target = ("msgstr", 0)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(value))
            target = (keyword, None)
        else:
            raise AssertionError(f"django.po:{number}: unexpected line {raw!r}")
    finish()
    return entries


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


def compiled_mismatches(entries: list[Entry], mo_path: Path) -> list[str]:
    """Keys whose compiled text in `mo_path` is missing, extra or different from the .po `entries`."""
    with mo_path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in entries:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is not None:
            expected.update({(key, index): text for index, text in entry.msgstr.items()})
        else:
            expected[key] = entry.msgstr[0]
    compiled = {key: text for key, text in catalog.items() if key != ""}
    stale = {str(key) for key in expected.keys() ^ compiled.keys()}
    differs = {str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key]}
    return sorted(stale | differs)


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
