"""Deadline arithmetic: calendar months, calendar days, working days and holidays."""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from types import SimpleNamespace

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.tracking import deadlines
from requests_app.tracking.deadlines import (
    DeadlineRule,
    DeadlineStatus,
    acknowledge_by,
    add_business_days,
    add_months,
    days_left,
    deadline_status,
    due_date,
    extended_due_date,
    is_holiday,
    is_working_day,
)

D = date.fromisoformat

# GDPR Art. 12(3) as a German region would carry it: one month, two more, no working-day shift.
GDPR = DeadlineRule(unit="months", amount=1, extension_amount=2)
# UK GDPR with the ICO's next-working-day rule and the bank holidays of England and Wales.
UK_GDPR = DeadlineRule(unit="months", amount=1, extension_amount=2, next_working_day=True, holiday_calendar="GB-ENG")
# Cal. Civ. Code 1798.130: 45 days plus 45; 11 CCR 7021: confirm receipt within 10 business days.
CCPA = DeadlineRule(unit="days", amount=45, extension_amount=45, holiday_calendar="US-CA", acknowledge_business_days=10)
# Virginia and most other US state laws: 45 plus 45, no acknowledgement rule.
US_STATE = DeadlineRule(unit="days", amount=45, extension_amount=45)
NO_LAW = DeadlineRule(unit="none")


# --- add_months ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "months", "expected"),
    [
        # Every month end of a common year, one month on (Regulation 1182/71, Art. 3(2)(c)).
        ("2025-01-31", 1, "2025-02-28"),
        ("2025-02-28", 1, "2025-03-28"),
        ("2025-03-31", 1, "2025-04-30"),
        ("2025-04-30", 1, "2025-05-30"),
        ("2025-05-31", 1, "2025-06-30"),
        ("2025-06-30", 1, "2025-07-30"),
        ("2025-07-31", 1, "2025-08-31"),
        ("2025-08-31", 1, "2025-09-30"),
        ("2025-09-30", 1, "2025-10-30"),
        ("2025-10-31", 1, "2025-11-30"),
        ("2025-11-30", 1, "2025-12-30"),
        ("2025-12-31", 1, "2026-01-31"),
        # The ICO's examples: 30 and 31 March both fall due on 30 April.
        ("2025-03-30", 1, "2025-04-30"),
        ("2025-01-15", 1, "2025-02-15"),
        # Leap years: 2024 and 2028 have 29 February, 2100 (divisible by 100) does not, 2000 (by 400) does.
        ("2024-01-29", 1, "2024-02-29"),
        ("2024-01-30", 1, "2024-02-29"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-02-29", 1, "2024-03-29"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2100-01-31", 1, "2100-02-28"),
        ("2100-01-29", 1, "2100-02-28"),
        ("2000-01-31", 1, "2000-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        # Several months at once count from the original day number, not month by month.
        ("2025-01-31", 3, "2025-04-30"),
        ("2024-11-30", 3, "2025-02-28"),
        ("2025-12-31", 2, "2026-02-28"),
        ("2025-08-31", 6, "2026-02-28"),
        ("2025-05-15", 0, "2025-05-15"),
        ("2025-03-31", -1, "2025-02-28"),
        ("2025-01-31", -2, "2024-11-30"),
    ],
)
def test_it_adds_calendar_months(received, months, expected):
    assert add_months(D(received), months) == D(expected)


def test_it_does_not_chain_month_ends():
    """Three months from 31 January is 30 April, not 28 April via 28 February."""
    stepwise = add_months(add_months(D("2025-01-31"), 1), 2)
    assert stepwise == D("2025-04-28")
    assert add_months(D("2025-01-31"), 3) == D("2025-04-30")


@pytest.mark.parametrize(("received", "months"), [("9999-12-01", 1), ("0001-01-31", -1)])
def test_it_refuses_months_outside_the_calendar(received, months):
    with pytest.raises(ValueError, match="outside the calendar"):
        add_months(D(received), months)


@pytest.mark.slow  # hypothesis
@given(st.dates(min_value=D("0101-01-01"), max_value=D("9898-12-31")), st.integers(-1200, 1200))
@settings(max_examples=1000)
def test_it_keeps_the_day_number_or_takes_the_month_end(d, months):
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day == min(d.day, calendar.monthrange(result.year, result.month)[1])


# --- holidays and working days ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "holiday_calendar", "expected"),
    [
        ("2025-12-25", "GB-ENG", True),
        ("2025-12-24", "GB-ENG", False),
        ("2022-09-19", "GB", True),  # State Funeral of Queen Elizabeth II
        ("2022-09-19", "GB-SCT", True),
        ("2022-09-20", "GB", False),
        ("2023-05-08", "GB-ENG", True),  # Coronation of Charles III
        ("2023-05-09", "GB-ENG", False),
        ("2022-12-27", "GB-ENG", True),  # Christmas Day (substitute day): 25 December 2022 was a Sunday
        ("2025-04-21", "GB-ENG", True),  # Easter Monday is a bank holiday in England and Wales ...
        ("2025-04-21", "GB-SCT", False),  # ... but not in Scotland,
        ("2025-04-21", "GB", False),  # so the UK-wide calendar does not have it.
        ("2024-11-29", "US-CA", True),  # Day after Thanksgiving, a California state holiday
        ("2024-11-29", "US", False),
        ("2025-12-25", "", False),
    ],
)
def test_it_knows_public_holidays(day, holiday_calendar, expected):
    assert is_holiday(D(day), holiday_calendar) is expected


@pytest.mark.parametrize(
    ("day", "holiday_calendar", "expected"),
    [
        ("2025-03-03", "GB-ENG", True),  # Monday
        ("2025-03-01", "GB-ENG", False),  # Saturday
        ("2025-03-02", "", False),  # Sunday, even without a holiday calendar
        ("2025-12-26", "GB-ENG", False),  # Boxing Day
        ("2025-12-26", "", True),
    ],
)
def test_it_knows_working_days(day, holiday_calendar, expected):
    assert is_working_day(D(day), holiday_calendar) is expected


def test_it_builds_each_holiday_calendar_once(monkeypatch):
    calls = []
    real = holidays.country_holidays

    def counting(*args, **kwargs):
        calls.append((args, kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", counting)
    deadlines._holidays_in.cache_clear()
    try:
        for _ in range(5):
            is_holiday(D("2031-12-25"), "GB-ENG")
        assert len(calls) == 1
        # A different year, or a different calendar, is a different build.
        is_holiday(D("2032-12-25"), "GB-ENG")
        is_holiday(D("2031-12-25"), "GB-SCT")
        assert len(calls) == 3
    finally:
        deadlines._holidays_in.cache_clear()


@pytest.mark.parametrize(
    ("start", "n", "holiday_calendar", "expected"),
    [
        ("2025-03-03", 0, "US-CA", "2025-03-03"),
        ("2025-03-03", 1, "US-CA", "2025-03-04"),
        ("2025-03-07", 1, "US-CA", "2025-03-10"),  # Friday to Monday
        ("2025-03-08", 1, "US-CA", "2025-03-10"),  # received on a Saturday
        ("2025-03-28", 1, "US-CA", "2025-04-01"),  # Friday, then Cesar Chavez Day on Monday 31 March
        ("2025-03-28", 1, "", "2025-03-31"),
    ],
)
def test_it_adds_business_days(start, n, holiday_calendar, expected):
    assert add_business_days(D(start), n, holiday_calendar) == D(expected)


def test_it_refuses_negative_business_days():
    with pytest.raises(ValueError, match="negative"):
        add_business_days(D("2025-03-03"), -1, "")


# --- the rule -----------------------------------------------------------------------------------


def test_it_reads_the_rule_off_a_jurisdiction():
    jurisdiction = SimpleNamespace(
        deadline_unit="days",
        deadline_amount=45,
        extension_amount=45,
        next_working_day=False,
        holiday_calendar="US-CA",
        acknowledge_business_days=10,
    )
    assert DeadlineRule.from_jurisdiction(jurisdiction) == CCPA


def test_it_reads_a_blank_holiday_calendar_as_none():
    jurisdiction = SimpleNamespace(
        deadline_unit="none",
        deadline_amount=0,
        extension_amount=0,
        next_working_day=False,
        holiday_calendar=None,
        acknowledge_business_days=0,
    )
    assert DeadlineRule.from_jurisdiction(jurisdiction) == NO_LAW


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit": "weeks", "amount": 1}, "unit must be one of"),
        ({"unit": "months", "amount": 0}, "at least 1"),
        ({"unit": "days", "amount": -45}, "amount must be"),
        ({"unit": "days", "amount": 45, "extension_amount": -1}, "extension_amount must be"),
        ({"unit": "days", "amount": True}, "amount must be"),
        ({"unit": "days", "amount": 1.5}, "amount must be"),
        ({"unit": "days", "amount": 45, "acknowledge_business_days": -10}, "acknowledge_business_days must be"),
        ({"unit": "months", "amount": 1, "holiday_calendar": "XX"}, "no country 'XX'"),
        ({"unit": "months", "amount": 1, "holiday_calendar": "GB-XYZ"}, "no subdivision 'XYZ'"),
    ],
)
def test_it_refuses_a_broken_rule(fields, message):
    with pytest.raises(ValueError, match=message):
        DeadlineRule(**fields)


@pytest.mark.parametrize("holiday_calendar", ["", "GB", "GB-ENG", "gb-eng", "US-CA", "DE", "IE"])
def test_it_accepts_known_calendars(holiday_calendar):
    assert DeadlineRule(unit="months", amount=1, holiday_calendar=holiday_calendar).amount == 1


# --- due dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "received", "due", "extended"),
    [
        # The product's headline example for Germany.
        (GDPR, "2025-01-31", "2025-02-28", "2025-04-30"),
        (GDPR, "2024-01-31", "2024-02-29", "2024-04-30"),
        # Without the working-day rule a Saturday due date stays a Saturday.
        (GDPR, "2025-02-01", "2025-03-01", "2025-05-01"),
        (GDPR, "2025-11-25", "2025-12-25", "2026-02-25"),
        # UK: weekends move to Monday (ICO guidance).
        (UK_GDPR, "2025-01-31", "2025-02-28", "2025-04-30"),
        (UK_GDPR, "2025-02-01", "2025-03-03", "2025-05-01"),
        (UK_GDPR, "2025-02-02", "2025-03-03", "2025-05-02"),
        # Christmas 2025: Thursday 25 and Friday 26 are bank holidays, then a weekend.
        (UK_GDPR, "2025-11-25", "2025-12-29", "2026-02-25"),
        (UK_GDPR, "2025-11-26", "2025-12-29", "2026-02-26"),
        # Christmas 2022 fell on a Sunday: Boxing Day Monday, substitute Christmas Day Tuesday.
        (UK_GDPR, "2022-11-25", "2022-12-28", "2023-02-27"),
        # The extended date gets the same rule: 25 December 2025 becomes Monday 29 December.
        (UK_GDPR, "2025-09-25", "2025-10-27", "2025-12-29"),
        # Easter 2025: Good Friday 18 April, Easter Monday 21 April.
        (UK_GDPR, "2025-03-18", "2025-04-22", "2025-06-18"),
        # New Year's Day 2022 was a Saturday, substitute day Monday 3 January.
        (UK_GDPR, "2021-12-01", "2022-01-04", "2022-03-01"),
        # The State Funeral of Queen Elizabeth II, Monday 19 September 2022.
        (UK_GDPR, "2022-08-19", "2022-09-20", "2022-11-21"),
        (UK_GDPR, "2022-08-17", "2022-09-20", "2022-11-17"),
        # The Coronation of Charles III, Monday 8 May 2023, a week after the early May bank holiday.
        (UK_GDPR, "2023-04-08", "2023-05-09", "2023-07-10"),
        (UK_GDPR, "2023-03-30", "2023-05-02", "2023-06-30"),
        # CCPA: 45 calendar days, 90 with the extension, never moved.
        (CCPA, "2025-01-01", "2025-02-15", "2025-04-01"),
        (CCPA, "2024-11-20", "2025-01-04", "2025-02-18"),
        (CCPA, "2024-02-15", "2024-03-31", "2024-05-15"),
        (US_STATE, "2025-01-01", "2025-02-15", "2025-04-01"),
    ],
)
def test_it_computes_due_and_extended_dates(rule, received, due, extended):
    assert due_date(D(received), rule) == D(due)
    assert extended_due_date(D(received), rule) == D(extended)


def test_it_keeps_easter_monday_a_working_day_in_scotland():
    scotland = DeadlineRule(unit="months", amount=1, next_working_day=True, holiday_calendar="GB-SCT")
    assert due_date(D("2025-03-18"), scotland) == D("2025-04-21")


@pytest.mark.parametrize("rule", [NO_LAW, DeadlineRule(unit="none", next_working_day=True, holiday_calendar="GB")])
def test_it_gives_no_dates_without_a_statutory_deadline(rule):
    received = D("2025-01-31")
    assert due_date(received, rule) is None
    assert extended_due_date(received, rule) is None
    assert acknowledge_by(received, rule) is None


def test_it_gives_no_extended_date_without_an_extension():
    rule = DeadlineRule(unit="days", amount=90)  # Iowa: 90 days
    assert due_date(D("2025-01-01"), rule) == D("2025-04-01")
    assert extended_due_date(D("2025-01-01"), rule) is None


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2025-03-03", "2025-03-17"),  # two plain weeks
        # Thanksgiving 2024 (Thursday 28) and the day after are California state holidays.
        ("2024-11-20", "2024-12-06"),
        ("2025-11-21", "2025-12-09"),
        # Christmas Day and New Year's Day inside the window.
        ("2024-12-18", "2025-01-03"),
        ("2024-12-16", "2024-12-31"),
    ],
)
def test_it_counts_ten_business_days_to_acknowledge(received, expected):
    assert acknowledge_by(D(received), CCPA) == D(expected)


def test_it_counts_holidays_as_business_days_without_a_calendar():
    rule = DeadlineRule(unit="days", amount=45, acknowledge_business_days=10)
    assert acknowledge_by(D("2024-11-20"), rule) == D("2024-12-04")


def test_it_gives_no_acknowledgement_date_without_the_rule():
    assert acknowledge_by(D("2024-11-20"), US_STATE) is None
    assert acknowledge_by(D("2024-11-20"), UK_GDPR) is None


# --- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "answered", "expected_status", "expected_left"),
    [
        (None, False, "none", None),
        ("2025-03-10", True, "none", -5),  # answered: nothing to chase, even when it was late
        ("2025-03-24", False, "open", 9),
        ("2025-03-23", False, "open", 8),
        ("2025-03-22", False, "due_soon", 7),
        ("2025-03-16", False, "due_soon", 1),
        ("2025-03-15", False, "due_today", 0),
        ("2025-03-14", False, "overdue", -1),
        ("2024-03-15", False, "overdue", -365),
    ],
)
def test_it_derives_the_deadline_status(due, answered, expected_status, expected_left):
    today = D("2025-03-15")
    due = D(due) if due else None
    assert deadline_status(due, today, answered=answered) == expected_status
    assert days_left(due, today) == expected_left


def test_it_returns_status_values_that_are_plain_strings():
    status = deadline_status(D("2025-03-14"), D("2025-03-15"), answered=False)
    assert status is DeadlineStatus.OVERDUE
    assert str(status) == "overdue"
    assert status != "open"


# --- properties ---------------------------------------------------------------------------------

CALENDARS = ["", "GB", "GB-ENG", "GB-SCT", "GB-NIR", "US-CA", "US", "DE", "IE", "FR"]


@st.composite
def rules(draw):
    unit = draw(st.sampled_from(["months", "days"]))
    top = 6 if unit == "months" else 120
    return DeadlineRule(
        unit=unit,
        amount=draw(st.integers(1, top)),
        extension_amount=draw(st.integers(0, top)),
        next_working_day=draw(st.booleans()),
        holiday_calendar=draw(st.sampled_from(CALENDARS)),
        acknowledge_business_days=draw(st.integers(0, 20)),
    )


RECEIVED = st.dates(min_value=D("1990-01-01"), max_value=D("2090-12-31"))


@pytest.mark.slow  # hypothesis
@given(RECEIVED, rules())
@settings(max_examples=600, deadline=None)
def test_it_always_falls_due_after_receipt(received, rule):
    due = due_date(received, rule)
    assert due > received
    extended = extended_due_date(received, rule)
    if rule.extension_amount:
        assert extended >= due
    else:
        assert extended is None


@pytest.mark.slow  # hypothesis
@given(RECEIVED, rules())
@settings(max_examples=600, deadline=None)
def test_it_moves_only_to_the_next_working_day(received, rule):
    plain = due_date(received, DeadlineRule(unit=rule.unit, amount=rule.amount))
    due = due_date(received, rule)
    if rule.next_working_day:
        assert is_working_day(due, rule.holiday_calendar)
        # A handful of days at most: Christmas on a Saturday with two substitute days is the longest run.
        assert timedelta(0) <= due - plain <= timedelta(days=5)
        # Nothing between the plain date and the moved one was a working day.
        assert all(
            not is_working_day(plain + timedelta(days=i), rule.holiday_calendar) for i in range((due - plain).days)
        )
    else:
        assert due == plain


@pytest.mark.slow  # hypothesis
@given(RECEIVED, rules())
@settings(max_examples=300, deadline=None)
def test_it_acknowledges_on_the_nth_working_day(received, rule):
    ack = acknowledge_by(received, rule)
    if rule.acknowledge_business_days == 0:
        assert ack is None
        return
    assert is_working_day(ack, rule.holiday_calendar)
    span = [received + timedelta(days=i) for i in range(1, (ack - received).days + 1)]
    assert sum(is_working_day(d, rule.holiday_calendar) for d in span) == rule.acknowledge_business_days


# --- the clock that stops for clarification ------------------------------------------------------

# UK GDPR Art. 12A for a request with an access part: the ICO's counting, and the pause for requests
# received from 5 February 2026 (SI 2026/82 reg. 4 keeps the old rule for earlier ones).
UK_ACCESS = DeadlineRule(
    unit="months",
    amount=1,
    extension_amount=2,
    next_working_day=True,
    holiday_calendar="GB-ENG",
    clarification_pause=True,
    clarification_pause_from=D("2026-02-05"),
)
# The same arithmetic without the working-day rule, so that a pause's days show undisguised.
PAUSING = DeadlineRule(unit="months", amount=1, extension_amount=2, clarification_pause=True)
PAUSING_DAYS = DeadlineRule(unit="days", amount=45, extension_amount=45, clarification_pause=True)
TODAY = D("2026-12-02")
Pause = deadlines.Pause


def pauses(*spans):
    return [Pause(D(asked), D(answered) if answered else None) for asked, answered in spans]


def test_the_issue_example_asked_on_3_march_answered_on_12_march_moves_it_ten_days():
    """Both days are in the pause ("beginning with the day ... ending with the day", DPA 2018 s.54(3C)):
    2 April plus ten days is Sunday 12 April, so Monday 13 April; the extended date moves too."""
    received, stopped = D("2026-03-02"), pauses(("2026-03-03", "2026-03-12"))
    assert due_date(received, UK_ACCESS) == D("2026-04-02")
    assert deadlines.paused_days(received, UK_ACCESS, stopped, TODAY) == 10
    assert due_date(received, UK_ACCESS, stopped, today=TODAY) == D("2026-04-13")
    assert extended_due_date(received, UK_ACCESS, stopped, today=TODAY) == D("2026-06-12")


@pytest.mark.parametrize(
    ("rule", "received", "spans", "due", "extended"),
    [
        # One day asked and answered the same day stops the clock for one day.
        (PAUSING, "2026-01-31", [("2026-02-01", "2026-02-01")], "2026-03-01", "2026-05-01"),
        (PAUSING, "2026-01-31", [("2026-01-31", "2026-02-09")], "2026-03-10", "2026-05-10"),
        # The month is counted first (31 January: 28 February), then the days are added.
        (PAUSING, "2025-01-31", [("2025-02-10", "2025-02-12")], "2025-03-03", "2025-05-03"),
        # Several pauses add up; a day shared by two (asked again on the day of an answer) counts once.
        (
            PAUSING,
            "2026-03-02",
            [("2026-03-03", "2026-03-04"), ("2026-03-10", "2026-03-10")],
            "2026-04-05",
            "2026-06-05",
        ),
        (
            PAUSING,
            "2026-03-02",
            [("2026-03-03", "2026-03-04"), ("2026-03-04", "2026-03-05")],
            "2026-04-05",
            "2026-06-05",
        ),
        # A pause asked for on the due date itself still counts; the day after, the period is over.
        (PAUSING, "2026-03-02", [("2026-04-02", "2026-04-03")], "2026-04-04", "2026-06-04"),
        (PAUSING, "2026-03-02", [("2026-04-03", "2026-04-05")], "2026-04-02", "2026-06-05"),
        # ... but the extended period is still running then, so it moves.
        (PAUSING, "2026-03-02", [("2026-05-01", "2026-05-10")], "2026-04-02", "2026-06-12"),
        # A pause running past the due date moves it by all its days: the days before it ended did not count.
        (PAUSING, "2026-03-02", [("2026-03-31", "2026-04-06")], "2026-04-09", "2026-06-09"),
        # Calendar days (a US law with a pause, to show the arithmetic): 45 days, then the pause.
        (PAUSING_DAYS, "2026-03-02", [("2026-03-03", "2026-03-12")], "2026-04-26", "2026-06-10"),
        # UK: the working-day rule applies after the pause. 9 May 2026 is a Saturday, so Monday 11 May;
        # a pause asked for on Sunday 10 May still counts, as the period was open until Monday.
        (UK_ACCESS, "2026-04-09", [], "2026-05-11", "2026-07-09"),
        (UK_ACCESS, "2026-04-09", [("2026-05-10", "2026-05-10")], "2026-05-11", "2026-07-10"),
        (UK_ACCESS, "2026-04-09", [("2026-05-10", "2026-05-11")], "2026-05-11", "2026-07-13"),
        # Christmas 2026: Friday 25 and Monday 28 (Boxing Day's substitute) are bank holidays.
        (UK_ACCESS, "2026-11-20", [("2026-11-21", "2026-11-25")], "2026-12-29", "2027-02-25"),
    ],
)
def test_a_pause_moves_the_due_dates_by_its_days(rule, received, spans, due, extended):
    stopped = pauses(*spans)
    assert due_date(D(received), rule, stopped, today=TODAY) == D(due)
    assert extended_due_date(D(received), rule, stopped, today=TODAY) == D(extended)


def test_an_unanswered_pause_counts_up_to_today():
    """While the company waits for an answer the date is not known: each day it waits moves it one day."""
    received, stopped = D("2026-03-02"), pauses(("2026-03-03", None))
    assert deadlines.is_paused(stopped)
    assert not deadlines.is_paused(pauses(("2026-03-03", "2026-03-05")))
    assert due_date(received, PAUSING, stopped, today=D("2026-03-03")) == D("2026-04-03")
    assert due_date(received, PAUSING, stopped, today=D("2026-03-12")) == D("2026-04-12")
    assert deadlines.paused_days(received, PAUSING, stopped, D("2026-03-12")) == 10
    # Answered today gives the same date as still open today.
    answered = pauses(("2026-03-03", "2026-03-12"))
    assert due_date(received, PAUSING, answered, today=D("2026-03-12")) == D("2026-04-12")


def test_a_closed_pause_gives_the_same_date_whenever_it_is_computed():
    received, stopped = D("2026-03-02"), pauses(("2026-03-03", "2026-03-12"))
    dates = {due_date(received, UK_ACCESS, stopped, today=today) for today in (D("2026-03-12"), D("2027-01-01"))}
    assert dates == {D("2026-04-13")}


def test_the_order_the_pauses_are_given_in_does_not_matter():
    received = D("2026-03-02")
    forward = pauses(("2026-03-03", "2026-03-04"), ("2026-03-10", "2026-03-11"))
    assert due_date(received, PAUSING, forward, today=TODAY) == due_date(
        received, PAUSING, list(reversed(forward)), today=TODAY
    )


def test_a_pause_asked_again_on_the_day_of_an_answer_is_the_last_whatever_the_order():
    # Found by hypothesis in CI: answered on the day it was asked, asked again that day and still
    # waiting; given in reverse, the waiting pause sorted first and the pair was refused.
    received, today = D("2026-03-02"), D("2026-03-02")
    answered, waiting = Pause(received, received), Pause(received, None)
    forward = due_date(received, PAUSING, [answered, waiting], today=today)
    assert due_date(received, PAUSING, [waiting, answered], today=today) == forward
    assert deadlines.paused_days(received, PAUSING, [waiting, answered], today) == 1


def test_pauses_need_today():
    with pytest.raises(ValueError, match="pass `today`"):
        due_date(D("2026-03-02"), PAUSING, pauses(("2026-03-03", "2026-03-04")))


@pytest.mark.parametrize(
    ("rule", "received", "spans", "message"),
    [
        (UK_GDPR, "2026-03-02", [("2026-03-03", "2026-03-04")], "does not stop"),
        # Received before 5 February 2026: the old rule, no pause.
        (UK_ACCESS, "2026-02-04", [("2026-02-05", "2026-02-06")], "does not stop"),
        (PAUSING, "2026-03-02", [("2026-03-01", "2026-03-04")], "before the request was received"),
        (PAUSING, "2026-03-02", [("2026-03-05", "2026-03-04")], "before it starts"),
        (PAUSING, "2026-03-02", [("2026-03-03", "2026-12-03")], "after today"),
        (PAUSING, "2026-03-02", [("2026-12-03", None)], "after today"),
        (PAUSING, "2026-03-02", [("2026-12-03", "2026-12-04")], "after today"),
        (PAUSING, "2026-03-02", [("2026-03-03", "2026-03-10"), ("2026-03-09", "2026-03-12")], "previous one ended"),
        (PAUSING, "2026-03-02", [("2026-03-03", None), ("2026-03-09", "2026-03-12")], "Only the last pause"),
        (PAUSING, "2026-03-02", [("2026-03-03", None), ("2026-03-09", None)], "Only the last pause"),
    ],
)
def test_it_refuses_a_pause_the_law_or_the_calendar_rules_out(rule, received, spans, message):
    stopped = pauses(*spans)
    with pytest.raises(ValueError, match=message):
        deadlines.check_pauses(D(received), rule, stopped, TODAY)
    with pytest.raises(ValueError, match=message):
        due_date(D(received), rule, stopped, today=TODAY)


def test_the_pause_applies_from_its_first_day_of_receipt():
    assert not UK_ACCESS.pauses_for(D("2026-02-04"))
    assert UK_ACCESS.pauses_for(D("2026-02-05"))
    assert PAUSING.pauses_for(D("2018-05-25"))
    assert not UK_GDPR.pauses_for(D("2026-03-02"))


def test_no_pause_gives_the_dates_of_today():
    for rule in (GDPR, UK_GDPR, CCPA, UK_ACCESS):
        assert due_date(D("2026-03-02"), rule, [], today=TODAY) == due_date(D("2026-03-02"), rule)


def test_it_reads_the_pause_from_the_callers_parameter():
    jurisdiction = SimpleNamespace(
        deadline_unit="months",
        deadline_amount=1,
        extension_amount=2,
        next_working_day=True,
        holiday_calendar="GB-ENG",
        acknowledge_business_days=0,
    )
    assert DeadlineRule.from_jurisdiction(jurisdiction) == UK_GDPR
    assert (
        DeadlineRule.from_jurisdiction(jurisdiction, clarification_pause=True, clarification_pause_from=D("2026-02-05"))
        == UK_ACCESS
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit": "months", "amount": 1, "clarification_pause": 1}, "true or false"),
        ({"unit": "months", "amount": 1, "clarification_pause_from": D("2026-02-05")}, "needs clarification_pause"),
        (
            {"unit": "months", "amount": 1, "clarification_pause": True, "clarification_pause_from": "2026-02-05"},
            "must be a date",
        ),
        ({"unit": "none", "clarification_pause": True}, "no clock to stop"),
    ],
)
def test_it_refuses_a_broken_pause_rule(fields, message):
    with pytest.raises(ValueError, match=message):
        DeadlineRule(**fields)


@pytest.mark.parametrize("rule", [NO_LAW, GDPR, UK_GDPR, CCPA, UK_ACCESS, PAUSING])
def test_a_rule_survives_plain_json(rule):
    assert DeadlineRule.from_dict(json.loads(json.dumps(rule.as_dict()))) == rule


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"unit": "months", "amount": 1, "weeks": 2},
        {"unit": "months", "amount": "1"},
        {"unit": "months", "amount": 1, "holiday_calendar": 7},
        {"unit": "months", "amount": 1, "clarification_pause": True, "clarification_pause_from": 20260205},
        {"unit": "months", "amount": 1, "clarification_pause": True, "clarification_pause_from": "5 Feb"},
    ],
)
def test_it_refuses_what_is_not_a_stored_rule(data):
    """A stored rule that does not read back is an error, never a rule with a field quietly dropped."""
    with pytest.raises(ValueError, match="Not a deadline rule|must be"):
        DeadlineRule.from_dict(data)


@st.composite
def pausing_rules(draw):
    rule = draw(rules())
    return DeadlineRule(**{**rule.as_dict(), "clarification_pause": True})


@st.composite
def received_and_pauses(draw):
    """A receipt day, a `today` on or after it, and up to four pauses the law allows between them."""
    received = draw(st.dates(min_value=D("2018-05-25"), max_value=D("2030-12-31")))
    today = received + timedelta(days=draw(st.integers(0, 400)))
    found, day = [], received
    for _ in range(draw(st.integers(0, 4))):
        if day > today:
            break
        asked = day + timedelta(days=draw(st.integers(0, min(60, (today - day).days))))
        answered = asked + timedelta(days=draw(st.integers(0, min(40, (today - asked).days))))
        found.append(Pause(asked, answered))
        day = answered + timedelta(days=draw(st.integers(0, 20)))
    if found and draw(st.booleans()):
        found[-1] = Pause(found[-1].asked_on, None)  # the last may still wait for an answer
    return received, today, found


@pytest.mark.slow  # hypothesis
@given(pausing_rules(), received_and_pauses())
@settings(max_examples=600, deadline=None)
def test_pauses_never_bring_a_due_date_before_receipt_or_forward(rule, case):
    received, today, stopped = case
    due = due_date(received, rule, stopped, today=today)
    extended = extended_due_date(received, rule, stopped, today=today)
    assert due > received
    assert due >= due_date(received, rule)
    if rule.extension_amount:
        assert extended >= due
        assert extended >= extended_due_date(received, rule)
    # Each further pause only ever moves the dates later.
    for count in range(len(stopped)):
        fewer = stopped[:count]
        assert due_date(received, rule, fewer, today=today) <= due_date(
            received, rule, stopped[: count + 1], today=today
        )
    # Recomputing gives the same dates, in whatever order the pauses come.
    assert due_date(received, rule, list(reversed(stopped)), today=today) == due
    assert due_date(received, rule, stopped, today=today) == due
    # The dates move by no more than the days paused (plus the working-day rule's few days).
    total = deadlines.paused_days(received, rule, stopped, today)
    plain = due_date(received, DeadlineRule(unit=rule.unit, amount=rule.amount))
    assert due - plain <= timedelta(days=total + (5 if rule.next_working_day else 0))


@pytest.mark.slow  # hypothesis
@given(pausing_rules(), received_and_pauses())
@settings(max_examples=300, deadline=None)
def test_a_closed_pause_is_the_same_date_on_every_later_day(rule, case):
    received, today, stopped = case
    closed = [pause for pause in stopped if not pause.is_open]
    first = due_date(received, rule, closed, today=today)
    assert due_date(received, rule, closed, today=today + timedelta(days=365)) == first


@pytest.mark.slow  # hypothesis
@given(received_and_pauses())
@settings(max_examples=300, deadline=None)
def test_without_the_working_day_rule_a_pause_within_the_period_moves_it_by_exactly_its_days(case):
    received, today, stopped = case
    due = due_date(received, PAUSING_DAYS, stopped, today=today)
    plain = due_date(received, PAUSING_DAYS)
    within = all(pause.asked_on <= plain for pause in stopped)
    if within:
        assert (due - plain).days == deadlines.paused_days(received, PAUSING_DAYS, stopped, today)
