"""Requests filed before the site: any day from 25 May 2018 to now, where the person was (services.filing_time)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.models import Event, SubmissionStatus
from requests_app.tracking.deadlines import EARLIEST_FILING_DAY
from requests_app.tracking.escalation import escalate
from requests_app.tracking.forms import time_zone_choices
from requests_app.tracking.services import CLOCK_SKEW, TrackingError, filing_time, new_token
from requests_app.tracking.standing import standing
from tests.factories.tracking import GERMAN_PLAN, file, make_guide, make_person, track

# The day this was written: a person who made their plan today records what they filed before.
NOW = datetime.datetime(2026, 12, 2, 17, 0, tzinfo=datetime.UTC)
ZONES = [name for name, _label in time_zone_choices()]


@pytest.fixture
def guide():
    return make_guide()


@pytest.mark.django_db
def test_an_objection_filed_in_2025_is_recorded_in_2026_and_overdue_at_once(guide):
    """The issue's journey: the plan made on 2 December 2026, the objection filed on 31 January 2025."""
    user = make_person(started=NOW - datetime.timedelta(hours=1))
    submission = file(track(user, now=NOW), when=datetime.datetime(2025, 1, 31, 14, 30), now=NOW)
    assert submission.status == SubmissionStatus.FILED
    assert submission.filed_at == datetime.datetime(2025, 1, 31, 13, 30, tzinfo=datetime.UTC)
    assert submission.due_on == datetime.date(2025, 2, 28)
    assert submission.extended_due_on == datetime.date(2025, 4, 30)
    today = submission.person_today(NOW)
    now_standing = standing(submission, today)
    assert now_standing.key == "overdue"
    assert now_standing.detail == "Overdue by 642 days (was due 28 February 2025)"
    filed = Event.objects.get(submission_id=submission.pk, type="filed")
    assert filed.at == submission.filing_recorded_at == NOW  # recorded by the site's clock, today
    assert filed.data["received_on"] == "2025-01-31"  # filed as the person states it
    assert submission.received_on == datetime.date(2025, 1, 31)


@pytest.mark.django_db
def test_two_days_before_the_plan_started_is_fine(guide):
    """Before #12 a filing before the plan was refused, even by two days."""
    user = make_person(started=NOW)
    submission = file(track(user, now=NOW), when=datetime.datetime(2026, 11, 30, 9, 0), now=NOW)
    assert submission.due_on == datetime.date(2026, 12, 30)


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_the_gdprs_first_day_is_the_earliest_where_the_person_was(guide, zone):
    submission = track(make_person(started=NOW), now=NOW)
    with pytest.raises(TrackingError) as error:
        file(submission, when=datetime.datetime(2018, 5, 24, 23, 59), zone=zone, now=NOW)
    assert error.value.field == "filed_at"
    assert error.value.message == "The date you filed must be on or after 25 May 2018, when the GDPR began to apply"
    assert Event.objects.filter(submission_id=submission.pk).count() == 1  # nothing recorded
    filed = file(submission, when=datetime.datetime(2018, 5, 25, 0, 0), zone=zone, now=NOW)
    assert filed.filed_at.astimezone(ZoneInfo(zone)).date() == EARLIEST_FILING_DAY
    assert filed.due_on == datetime.date(2018, 6, 25)


@pytest.mark.django_db
def test_tomorrow_where_the_person_is_is_refused_though_it_is_today_in_utc(guide):
    # 17:00 UTC on 2 December is 06:00 on 3 December in Kiritimati (UTC+14) and 06:00 on 2 December in
    # Pago Pago (UTC-11): the calendar of the zone decides.
    submission = track(make_person(started=NOW), now=NOW)
    with pytest.raises(TrackingError) as error:
        file(submission, when=datetime.datetime(2026, 12, 3, 5, 0), zone="Pacific/Pago_Pago", now=NOW)
    assert error.value.message == "The date and time you filed must be in the past"
    filed = file(submission, when=datetime.datetime(2026, 12, 3, 5, 0), zone="Pacific/Kiritimati", now=NOW)
    assert filed.due_on == datetime.date(2027, 1, 3)


@pytest.mark.django_db
def test_the_message_names_the_first_day_in_the_persons_language(guide):
    from django.utils import translation

    submission = track(make_person(started=NOW), now=NOW)
    with translation.override("de"), pytest.raises(TrackingError) as error:
        file(submission, when=datetime.datetime(2017, 1, 1, 12, 0), now=NOW)
    assert "25. Mai 2018" in error.value.message


@pytest.mark.django_db
def test_an_escalation_cannot_be_filed_before_its_original(guide):
    """The original's filing day stays an escalation's earliest, however old the original is."""
    user = make_person(started=NOW)
    original = file(track(user, now=NOW), when=datetime.datetime(2025, 1, 31, 14, 30), now=NOW)
    complaint, _created = escalate(
        submission=original, route="complaint", authority_key="lead", plan_data=GERMAN_PLAN, language="en",
        token=new_token(), now=NOW,
    )  # fmt: skip
    with pytest.raises(TrackingError) as error:
        file(complaint, when=datetime.datetime(2025, 1, 30, 10, 0), now=NOW)
    assert error.value.message == (
        "The date you filed must be on or after 31 January 2025, when you filed the original request"
    )
    # The complaint may well have been sent long ago too, a month after the objection.
    filed = file(complaint, when=datetime.datetime(2025, 3, 3, 10, 0), now=NOW)
    assert filed.due_on == datetime.date(2025, 6, 3)  # the authority's three months (GDPR Art. 78(2))


# --- every date, every zone ---------------------------------------------------------------------

# Most draws near the range's ends, the others anywhere in the calendar.
LOCAL_TIMES = st.one_of(
    st.datetimes(min_value=datetime.datetime(2018, 5, 20), max_value=datetime.datetime(2018, 5, 30)),
    st.datetimes(min_value=datetime.datetime(2026, 11, 28), max_value=datetime.datetime(2026, 12, 6)),
    st.datetimes(min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30)),
)


@pytest.mark.slow  # hypothesis
@given(LOCAL_TIMES, st.sampled_from(ZONES))
@settings(max_examples=1000, deadline=None)
def test_any_local_time_is_accepted_exactly_within_the_range(local, zone):
    tz = ZoneInfo(zone)
    # Compared as dates first: the far years have no UTC equivalent in every zone.
    inside = EARLIEST_FILING_DAY <= local.date() <= NOW.astimezone(tz).date() and local.replace(tzinfo=tz) <= (
        NOW + CLOCK_SKEW
    )
    if not inside:
        with pytest.raises(TrackingError) as error:
            filing_time(filed_at_local=local, tz=tz, now=NOW)
        assert error.value.field == "filed_at"
        return
    filed_at = filing_time(filed_at_local=local, tz=tz, now=NOW)
    assert filed_at.tzinfo is tz
    assert filed_at.replace(tzinfo=None) == local


@pytest.mark.slow  # hypothesis
@given(
    st.datetimes(min_value=datetime.datetime(2018, 5, 25), max_value=datetime.datetime(2026, 12, 1)),
    st.sampled_from(ZONES),
)
@settings(max_examples=500, deadline=None)
def test_every_day_from_25_may_2018_to_yesterday_is_accepted_in_every_zone(local, zone):
    # 2 December 2026 17:00 UTC is 1 December or later in every zone, so these are all in the past.
    assert filing_time(filed_at_local=local, tz=ZoneInfo(zone), now=NOW).replace(tzinfo=None) == local
