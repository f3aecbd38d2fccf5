"""Dates as people read them in the active language: "28 February 2025", "28. Februar 2025", "28 lutego 2025".

The words and their order come from Babel (CLDR) through `requests_app.languages`, which says which
locale each language uses (English: day first, as our letters are). Values may be dates, datetimes
or ISO 8601 strings (event data stores dates as "2025-01-31").
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import translation

from requests_app.languages import format_date, format_number

register = template.Library()

# A filter's variant -> (date style, time style) of `languages.format_date`.
LONG_VARIANTS = {
    "": ("long", ""),
    "time": ("long", "time"),
    "seconds": ("long", "seconds"),
    "weekday_seconds": ("weekday", "seconds"),
}
SHORT_VARIANTS = {"": ("short", ""), "time": ("short", "time"), "no_year": ("short_no_year", "")}


def _as_date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.datetime.fromisoformat(value) if "T" in value else datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _format(value: object, variants: dict[str, tuple[str, str]], variant: str) -> object:
    if variant not in variants:
        raise template.TemplateSyntaxError(f"Unknown date variant {variant!r}; use one of {sorted(variants)}")
    when = _as_date(value)
    if when is None:
        return value if value is not None else ""
    style, time = variants[variant]
    if time and not isinstance(when, datetime.datetime):
        time = ""
    return format_date(when, translation.get_language(), style, time)


@register.filter(expects_localtime=True)
def long_date(value: object, variant: str = "") -> object:
    """The month in full: "28 February 2025"; variants "time", "seconds", "weekday_seconds".

    A string that is not an ISO 8601 date comes back unchanged, so a bad value shows rather than vanishes.
    """
    return _format(value, LONG_VARIANTS, variant)


@register.filter(expects_localtime=True)
def short_date(value: object, variant: str = "") -> object:
    """The month abbreviated: "28 Feb 2025", "28. Feb. 2025"; variants "time", "no_year"."""
    return _format(value, SHORT_VARIANTS, variant)


@register.filter
def number(value: object) -> object:
    """A number as the active language writes it: "12,345" / "12.345" / "12\u202f345"; anything else unchanged."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, translation.get_language())
    return value


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
