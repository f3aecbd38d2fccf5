"""Legal deadlines for a request, computed from a jurisdiction's deadline rule.

Pure: takes dates and a `DeadlineRule`, returns dates. Nothing here reads the
database or the clock; "today" is always passed in, so whether a request is
overdue is derived when asked and never stored.

The rules, as GUIDE_FACTS.md records them:

- GDPR and UK GDPR Art. 12(3): one calendar month from receipt, extendable by
  two further months. A month ends on the same day number of the following
  month, or on that month's last day where the day number does not exist
  (Regulation 1182/71, Art. 3(2)(c), as the CJEU applies it and the ICO
  explains it). Where the last day is a weekend or public holiday, the period
  ends on the next working day (Regulation 1182/71, Art. 3(4); ICO guidance).
- CCPA/CPRA (Cal. Civ. Code 1798.130): 45 calendar days, extendable once by 45
  days; receipt confirmed within 10 business days (11 CCR 7021), a business day
  being Monday to Friday except state holidays (11 CCR 7001).
"""

from __future__ import annotations

import calendar
import datetime
import enum
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import holidays

UNITS = ("months", "days", "none")
DUE_SOON_DAYS = 7
# A due date moves past weekends and holidays; no calendar has a run of
# non-working days this long, so a longer walk means a broken calendar.
_MAX_NON_WORKING_RUN = 31


@lru_cache(maxsize=1)
def _supported_calendars() -> dict[str, tuple[str, ...]]:
    return {country: tuple(subdivisions) for country, subdivisions in holidays.list_supported_countries().items()}


def parse_calendar(holiday_calendar: str) -> tuple[str, str | None]:
    """Split "GB-ENG" or "US-CA" into the country and subdivision the `holidays` package expects.

    Raises ValueError for a country or subdivision the package does not know,
    so that a typo in region content fails loudly instead of silently counting
    only weekends.
    """
    country, _, subdivision = holiday_calendar.strip().partition("-")
    country = country.upper()
    subdivision = subdivision.upper() or None
    supported = _supported_calendars()
    if country not in supported:
        raise ValueError(f"Unknown holiday calendar {holiday_calendar!r}: no country {country!r} in `holidays`.")
    if subdivision is not None and subdivision not in supported[country]:
        raise ValueError(
            f"Unknown holiday calendar {holiday_calendar!r}: {country} has no subdivision {subdivision!r}."
        )
    return country, subdivision


@lru_cache(maxsize=1024)
def _holidays_in(holiday_calendar: str, year: int) -> frozenset[datetime.date]:
    # Building a holiday calendar runs the package's rules for the whole year,
    # which is slow next to a set lookup; each (calendar, year) is built once.
    if not holiday_calendar:
        return frozenset()
    country, subdivision = parse_calendar(holiday_calendar)
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())


def is_holiday(d: datetime.date, holiday_calendar: str) -> bool:
    """Whether `d` is a public holiday (including an observed substitute day) of the calendar."""
    return d in _holidays_in(holiday_calendar, d.year)


def is_working_day(d: datetime.date, holiday_calendar: str) -> bool:
    """Monday to Friday and not a public holiday of the calendar ("" means weekends only)."""
    return d.weekday() < 5 and not is_holiday(d, holiday_calendar)


def next_working_day(d: datetime.date, holiday_calendar: str) -> datetime.date:
    """`d` itself if it is a working day, else the first working day after it."""
    for _ in range(_MAX_NON_WORKING_RUN):
        if is_working_day(d, holiday_calendar):
            return d
        d += datetime.timedelta(days=1)
    raise ValueError(f"No working day within {_MAX_NON_WORKING_RUN} days in calendar {holiday_calendar!r}.")


def add_business_days(d: datetime.date, n: int, holiday_calendar: str) -> datetime.date:
    """The `n`th working day after `d` (`d` itself is not counted, as the day of receipt is not)."""
    if n < 0:
        raise ValueError("Cannot count a negative number of business days.")
    for _ in range(n):
        d = next_working_day(d + datetime.timedelta(days=1), holiday_calendar)
    return d


def add_months(d: datetime.date, months: int) -> datetime.date:
    """The same day number `months` later, or that month's last day where the day does not exist.

    Regulation 1182/71, Art. 3(2)(c), as the ICO explains it: received 31 January,
    due 28 February (29 in a leap year); received 30 or 31 March, due 30 April.
    Raises ValueError when the result is outside the years 1 to 9999.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(f"{d.isoformat()} plus {months} months is outside the calendar.")
    month = month0 + 1
    return datetime.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DeadlineRule:
    """How long a controller has to answer under one law, as region content sets it."""

    unit: str = "none"
    amount: int = 0
    extension_amount: int = 0
    next_working_day: bool = False
    holiday_calendar: str = ""
    acknowledge_business_days: int = 0

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"Deadline unit must be one of {', '.join(UNITS)}, not {self.unit!r}.")
        for name in ("amount", "extension_amount", "acknowledge_business_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of zero or more, not {value!r}.")
        if self.unit != "none" and self.amount < 1:
            raise ValueError(f"A deadline in {self.unit} needs an amount of at least 1.")
        if self.holiday_calendar:
            parse_calendar(self.holiday_calendar)

    @classmethod
    def from_jurisdiction(cls, jurisdiction: Any) -> DeadlineRule:
        """Read the rule off anything with the `Jurisdiction` deadline fields (no model import here)."""
        return cls(
            unit=jurisdiction.deadline_unit,
            amount=jurisdiction.deadline_amount,
            extension_amount=jurisdiction.extension_amount,
            next_working_day=jurisdiction.next_working_day,
            holiday_calendar=jurisdiction.holiday_calendar or "",
            acknowledge_business_days=jurisdiction.acknowledge_business_days,
        )


def _period_end(received: datetime.date, rule: DeadlineRule, amount: int) -> datetime.date | None:
    if rule.unit == "none":
        return None
    # Calendar days count from the day after receipt (Regulation 1182/71, Art. 3(1)).
    end = add_months(received, amount) if rule.unit == "months" else received + datetime.timedelta(days=amount)
    if rule.next_working_day:
        end = next_working_day(end, rule.holiday_calendar)
    return end


def due_date(received: datetime.date, rule: DeadlineRule) -> datetime.date | None:
    """When the answer is due; None when the law sets no deadline."""
    return _period_end(received, rule, rule.amount)


def extended_due_date(received: datetime.date, rule: DeadlineRule) -> datetime.date | None:
    """The latest date with the extension, counted whole from receipt; None when no extension exists.

    Counted as one period (GDPR: three months from receipt, so 31 January runs
    to 30 April, not to 28 April via 28 February), the same working-day rule applied.
    """
    if rule.extension_amount == 0:
        return None
    return _period_end(received, rule, rule.amount + rule.extension_amount)


def acknowledge_by(received: datetime.date, rule: DeadlineRule) -> datetime.date | None:
    """When receipt must be confirmed (CCPA: 10 business days, 11 CCR 7021); None without such a rule."""
    if rule.acknowledge_business_days == 0:
        return None
    return add_business_days(received, rule.acknowledge_business_days, rule.holiday_calendar)


class DeadlineStatus(enum.StrEnum):
    NONE = "none"
    OPEN = "open"
    DUE_SOON = "due_soon"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"


def days_left(due: datetime.date | None, today: datetime.date) -> int | None:
    """Days from `today` to `due`: 0 on the day, negative once overdue, None without a deadline."""
    if due is None:
        return None
    return (due - today).days


def deadline_status(due: datetime.date | None, today: datetime.date, *, answered: bool) -> DeadlineStatus:
    """Where a request stands against its deadline today; an answered request has nothing to chase."""
    left = days_left(due, today)
    if left is None or answered:
        return DeadlineStatus.NONE
    if left < 0:
        return DeadlineStatus.OVERDUE
    if left == 0:
        return DeadlineStatus.DUE_TODAY
    if left <= DUE_SOON_DAYS:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.OPEN
