"""`languages.format_date` and `format_number`: every language's words and order, byte for byte.

English and German must stay exactly what the pages and letters printed before Babel (tests in
tests/templatetags/test_dates.py and tests/letters assert them too); the others are CLDR's, read
and checked here one by one (Polish genitive months, Spanish and Portuguese "de").
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from requests_app.languages import BABEL_LOCALES, base_language, format_date, format_number
from tests.factories.languages import NINE_CODES

MOMENT = datetime.datetime(2025, 2, 28, 14, 5, 9)
NINE = tuple(NINE_CODES)

# language: (long, short, short_no_year, weekday with seconds, long with time, 31 January, 3 May short)
EXPECTED = {
    "en": ("28 February 2025", "28 Feb 2025", "28 Feb", "Friday 28 February 2025, 14:05:09",
           "28 February 2025, 14:05", "31 January 2025", "3 May 2025"),
    "de": ("28. Februar 2025", "28. Feb. 2025", "28. Feb.", "Freitag, 28. Februar 2025, 14:05:09",
           "28. Februar 2025, 14:05", "31. Januar 2025", "3. Mai 2025"),
    "fr": ("28 février 2025", "28 févr. 2025", "28 févr.", "vendredi 28 février 2025, 14:05:09",
           "28 février 2025, 14:05", "31 janvier 2025", "3 mai 2025"),
    "es": ("28 de febrero de 2025", "28 feb 2025", "28 feb", "viernes, 28 de febrero de 2025, 14:05:09",
           "28 de febrero de 2025, 14:05", "31 de enero de 2025", "3 may 2025"),
    "it": ("28 febbraio 2025", "28 feb 2025", "28 feb", "venerdì 28 febbraio 2025, 14:05:09",
           "28 febbraio 2025, 14:05", "31 gennaio 2025", "3 mag 2025"),
    "nl": ("28 februari 2025", "28 feb 2025", "28 feb", "vrijdag 28 februari 2025, 14:05:09",
           "28 februari 2025, 14:05", "31 januari 2025", "3 mei 2025"),
    # The genitive ("of February") that a Polish date needs, not the nominative "luty".
    "pl": ("28 lutego 2025", "28 lut 2025", "28 lut", "piątek, 28 lutego 2025, 14:05:09",
           "28 lutego 2025, 14:05", "31 stycznia 2025", "3 maj 2025"),
    # CLDR's Portuguese short date is numeric.
    "pt": ("28 de fevereiro de 2025", "28/02/2025", "28 de fev.", "sexta-feira, 28 de fevereiro de 2025, 14:05:09",
           "28 de fevereiro de 2025, 14:05", "31 de janeiro de 2025", "3/05/2025"),
    "sv": ("28 februari 2025", "28 feb. 2025", "28 feb.", "fredag 28 februari 2025, 14:05:09",
           "28 februari 2025, 14:05", "31 januari 2025", "3 maj 2025"),
}  # fmt: skip


def test_every_language_of_the_site_has_a_locale_and_expectations():
    assert set(BABEL_LOCALES) == set(NINE) == set(EXPECTED)


@pytest.mark.parametrize("language", NINE)
def test_each_style_in_each_language(language):
    long, short, no_year, weekday, with_time, january, may = EXPECTED[language]
    assert format_date(MOMENT, language, "long") == long
    assert format_date(MOMENT.date(), language, "long") == long
    assert format_date(MOMENT, language, "short") == short
    assert format_date(MOMENT, language, "short_no_year") == no_year
    assert format_date(MOMENT, language, "weekday", "seconds") == weekday
    assert format_date(MOMENT, language, "long", "time") == with_time
    assert format_date(datetime.date(2025, 1, 31), language) == january
    assert format_date(datetime.date(2025, 5, 3), language, "short") == may


@pytest.mark.parametrize("language", NINE)
def test_every_month_is_spelled_in_the_language(language):
    """Twelve different month names, none of them English outside English."""
    months = [format_date(datetime.date(2025, month, 10), language) for month in range(1, 13)]
    assert len(set(months)) == 12
    if language != "en":
        assert not any(name in text for text in months for name in ("January", "March", "October"))


def test_polish_months_are_genitive_throughout():
    months = [format_date(datetime.date(2025, month, 1), "pl").split()[1] for month in range(1, 13)]
    assert months == [
        "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
        "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
    ]  # fmt: skip


def test_the_active_language_is_the_default():
    with translation.override("fr"):
        assert format_date(MOMENT) == "28 février 2025"
    with translation.override("de"):
        assert format_number(1234.5) == "1.234,5"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "12,345.5"),
        ("de", "12.345,5"),
        ("fr", "12\u202f345,5"),
        ("es", "12.345,5"),
        ("it", "12.345,5"),
        ("nl", "12.345,5"),
        ("pl", "12\xa0345,5"),
        ("pt", "12\xa0345,5"),
        ("sv", "12\xa0345,5"),
    ],
)
def test_numbers_follow_the_language(language, expected):
    assert format_number(12345.5, language) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [("de-at", "de"), ("pt-br", "pt"), ("pt_BR", "pt"), ("FR", "fr"), ("xx", "en"), ("", "en"), (None, "en")],
)
def test_a_regional_or_unknown_language_uses_its_base_or_english(given, expected):
    assert base_language(given) == expected


def test_an_unknown_language_is_written_in_english():
    assert format_date(MOMENT, "tlh") == "28 February 2025"


def test_unknown_styles_are_errors():
    with pytest.raises(ValueError, match="date style"):
        format_date(MOMENT, "en", "fortnightly")
    with pytest.raises(ValueError, match="time style"):
        format_date(MOMENT, "en", "long", "minutes")


def test_a_date_has_no_time_to_show():
    with pytest.raises(ValueError, match="needs a datetime"):
        format_date(MOMENT.date(), "en", "long", "time")
