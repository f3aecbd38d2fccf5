"""`long_date` and `short_date` write dates the way each language does: "28. Februar 2025" in German."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone, translation

from requests_app.templatetags.dates import long_date, number, short_date
from tests.factories.accounts import PASSWORD
from tests.factories.evidence import filed_request, use_site_key
from tests.factories.pdf import pdf_text
from tests.factories.tracking import file, make_guide, make_person, track

DAY = datetime.date(2025, 2, 28)
# A Friday afternoon in Berlin.
MOMENT = datetime.datetime(2025, 2, 28, 14, 5, 9, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("language", "variant", "expected"),
    [
        ("en", "", "28 February 2025"),
        ("de", "", "28. Februar 2025"),
        ("en", "time", "28 February 2025, 14:05"),
        ("de", "time", "28. Februar 2025, 14:05"),
        ("en", "seconds", "28 February 2025, 14:05:09"),
        ("de", "seconds", "28. Februar 2025, 14:05:09"),
        ("en", "weekday_seconds", "Friday 28 February 2025, 14:05:09"),
        ("de", "weekday_seconds", "Freitag, 28. Februar 2025, 14:05:09"),
    ],
)
def test_long_date_follows_the_language(language, variant, expected):
    with translation.override(language):
        assert long_date(MOMENT, variant) == expected


@pytest.mark.parametrize(
    ("language", "variant", "value", "expected"),
    [
        ("en", "", DAY, "28 Feb 2025"),
        ("de", "", DAY, "28. Feb. 2025"),
        # German abbreviates only long month names.
        ("de", "", datetime.date(2025, 3, 1), "1. März 2025"),
        ("en", "time", MOMENT, "28 Feb 2025, 14:05"),
        ("de", "time", MOMENT, "28. Feb. 2025, 14:05"),
        ("en", "no_year", DAY, "28 Feb"),
        ("de", "no_year", DAY, "28. Feb."),
    ],
)
def test_short_date_follows_the_language(language, variant, value, expected):
    with translation.override(language):
        assert short_date(value, variant) == expected


def test_a_regional_language_uses_its_base_language():
    with translation.override("de-at"):
        assert long_date(DAY) == "28. Februar 2025"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "28 février 2025"), ("es", "28 de febrero de 2025"), ("pl", "28 lutego 2025"), ("sv", "28 februari 2025")],
)
def test_every_language_of_the_site_writes_its_own_dates(language, expected):
    """Before Babel, French, Spanish, Polish and Swedish pages printed English months."""
    with translation.override(language):
        assert long_date(DAY) == expected


def test_a_language_without_a_locale_falls_back_to_english():
    with translation.override("tlh"):
        assert long_date(DAY) == "28 February 2025"


def test_a_time_variant_of_a_plain_date_shows_the_date():
    with translation.override("de"):
        assert long_date(DAY, "time") == "28. Februar 2025"


@pytest.mark.parametrize(("language", "expected"), [("en", "12,345"), ("de", "12.345"), ("fr", "12\u202f345")])
def test_numbers_follow_the_language(language, expected):
    with translation.override(language):
        assert number(12345) == expected
        assert number("n/a") == "n/a"


@pytest.mark.parametrize(("language", "expected"), [("en", "31 January 2025"), ("de", "31. Januar 2025")])
def test_an_iso_date_string_is_read_as_a_date(language, expected):
    """Event data stores dates as ISO strings ("Filed on 2025-01-31" was the bug)."""
    with translation.override(language):
        assert long_date("2025-01-31") == expected


def test_an_iso_datetime_string_is_read_too():
    with translation.override("en"):
        assert long_date("2025-01-31T13:30:00+00:00", "time") == "31 January 2025, 13:30"


@pytest.mark.parametrize("value", ["not a date", "2025-13-45"])
def test_a_string_that_is_not_a_date_comes_back_unchanged(value):
    assert long_date(value) == value


def test_nothing_renders_as_nothing():
    assert long_date(None) == ""
    assert long_date("") == ""


def test_an_unknown_variant_is_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        long_date(DAY, "fortnight")


def test_in_a_template_datetimes_are_shown_in_the_current_time_zone():
    template = Template(
        '{% load dates tz %}{{ when|long_date:"time" }}|{% localtime off %}{{ when|long_date:"time" }}{% endlocaltime %}'
    )
    utc = datetime.datetime(2025, 1, 31, 23, 30, tzinfo=datetime.UTC)
    with translation.override("de"), timezone.override("Europe/Berlin"):
        assert template.render(Context({"when": utc})) == "1. Februar 2025, 00:30|31. Januar 2025, 23:30"


@pytest.mark.django_db
def test_a_request_page_in_german_writes_dates_the_german_way(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/", headers={"accept-language": "de"}).content.decode()
    assert "28. Februar 2025" in page
    assert "31. Januar 2025, 14:30 (Europe/Berlin)" in page
    # The timeline's filing date came from event data as "2025-01-31".
    assert "Sie haben ihn am 31. Januar 2025 eingereicht (Europe/Berlin)." in page
    assert "2025-01-31 " not in page
    assert "28 Februar" not in page


@pytest.mark.django_db
def test_the_same_request_page_in_english_keeps_day_first_dates(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    page = client.get(f"/requests/{submission.pk}/", headers={"accept-language": "en"}).content.decode()
    assert "28 February 2025" in page
    assert "You filed it on 31 January 2025 (Europe/Berlin)." in page


@pytest.mark.django_db
def test_the_german_evidence_pdf_writes_dates_the_german_way(client, settings, tmp_path):
    use_site_key(settings)
    make_guide()
    submission = filed_request()
    assert client.login(username=submission.user.username, password=PASSWORD)
    response = client.get(reverse("evidence:pdf", args=[submission.pk]), headers={"accept-language": "de"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    flat = " ".join(pdf_text(content, tmp_path).split())
    assert "Freitag, 31. Januar 2025, 14:30:00 (Europe/Berlin, UTC+0100)" in flat
    assert "31. Januar 2025, 13:30:00 UTC" in flat
    assert "Eingereicht am 31. Januar 2025 (Europe/Berlin)." in flat
    assert "2025-01-31" not in flat.replace("2025-01-31T", "")
