"""The letter contract: what a letter template may use, and the one way to build its context.

Every key of `LETTER_VARIABLES` is always present in a context (an empty string when unknown), and
templates are validated against it with `sample_context`. The context holds plain strings and
dicts only: `as_plain` copies anything else (lazy strings, SafeString, dates) into them.

Pure: no database, no request; dates are formatted in the letter's language.
"""

from __future__ import annotations

import datetime
from typing import Any

from ..languages import format_date as format_in_language

# Shared with the plan page and request tracking: every key is always present in a context.
LETTER_VARIABLES: dict[str, dict[str, str] | str] = {
    "person": {
        "name": "The person's full name.",
        "email": "The person's email address.",
        "country": "Where the person lives, in the letter's language (e.g. Germany / Deutschland).",
        "account": "The handle or profile URL of the account this request is for; empty without an account.",
        "explanation": "The person's own words on how the processing affects them; may be empty.",
    },
    "platform": {"name": "The platform, e.g. Instagram; empty for actions not about one platform."},
    "controller": {"name": "The data controller, e.g. Meta Platforms Ireland Limited.", "address": "Its address."},
    "law": {
        "name": 'One of "GDPR", "UK GDPR", "CCPA", "US state law", or empty when no law applies.',
        "legal_basis": "The article relied on, e.g. GDPR Art. 21(1).",
    },
    "authority": {"name": "The data protection authority.", "url": "Its website.", "email": "Its email address."},
    "today": "The date of writing, formatted for the language (28 November 2026 / 28. November 2026).",
    "original": {
        "subject": "Escalations only: the subject of the original request.",
        "filed_on": "Escalations only: when the original request was filed.",
        "reference": "Escalations only: the reference the company gave.",
        "due_on": "Escalations only: when the answer was due.",
        "platform": "Escalations only: the platform of the original request.",
    },
}

LAW_NAMES = ("GDPR", "UK GDPR", "CCPA", "US state law", "")
# From the codes of `models.Law` to the names letters use (this module imports no models).
LAW_NAME_BY_CODE = {"gdpr": "GDPR", "uk_gdpr": "UK GDPR", "ccpa": "CCPA", "us_state": "US state law", "none": ""}


def format_date(value: datetime.date, language: str) -> str:
    """A date as letters print it in `language`: "28 November 2026", "28. November 2026", "28 listopada 2026"
    (the long style of `requests_app.languages`, the same the pages use)."""
    return format_in_language(value, language, "long")


def as_plain(value: Any, language: str) -> Any:
    """Plain str/dict/list copies of context values: nothing else reaches a template."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return {str(key): as_plain(item, language) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_plain(item, language) for item in value]
    if isinstance(value, datetime.date):
        return format_date(value, language)
    # str.__str__ makes a plain copy of str subclasses (SafeString, Markup) and lazy strings.
    return str.__str__(str(value))


def build_context(
    *,
    person: dict,
    platform: dict | None = None,
    controller: dict | None = None,
    law: dict | None = None,
    authority: dict | None = None,
    original: dict | None = None,
    language: str,
    today: datetime.date,
) -> dict:
    """A letter context with every key of LETTER_VARIABLES, empty strings for what is unknown.

    Dates inside the groups (e.g. `original["filed_on"]`) are formatted like `today`.
    An unknown key is an error rather than silently dropped: templates could
    not rely on it, since they are validated against the contract.
    """
    given = {
        "person": person,
        "platform": platform,
        "controller": controller,
        "law": law,
        "authority": authority,
        "original": original,
    }
    context: dict[str, Any] = {}
    for group, keys in LETTER_VARIABLES.items():
        if group == "today":
            context["today"] = format_date(today, language)
            continue
        assert isinstance(keys, dict)
        values = given[group] or {}
        unknown = sorted(set(values) - set(keys))
        if unknown:
            raise ValueError(f"Unknown letter variable {group}.{unknown[0]}: see letters.contract.LETTER_VARIABLES.")
        context[group] = {key: as_plain(values.get(key), language) for key in keys}
    if context["law"]["name"] not in LAW_NAMES:
        raise ValueError(f"law.name must be one of {LAW_NAMES}, not {context['law']['name']!r}.")
    return context


_SAMPLES = {
    "en": {
        "country": "Germany",
        "explanation": "I do not want my posts and photos used to train AI. They include pictures of my children.",
        "legal_basis": "GDPR Art. 21(1)",
        "subject": "Objection to the use of my information for AI at Meta",
    },
    "de": {
        "country": "Deutschland",
        "explanation": "Ich möchte nicht, dass meine Beiträge und Fotos zum Training von KI verwendet werden.",
        "legal_basis": "Art. 21 Abs. 1 DSGVO",
        "subject": "Widerspruch gegen die Nutzung meiner Informationen für KI bei Meta",
    },
}


def sample_context(language: str = "en") -> dict:
    """A realistic context for previews and validation, in `language`, with every key filled."""
    language = language.split("-")[0]
    sample = _SAMPLES.get(language, _SAMPLES["en"])
    today = datetime.date.today()
    return build_context(
        person={
            "name": "Alex Example",
            "email": "alex@example.org",
            "country": sample["country"],
            "account": "https://www.instagram.com/alex.example/",
            "explanation": sample["explanation"],
        },
        platform={"name": "Instagram"},
        controller={
            "name": "Meta Platforms Ireland Limited",
            "address": "Merrion Road, Dublin 4, D04 X2K5, Ireland",
        },
        law={"name": "GDPR", "legal_basis": sample["legal_basis"]},
        authority={
            "name": "Data Protection Commission",
            "url": "https://www.dataprotection.ie/",
            "email": "info@dataprotection.ie",
        },
        original={
            "subject": sample["subject"],
            "filed_on": today - datetime.timedelta(days=45),
            "reference": "1234567890",
            "due_on": today - datetime.timedelta(days=14),
            "platform": "Instagram",
        },
        language=language,
        today=today,
    )
