"""Where a request stands today: overdue, due soon, waiting, paused, answered..., whether it can be
escalated, and how the company's requests for clarification moved its deadline.

What the dashboard, the request page and the evidence PDF say about a request's deadline, in the
active language. How a standing looks (its colour) is the templates' business
(`tracking/includes/standing_tag.html`). Pure: a submission and a day in, plain data out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..letters.contract import format_date
from ..models import ANSWERED_STATUSES, WAITING_STATUSES, ActionKind, Submission, SubmissionStatus
from . import deadlines


@dataclass(frozen=True)
class Standing:
    """Where a request stands today, as the dashboard and the request page show it."""

    key: str  # overdue, due_soon, due_today, open, paused, escalated, answered, draft, no_deadline
    tag: str
    detail: str
    days: int | None = None
    status: str = ""  # the submission's status (answered: granted, refused or withdrawn)


def standing(submission: Submission, today: datetime.date) -> Standing:
    status = submission.status
    label = SubmissionStatus(status).label
    if status == SubmissionStatus.DRAFT:
        return Standing("draft", str(label), _("Not filed yet: record it once you have sent it"), status=status)
    if status in ANSWERED_STATUSES:
        return Standing("answered", str(label), "", status=status)
    if submission.paused_since is not None and status in WAITING_STATUSES:
        # The clock is stopped: nothing is due until the person answers the company.
        return Standing(
            "paused",
            _("Paused"),
            _("The company asked for clarification on %(date)s: the deadline is paused until you answer")
            % {"date": format_date(submission.paused_since, translation.get_language() or "en")},
            status=status,
        )
    due = submission.current_due_on
    left = deadlines.days_left(due, today)
    if status == SubmissionStatus.ESCALATED:
        return Standing("escalated", str(label), _("You escalated this request"), left, status=status)
    state = deadlines.deadline_status(due, today, answered=False)
    due_text = format_date(due, translation.get_language() or "en") if due else ""
    if state == deadlines.DeadlineStatus.OVERDUE:
        overdue = -left
        return Standing(
            "overdue",
            _("Overdue"),
            ngettext(
                "Overdue by %(days)d day (was due %(date)s)", "Overdue by %(days)d days (was due %(date)s)", overdue
            )
            % {"days": overdue, "date": due_text},
            left,
            status=status,
        )
    if state == deadlines.DeadlineStatus.DUE_TODAY:
        return Standing("due_today", _("Due today"), _("The answer is due today"), 0, status=status)
    if state == deadlines.DeadlineStatus.DUE_SOON:
        return Standing(
            "due_soon",
            _("Due soon"),
            ngettext("Due in %(days)d day (%(date)s)", "Due in %(days)d days (%(date)s)", left)
            % {"days": left, "date": due_text},
            left,
            status=status,
        )
    if state == deadlines.DeadlineStatus.OPEN:
        return Standing("open", str(label), _("Due on %(date)s") % {"date": due_text}, left, status=status)
    return Standing("no_deadline", str(label), _("The law sets no deadline for an answer"), status=status)


def can_escalate(submission: Submission, today: datetime.date) -> bool:
    """A refused request, or one still unanswered after its (extended) due date; not while the
    company waits for the person's answer to its request for clarification (the clock is stopped)."""
    if submission.kind == ActionKind.ESCALATION:
        return False
    if submission.status == SubmissionStatus.REFUSED:
        return True
    if submission.paused_since is not None:
        return False
    due = submission.current_due_on
    waiting = submission.status in (*WAITING_STATUSES, SubmissionStatus.ESCALATED)
    return waiting and due is not None and due < today


@dataclass(frozen=True)
class PausedDeadline:
    """How the company's requests for clarification moved a request's due dates, as the request page
    and the evidence PDF explain it: each pause with its days, the dates without them and, while the
    company waits for an answer, the dates an answer today would give."""

    pauses: list[tuple[deadlines.Pause, int]]
    days: int
    due_without: datetime.date | None
    extended_without: datetime.date | None
    is_open: bool
    due_if_answered_today: datetime.date | None = None
    extended_if_answered_today: datetime.date | None = None


def paused_deadline(
    received: datetime.date, rule: deadlines.DeadlineRule, pauses: list[deadlines.Pause], today: datetime.date
) -> PausedDeadline | None:
    """None without pauses (or when they no longer fit the rule: the stored dates then stand alone)."""
    if not pauses:
        return None
    try:
        ordered = deadlines.check_pauses(received, rule, pauses, today)
        days = deadlines.paused_days(received, rule, ordered, today)
        is_open = deadlines.is_paused(ordered)
        if_answered = (
            (
                deadlines.due_date(received, rule, ordered, today=today),
                deadlines.extended_due_date(received, rule, ordered, today=today),
            )
            if is_open
            else (None, None)
        )
    except ValueError:
        return None
    return PausedDeadline(
        pauses=[(pause, pause.days(today)) for pause in ordered],
        days=days,
        due_without=deadlines.due_date(received, rule),
        extended_without=deadlines.extended_due_date(received, rule),
        is_open=is_open,
        due_if_answered_today=if_answered[0],
        extended_if_answered_today=if_answered[1],
    )
