"""allauth's pages and emails address people formally (Sie, vous, usted, Lei, u), like the rest of the site.

allauth's own German catalogue mixes "du" and "Sie". locale_overrides/de re-translates every entry
whose German is informal; these tests find those entries in the installed allauth's catalogue, so an
allauth upgrade that adds or rewords one fails here until the override file is updated.
"""

from __future__ import annotations

import re
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from tests.factories.accounts import make_user
from tests.factories.languages import NINE, NINE_CODES, TWO
from tests.factories.translations import Entry, compiled_mismatches, parse_po

ALLAUTH_PO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
OVERRIDES_DIR = Path(settings.BASE_DIR) / "locale_overrides" / "de" / "LC_MESSAGES"

# "du" and its forms, and the informal imperatives allauth's catalogue uses without a pronoun.
INFORMAL = re.compile(r"\b(du|Du|dich|Dich|dir|Dir|dein\w*|Dein\w*|euch|euer|eure\w*)\b")
INFORMAL_IMPERATIVE = re.compile(r"\b(versuche|wähle|Gib|gib|bestätige|kontaktiere|klick|Rufe|lass|Lass)\b")


def _informal(text: str) -> bool:
    return bool(INFORMAL.search(text) or INFORMAL_IMPERATIVE.search(text))


def _key(entry: Entry) -> tuple[str | None, str, str | None]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.fixture(scope="module")
def allauth_entries() -> list[Entry]:
    return [entry for entry in parse_po(ALLAUTH_PO) if entry.msgid]


@pytest.fixture(scope="module")
def overrides() -> list[Entry]:
    return [entry for entry in parse_po(OVERRIDES_DIR / "django.po") if entry.msgid]


def _german(entry: Entry) -> list[str]:
    with translation.override("de"):
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                return [translation.gettext(entry.msgid)]
            return [translation.pgettext(entry.msgctxt, entry.msgid)]
        if entry.msgctxt is None:
            return [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
        return [translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2)]


def test_allauth_still_has_informal_entries_to_override(allauth_entries):
    """A guard: if this finds nothing, the checks below prove nothing."""
    informal = [entry for entry in allauth_entries if any(_informal(text) for text in entry.msgstr.values())]
    assert len(informal) >= 50


def test_every_informal_allauth_entry_now_says_sie(allauth_entries):
    informal = [entry for entry in allauth_entries if any(_informal(text) for text in entry.msgstr.values())]
    still_informal = [
        f"{entry.msgid[:70]!r} -> {text[:70]!r}"
        for entry in informal
        for text in _german(entry)
        if _informal(text) or text == entry.msgid
    ]
    assert not still_informal, "allauth entries still informal or English in German:\n" + "\n".join(still_informal)


def test_the_overrides_only_reword_informal_allauth_entries(allauth_entries, overrides):
    """Same msgid, msgctxt and plural as allauth's entry, and only where allauth's German is informal."""
    informal = {_key(entry) for entry in allauth_entries if any(_informal(t) for t in entry.msgstr.values())}
    unexpected = [str(entry) for entry in overrides if _key(entry) not in informal]
    assert not unexpected, "Overrides for entries allauth does not have, or has formally:\n" + "\n".join(unexpected)


def test_the_overrides_are_formal_complete_and_compiled(overrides):
    assert overrides
    assert all(entry.translated and not entry.fuzzy for entry in overrides)
    assert not [str(entry) for entry in overrides if any(_informal(text) for text in entry.msgstr.values())]
    assert "Sie" in overrides[0].msgstr[0]
    stale = compiled_mismatches(overrides, OVERRIDES_DIR / "django.mo")
    assert not stale, "locale_overrides .mo is out of date; run `manage.py compilemessages`:\n" + "\n".join(stale)


def test_a_wording_from_the_overrides_is_used():
    with translation.override("de"):
        assert translation.gettext("Are you sure you want to sign out?") == "Möchten Sie sich wirklich abmelden?"
    with translation.override("en"):
        assert translation.gettext("Are you sure you want to sign out?") == "Are you sure you want to sign out?"


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "sie"),
    [
        ("/accounts/login/", "Sie haben noch kein Konto?"),
        ("/accounts/signup/", "Sie haben schon ein Konto?"),
        ("/accounts/password/reset/", "Geben Sie unten Ihre E-Mail-Adresse ein"),
    ],
)
def test_account_pages_say_sie_in_german(client, path, sie):
    text = _visible_text(client.get(path, headers={"accept-language": "de"}).content.decode())
    assert sie in text
    assert not INFORMAL.findall(text), f"{path}: informal words {INFORMAL.findall(text)}"


@pytest.mark.django_db
def test_the_password_reset_email_says_sie_in_german(client):
    cache.clear()
    make_user()
    client.post("/accounts/password/reset/", {"email": "alice@example.org"}, headers={"accept-language": "de"})
    (message,) = mail.outbox
    assert "Sie erhalten diese E-Mail, weil Sie" in message.body
    assert "Danke, dass Sie" in message.body
    assert not INFORMAL.findall(message.subject + message.body)


@pytest.mark.django_db
def test_the_confirmation_email_says_sie_in_german(client):
    cache.clear()
    password = "a long passphrase 42x"
    client.post(
        "/accounts/signup/",
        {"email": "bob@example.org", "password1": password, "password2": password},
        headers={"accept-language": "de"},
    )
    (message,) = mail.outbox
    assert message.subject.endswith("Bitte bestätigen Sie Ihre E-Mail-Adresse")
    assert "Ihre E-Mail-Adresse" in message.body
    assert not INFORMAL.findall(message.subject + message.body)


@pytest.mark.django_db
def test_the_account_exists_email_says_sie_in_german(client):
    cache.clear()
    make_user()
    password = "a long passphrase 42x"
    client.post(
        "/accounts/signup/",
        {"email": "alice@example.org", "password1": password, "password2": password},
        headers={"accept-language": "de"},
    )
    (message,) = mail.outbox
    assert "Es gibt jedoch bereits ein Konto" in message.body
    assert not INFORMAL.findall(message.subject + message.body)


# --- every language the site is built for (settings enable them one by one) -----------------------

# The informal "you" of each language that has a formal one, as words on a page or in an email.
# Swedish addresses everyone with "du", and the Polish overrides word allauth impersonally (no
# "Pan/Pani" guessed at): both fine, so only the other languages are checked for informality.
INFORMAL_BY_LANGUAGE = {
    "de": INFORMAL,
    "fr": re.compile(r"\b(tu|toi|ton|ta|tes|te|t')\b", re.IGNORECASE),
    "es": re.compile(r"\b(tú|tu|tus|ti|contigo|te)\b", re.IGNORECASE),
    "it": re.compile(r"\b(tu|tuo|tua|tuoi|tue|ti)\b"),
    "nl": re.compile(r"\b(je|jij|jouw|jou|jullie)\b", re.IGNORECASE),
    "pt": re.compile(r"\b(tu|teu|tua|teus|tuas|te)\b", re.IGNORECASE),
    "pl": re.compile(r"\b(ty|twój|twoja|twoje|twojego|twoim|ciebie|cię|tobie)\b", re.IGNORECASE),
}
# A formal word each of those pages carries.
FORMAL_BY_LANGUAGE = {
    "de": re.compile(r"\b(Sie|Ihr|Ihre|Ihren)\b"),
    "fr": re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE),
    "es": re.compile(r"\b(usted|su|sus)\b", re.IGNORECASE),
    "it": re.compile(r"\b(Lei|Sua|Suo|Suoi|Sue)\b"),
    "nl": re.compile(r"\b(u|uw)\b"),
    "pt": re.compile(r"\b(o seu|a sua|os seus|as suas|você)\b", re.IGNORECASE),
}
# Each page and allauth's title of it.
ACCOUNT_PAGES = [
    ("/accounts/login/", "Sign In"),
    ("/accounts/signup/", "Signup"),
    ("/accounts/password/reset/", "Password Reset"),
]


def _in(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
@pytest.mark.parametrize("language", [code for code in NINE_CODES if code != "en"])
@pytest.mark.parametrize(("path", "title"), ACCOUNT_PAGES)
def test_account_pages_in_every_language_are_translated_and_formal(client, path, title, language):
    html = client.get(path, headers={"accept-language": language}).content.decode()
    assert f'<html lang="{language}"' in html
    text = _visible_text(html)
    assert _in(language, title) != title
    assert text.startswith(_in(language, title) + " – ")
    assert "Forgot your password?" not in text
    assert "Sign In" not in text
    if language in INFORMAL_BY_LANGUAGE:
        assert not INFORMAL_BY_LANGUAGE[language].findall(text), f"{path} in {language}: informal words"
    if language in FORMAL_BY_LANGUAGE:
        assert FORMAL_BY_LANGUAGE[language].search(text), f"{path} in {language}: no formal address"


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
@pytest.mark.parametrize("language", [code for code in NINE_CODES if code != "en"])
def test_the_password_reset_email_is_in_the_language_it_was_asked_in(client, language):
    """Account emails are rendered in the language of the request that triggers them."""
    cache.clear()
    make_user()
    client.post("/accounts/password/reset/", {"email": "alice@example.org"}, headers={"accept-language": language})
    (message,) = mail.outbox
    assert "You're receiving this email because" not in message.body
    assert _in(language, "Password Reset Email") in message.subject
    if language in INFORMAL_BY_LANGUAGE:
        assert not INFORMAL_BY_LANGUAGE[language].findall(message.subject + message.body)


@pytest.mark.django_db
@override_settings(LANGUAGES=TWO)
def test_a_language_not_enabled_gets_the_english_email(client):
    cache.clear()
    make_user()
    client.post("/accounts/password/reset/", {"email": "alice@example.org"}, headers={"accept-language": "fr"})
    (message,) = mail.outbox
    assert "You're receiving this email because" in message.body
