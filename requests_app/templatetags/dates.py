"""Dates as people read them in the active language: "28 February 2025", "28. Februar 2025".

Django's own localized formats would change the English pages ("Feb. 28, 2025"), so the formats are
spelled out per language here; English keeps the day-first style letters use (`letters.contract.DATE_FORMATS`).
Values may be dates, datetimes or ISO 8601 strings (event data stores dates as "2025-01-31").
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import dateformat, translation

from requests_app.letters.contract import DATE_FORMATS

register = template.Library()

LONG_FORMATS = {
    "en": {
        "": DATE_FORMATS["en"],
        "time": "j F Y, H:i",
        "seconds": "j F Y, H:i:s",
        "weekday_seconds": "l j F Y, H:i:s",
    },
    "de": {
        "": DATE_FORMATS["de"],
        "time": "j. F Y, H:i",
        "seconds": "j. F Y, H:i:s",
        "weekday_seconds": "l, j. F Y, H:i:s",
    },
}
SHORT_FORMATS = {
    "en": {"": "j M Y", "time": "j M Y, H:i", "no_year": "j M"},
    # "N" is the abbreviation with its full stop where German has one: "Feb.", but "März".
    "de": {"": "j. N Y", "time": "j. N Y, H:i", "no_year": "j. N"},
}


def _as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.datetime.fromisoformat(value) if "T" in value else datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _format(value: object, formats: dict[str, dict[str, str]], variant: str) -> object:
    when = _as_date(value)
    if when is None:
        return value if value is not None else ""
    language = (translation.get_language() or "en").split("-")[0]
    by_variant = formats.get(language, formats["en"])
    if variant not in by_variant:
        raise template.TemplateSyntaxError(f"Unknown date variant {variant!r}; use one of {sorted(by_variant)}")
    return dateformat.format(when, by_variant[variant])


@register.filter(expects_localtime=True)
def long_date(value: object, variant: str = "") -> object:
    """The month in full: "28 February 2025"; variants "time", "seconds", "weekday_seconds".

    A string that is not an ISO 8601 date comes back unchanged, so a bad value shows rather than vanishes.
    """
    return _format(value, LONG_FORMATS, variant)


@register.filter(expects_localtime=True)
def short_date(value: object, variant: str = "") -> object:
    """The month abbreviated: "28 Feb 2025", "28. Feb. 2025"; variants "time", "no_year"."""
    return _format(value, SHORT_FORMATS, variant)


@register.filter
def machine_datetime(value: object) -> str:
    """A datetime for a `datetime` attribute, in UTC to the second: "2025-01-31T13:30:00Z".

    (HTML allows at most three digits of a second; Django's "c" format writes six.)"""
    moment = _as_date(value)
    if not isinstance(moment, datetime.datetime):
        return moment.isoformat() if moment else ""
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
