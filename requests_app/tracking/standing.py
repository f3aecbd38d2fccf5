"""Where a request stands today: overdue, due soon, waiting, answered..., and whether it can be escalated.

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

    key: str  # overdue, due_soon, due_today, open, escalated, answered, draft, no_deadline
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
    """A refused request, or one still unanswered after its (extended) due date."""
    if submission.kind == ActionKind.ESCALATION:
        return False
    if submission.status == SubmissionStatus.REFUSED:
        return True
    due = submission.current_due_on
    waiting = submission.status in (*WAITING_STATUSES, SubmissionStatus.ESCALATED)
    return waiting and due is not None and due < today
