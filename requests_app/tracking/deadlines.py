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
- The clock that stops while the company asks for clarification (UK GDPR
  Art. 12A, from 5 February 2026; its Part 3 twin, DPA 2018 s.54(3C), reads the
  same): "the period beginning with the day on which the controller makes the
  request and ending with the day on which the controller receives the
  information does not count". Both days are in the pause, so asked on 3 March
  and answered on 12 March is ten days; the end of the period (and of the
  extended one) moves by them, and then the working-day rule applies as
  without a pause. A rule says whether it pauses (`DeadlineRule.clarification_pause`)
  and for requests received from which day; days after a period has ended do
  not count towards it, so a pause that starts after the due date leaves it.

A request may be recorded as filed on any day from the GDPR's first day
(`EARLIEST_FILING_DAY`): people often filed long before they found this site.
"""

from __future__ import annotations

import calendar
import datetime
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import holidays

UNITS = ("months", "days", "none")
DUE_SOON_DAYS = 7
# 25 May 2018, the day the GDPR began to apply: no request under the laws this site tracks is older.
EARLIEST_FILING_DAY = datetime.date(2018, 5, 25)
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
    # Whether the period stops while the company asks for clarification, and the first day of
    # receipt it does so for (None: every day); requests received before it keep the old rule.
    clarification_pause: bool = False
    clarification_pause_from: datetime.date | None = None

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
        if not isinstance(self.clarification_pause, bool):
            raise ValueError(f"clarification_pause must be true or false, not {self.clarification_pause!r}.")
        if self.clarification_pause_from is not None:
            if not self.clarification_pause:
                raise ValueError("clarification_pause_from needs clarification_pause.")
            if type(self.clarification_pause_from) is not datetime.date:
                raise ValueError(f"clarification_pause_from must be a date, not {self.clarification_pause_from!r}.")
        if self.clarification_pause and self.unit == "none":
            raise ValueError("Without a deadline there is no clock to stop.")

    @classmethod
    def from_jurisdiction(
        cls,
        jurisdiction: Any,
        *,
        clarification_pause: bool = False,
        clarification_pause_from: datetime.date | None = None,
    ) -> DeadlineRule:
        """Read the rule off anything with the `Jurisdiction` deadline fields (no model import here).

        Whether the clock stops for clarification is not a field of the jurisdiction: it depends on the
        request too (UK GDPR Art. 12A pauses access requests, not objections), so the caller says
        (`rules.deadline_rule`, which reads it from content).
        """
        return cls(
            unit=jurisdiction.deadline_unit,
            amount=jurisdiction.deadline_amount,
            extension_amount=jurisdiction.extension_amount,
            next_working_day=jurisdiction.next_working_day,
            holiday_calendar=jurisdiction.holiday_calendar or "",
            acknowledge_business_days=jurisdiction.acknowledge_business_days,
            clarification_pause=clarification_pause,
            clarification_pause_from=clarification_pause_from,
        )

    def as_dict(self) -> dict[str, Any]:
        """The rule as plain JSON data, as a submission keeps the rule it was filed under."""
        return {
            "unit": self.unit,
            "amount": self.amount,
            "extension_amount": self.extension_amount,
            "next_working_day": self.next_working_day,
            "holiday_calendar": self.holiday_calendar,
            "acknowledge_business_days": self.acknowledge_business_days,
            "clarification_pause": self.clarification_pause,
            "clarification_pause_from": (
                self.clarification_pause_from.isoformat() if self.clarification_pause_from else None
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlineRule:
        """The rule `as_dict` wrote (keys it did not write are refused); ValueError for anything else."""
        if not isinstance(data, Mapping) or set(data) - set(_RULE_KEYS):
            raise ValueError(f"Not a deadline rule: {data!r}.")
        fields = dict(data)
        pause_from = fields.get("clarification_pause_from")
        if pause_from is not None:
            try:
                fields["clarification_pause_from"] = datetime.date.fromisoformat(pause_from)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"clarification_pause_from must be an ISO date, not {pause_from!r}.") from exc
        try:
            return cls(**fields)
        except (TypeError, AttributeError) as exc:  # a field of the wrong type
            raise ValueError(f"Not a deadline rule: {data!r}.") from exc

    def pauses_for(self, received: datetime.date) -> bool:
        """Whether a request received on `received` has a clock that stops for clarification."""
        if not self.clarification_pause:
            return False
        return self.clarification_pause_from is None or received >= self.clarification_pause_from


_RULE_KEYS = tuple(DeadlineRule.__dataclass_fields__)


@dataclass(frozen=True)
class Pause:
    """The company asked for clarification on `asked_on`; the person answered on `answered_on` (None: not yet)."""

    asked_on: datetime.date
    answered_on: datetime.date | None = None

    @property
    def is_open(self) -> bool:
        return self.answered_on is None

    def last_day(self, today: datetime.date) -> datetime.date:
        """The pause's last day: the answer's, or today's while no answer has come."""
        return self.answered_on if self.answered_on is not None else today

    def days(self, today: datetime.date) -> int:
        """How many days it stops the clock, both its first and its last day counted."""
        return (self.last_day(today) - self.asked_on).days + 1


def check_pauses(
    received: datetime.date, rule: DeadlineRule, pauses: Iterable[Pause], today: datetime.date
) -> tuple[Pause, ...]:
    """The pauses in order, or ValueError saying which one the law or the calendar rules out.

    Refused: any pause under a rule (or for a receipt day) without the pause; a pause asked for
    before the request was received, or answered before it was asked for; a day after `today`; a
    pause that starts before the previous one was answered (a shared day is fine: it counts once);
    an unanswered pause followed by another.
    """
    # An unanswered pause sorts after an answered one that starts and ends on the same days (asked
    # and answered today, then asked again today), so the order the pauses come in never matters.
    ordered = tuple(sorted(pauses, key=lambda pause: (pause.asked_on, pause.last_day(today), pause.is_open)))
    if ordered and not rule.pauses_for(received):
        raise ValueError("This deadline does not stop while the company asks for clarification.")
    previous: Pause | None = None
    for pause in ordered:
        if pause.asked_on < received:
            raise ValueError(f"A pause cannot start ({pause.asked_on}) before the request was received ({received}).")
        if pause.answered_on is not None and pause.answered_on < pause.asked_on:
            raise ValueError(f"A pause cannot end ({pause.answered_on}) before it starts ({pause.asked_on}).")
        if pause.last_day(today) > today or pause.asked_on > today:
            raise ValueError(f"A pause cannot start or end after today ({today}).")
        if previous is not None:
            if previous.is_open:
                raise ValueError("Only the last pause can still be waiting for an answer.")
            if pause.asked_on < previous.last_day(today):
                raise ValueError(f"The pause from {pause.asked_on} starts before the previous one ended.")
        previous = pause
    return ordered


def _stopped_spans(pauses: Sequence[Pause], today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    # The days the clock stood still, as (first, last) runs in order; a day shared by two pauses
    # (asked again on the day of an answer) is in one run only. `pauses` are checked and in order.
    spans: list[tuple[datetime.date, datetime.date]] = []
    for pause in pauses:
        first, last = pause.asked_on, pause.last_day(today)
        if spans and first <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(last, spans[-1][1]))
        else:
            spans.append((first, last))
    return spans


def paused_days(received: datetime.date, rule: DeadlineRule, pauses: Iterable[Pause], today: datetime.date) -> int:
    """How many days the pauses stop the clock together (a day shared by two counts once), an
    unanswered pause up to `today`; checked as `check_pauses` does."""
    return sum(
        (last - first).days + 1 for first, last in _stopped_spans(check_pauses(received, rule, pauses, today), today)
    )


def is_paused(pauses: Iterable[Pause]) -> bool:
    """Whether the clock is stopped now: the company is waiting for an answer."""
    return any(pause.is_open for pause in pauses)


def _period_end(
    received: datetime.date,
    rule: DeadlineRule,
    amount: int,
    pauses: Sequence[Pause],
    today: datetime.date | None,
) -> datetime.date | None:
    if rule.unit == "none":
        return None
    # Calendar days count from the day after receipt (Regulation 1182/71, Art. 3(1)).
    end = add_months(received, amount) if rule.unit == "months" else received + datetime.timedelta(days=amount)
    if pauses:
        if today is None:
            raise ValueError("Pauses are judged against today: pass `today`.")
        for first, last in _stopped_spans(check_pauses(received, rule, pauses, today), today):
            # A day after the period has ended does not count towards it, paused or not; while the
            # working-day rule keeps the period open past a weekend, a pause asked for then still counts.
            if first > _working_end(end, rule):
                break
            end += datetime.timedelta(days=(last - first).days + 1)
    return _working_end(end, rule)


def _working_end(end: datetime.date, rule: DeadlineRule) -> datetime.date:
    return next_working_day(end, rule.holiday_calendar) if rule.next_working_day else end


def due_date(
    received: datetime.date,
    rule: DeadlineRule,
    pauses: Sequence[Pause] = (),
    *,
    today: datetime.date | None = None,
) -> datetime.date | None:
    """When the answer is due; None when the law sets no deadline.

    `pauses` (the company's requests for clarification, checked by `check_pauses` against `today`)
    move it by the days they stopped the clock; a pause still waiting for an answer counts up to
    `today`, so the date it gives is the earliest the answer can be due.
    """
    return _period_end(received, rule, rule.amount, pauses, today)


def extended_due_date(
    received: datetime.date,
    rule: DeadlineRule,
    pauses: Sequence[Pause] = (),
    *,
    today: datetime.date | None = None,
) -> datetime.date | None:
    """The latest date with the extension, counted whole from receipt; None when no extension exists.

    Counted as one period (GDPR: three months from receipt, so 31 January runs
    to 30 April, not to 28 April via 28 February), the same working-day rule applied,
    and moved by the pauses that fall within it as `due_date` is.
    """
    if rule.extension_amount == 0:
        return None
    return _period_end(received, rule, rule.amount + rule.extension_amount, pauses, today)


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
