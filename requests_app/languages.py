"""How each language writes dates and numbers, through Babel (CLDR): "28 February 2025", "28. Februar 2025".

One Babel locale per language of the site, chosen deliberately: English is Irish English (`en_IE`),
whose CLDR patterns are the day-first, comma-free style our pages and letters have always printed
("28 February 2025", "Friday 28 February 2025"; `en_GB` would add a comma after the weekday, `en`
would put the month first), and the letters go to Meta's Irish controller. Every other language is
its main European country's (German of Germany, French of France, Portuguese of Portugal...).

Dates come in a few named styles, the same for every language (a template chooses the style, CLDR
chooses the words and their order): `long` "28 February 2025", `short` "28 Feb 2025",
`short_no_year` "28 Feb", `weekday` "Friday 28 February 2025", each optionally followed by the time
(", 14:05" or ", 14:05:09", 24-hour in every language we ship). Polish gets its genitive month
("28 lutego 2025"), Spanish and Portuguese their "de" ("28 de febrero de 2025").

Pure: no database, no request; of Django only `translation` for the active language.
"""

from __future__ import annotations

import datetime
import decimal
import functools

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal
from django.utils import translation

# The Babel locale of each language the site may enable (settings.LANGUAGES picks which are on).
BABEL_LOCALES = {
    "en": "en_IE",
    "de": "de_DE",
    "fr": "fr_FR",
    "es": "es_ES",
    "it": "it_IT",
    "nl": "nl_NL",
    "pl": "pl_PL",
    "pt": "pt_PT",
    "sv": "sv_SE",
}
DEFAULT_LANGUAGE = "en"

# Style -> how Babel writes the date part: a CLDR date format name or a skeleton (CLDR then picks
# each language's pattern for those fields, e.g. "d. MMM y" in German, "d MMM y" in English).
_DATE_STYLES = {
    "long": ("format", "long"),
    "weekday": ("format", "full"),
    "short": ("skeleton", "yMMMd"),
    "short_no_year": ("skeleton", "MMMd"),
}
_TIME_STYLES = {"": None, "time": "short", "seconds": "medium"}


def base_language(language: str | None) -> str:
    """`de-at` -> `de`; a language we have no locale for (or none) -> English."""
    base = (language or DEFAULT_LANGUAGE).split("-")[0].split("_")[0].lower()
    return base if base in BABEL_LOCALES else DEFAULT_LANGUAGE


def babel_locale(language: str | None) -> Locale:
    return _locale(base_language(language))


@functools.cache
def _locale(base: str) -> Locale:
    # Locale.parse builds a new Locale (and checks its data file) on every call: once per language is
    # enough for every date and number a page formats. Locales are not changed after they are made.
    return Locale.parse(BABEL_LOCALES[base])


def format_date(value: datetime.date, language: str | None = None, style: str = "long", time: str = "") -> str:
    """`value` in `language` (default: the active one) in `style`, with its `time` ("", "time", "seconds").

    A datetime is written as it is (convert it to the reader's time zone first); a date with a time
    style is an error, as is an unknown style.
    """
    if style not in _DATE_STYLES:
        raise ValueError(f"Unknown date style {style!r}; use one of {sorted(_DATE_STYLES)}")
    if time not in _TIME_STYLES:
        raise ValueError(f"Unknown time style {time!r}; use one of {sorted(_TIME_STYLES)}")
    locale = babel_locale(language if language is not None else translation.get_language())
    day = value.date() if isinstance(value, datetime.datetime) else value
    how, pattern = _DATE_STYLES[style]
    if how == "format":
        text = babel_format_date(day, pattern, locale=locale)
    else:
        text = format_skeleton(pattern, day, locale=locale)
    time_format = _TIME_STYLES[time]
    if time_format is None:
        return text
    if not isinstance(value, datetime.datetime):
        raise ValueError("A time style needs a datetime")
    return f"{text}, {format_time(value.time(), time_format, locale=locale)}"


def format_number(value: int | float | decimal.Decimal, language: str | None = None) -> str:
    """A number as `language` writes it: 12,345.5 / 12.345,5 / 12 345,5 (French and Swedish, with a
    narrow or plain no-break space, as CLDR says)."""
    locale = babel_locale(language if language is not None else translation.get_language())
    return format_decimal(value, locale=locale)
