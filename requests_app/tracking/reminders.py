"""Reminder emails about a request's legal deadline: a week before, the day before, and once it passed.

`manage.py send_reminders` (run daily by cron or a systemd timer, see docs/DEPLOY.md) calls
`enqueue_due_reminders`, which records a `Reminder` and enqueues one `send_reminder` task for each
reminder that is due, in one transaction: the task queue is django-tasks-db's table in the same
database, so either both exist or neither does. The unique constraint on (submission, kind, due
date) makes each reminder happen once, however often and wherever the command runs; the task
itself sends at most once (it marks the reminder sent under a row lock).

While the company waits for the person's answer to a request for clarification, the clock is
stopped and nothing is sent; the answer moves the due date, and the new date gets its own reminders.

An email says only what the person needs: whom the request went to, the due date and a link to the
request page. Never the letter, the account name or anything else that was filed: mailboxes are
read on shared screens, and mail travels further than this site's pages.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..letters.contract import format_date
from ..models import WAITING_STATUSES, AccountSettings, Reminder, ReminderKind, Submission
from . import deadlines

logger = logging.getLogger(__name__)


class ReminderNotSent(Exception):  # noqa: N818 (it reads as what happened)
    """Sending failed; says how, never to whom."""


# Days left until the due date (negative once it passed) in which each reminder may go. The windows
# are disjoint, and wider than one day so that a day the command did not run still gets its email
# on the next run; outside them nothing is sent (no week-before email three days before it passes
# the day before's, no overdue email about a deadline long gone).
WINDOWS: dict[ReminderKind, range] = {
    ReminderKind.WEEK_BEFORE: range(2, 8),
    ReminderKind.DAY_BEFORE: range(0, 2),  # noqa: PIE808 - written like its neighbours
    ReminderKind.OVERDUE: range(-7, 0),
}
# Every person's "today" is within a day of UTC's, so this many days either side of the widest
# window finds every candidate in one query; each is then judged by its own time zone.
_SEARCH_DAYS = 9

# A reminder recorded this long ago and still unsent failed to send (the mail server was down):
# the next run enqueues it again. The task sends at most once, so a slow worker costs a spare task.
RETRY_UNSENT_AFTER = datetime.timedelta(hours=1)

# The person has acted already (escalated) or the company answered: nothing to remind of.
REMINDED_STATUSES = WAITING_STATUSES


def reminder_kind(due_on: datetime.date | None, today: datetime.date) -> ReminderKind | None:
    """Which reminder is due about `due_on` on `today`, if any."""
    left = deadlines.days_left(due_on, today)
    if left is None:
        return None
    for kind, window in WINDOWS.items():
        if left in window:
            return kind
    return None


@dataclass(frozen=True)
class DueReminder:
    submission: Submission
    kind: ReminderKind
    due_on: datetime.date


def due_reminders(now: datetime.datetime | None = None) -> Iterator[DueReminder]:
    """The reminders due now and not yet recorded, each judged by the day where the person filed."""
    now = now or timezone.now()
    utc_today = now.astimezone(datetime.UTC).date()
    low, high = utc_today - datetime.timedelta(days=_SEARCH_DAYS), utc_today + datetime.timedelta(days=_SEARCH_DAYS)
    candidates = (
        Submission.objects.filter(status__in=REMINDED_STATUSES, paused_since__isnull=True)
        .filter(Q(extended=False, due_on__range=(low, high)) | Q(extended=True, extended_due_on__range=(low, high)))
        .exclude(user__email="")
        .exclude(user__account_settings__reminder_emails=False)
        .prefetch_related("reminders")
        .order_by("pk")
    )
    for submission in candidates:
        due_on = submission.current_due_on
        kind = reminder_kind(due_on, submission.person_today(now))
        if kind is None:
            continue
        if any(sent.kind == kind and sent.due_on == due_on for sent in submission.reminders.all()):
            continue
        yield DueReminder(submission, kind, due_on)


def enqueue_due_reminders(now: datetime.datetime | None = None) -> int:
    """Record and enqueue every reminder that is due, and again those that failed to send.

    Returns how many tasks this call enqueued.
    """
    now = now or timezone.now()
    enqueued = 0
    unsent = Reminder.objects.filter(
        sent_at__isnull=True, created_at__lt=now - RETRY_UNSENT_AFTER, submission__status__in=REMINDED_STATUSES
    ).select_related("submission")
    for reminder in unsent:
        if still_due(reminder) and reminder_kind(reminder.due_on, reminder.submission.person_today(now)) == (
            reminder.kind
        ):
            send_reminder.enqueue(reminder.pk)
            enqueued += 1
    for due in due_reminders(now):
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    submission=due.submission, kind=due.kind, due_on=due.due_on, created_at=now
                )
                send_reminder.enqueue(reminder.pk)
        except IntegrityError:
            # Another run (another machine's cron) recorded it between our query and our insert.
            continue
        enqueued += 1
    return enqueued


def still_due(reminder: Reminder) -> bool:
    """Whether the reminder still says something true (unanswered, the due date unchanged, the clock
    not stopped for clarification) and is still wanted (the person may have turned reminders off
    since it was queued)."""
    submission = reminder.submission
    return (
        submission.status in REMINDED_STATUSES
        and submission.paused_since is None
        and submission.current_due_on == reminder.due_on
        and AccountSettings.reminders_wanted(submission.user_id)
    )


def _template(part: str, language: str) -> str:
    return f"requests_app/tracking/emails/reminder_{part}_{language}.txt"


def email_language(language: str) -> str:
    """`language` if the reminder is written in it (both templates exist), else English.

    The whole email is in one language: a French request without French templates gets the English
    subject, body and dates, never English sentences around a French date or French UI strings.
    """
    if not language.isalpha():
        return settings.LANGUAGE_CODE
    for part in ("subject", "body"):
        try:
            get_template(_template(part, language))
        except TemplateDoesNotExist:
            return settings.LANGUAGE_CODE
    return language


def reminder_message(reminder: Reminder) -> EmailMessage:
    """The email for `reminder`, in the language the request was made in when the email is written
    in it, else all in English."""
    submission = reminder.submission
    language = email_language((submission.language or settings.LANGUAGE_CODE).split("-")[0])
    recipient = submission.recipient or submission.platform_name or submission.action_title
    context = {
        "kind": reminder.kind,
        "title": submission.action_title,
        "who": f"{recipient} ({submission.platform_name})"
        if submission.platform_name and submission.platform_name not in recipient
        else recipient,
        "due_on": format_date(reminder.due_on, language),
        "url": settings.SITE_URL + reverse("tracking:detail", args=[submission.pk]),
    }
    with translation.override(language):
        subject = render_to_string(_template("subject", language), context)
        body = render_to_string(_template("body", language), context)
    # A subject is one line, whatever the template's trailing newline.
    subject = " ".join(subject.split())
    return EmailMessage(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        to=[submission.user.email],
    )


@task()
def send_reminder(reminder_id: int) -> bool:
    """Send one reminder email, at most once; returns whether an email went.

    Under a row lock, so two workers given the same task never both send. When the request was
    answered (or its deadline extended) after the reminder was enqueued, nothing is sent. A failure
    to send rolls back, leaving the reminder unsent and the task failed for the worker's log.
    """
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update().select_related("submission__user").filter(pk=reminder_id).first()
        )
        # Gone with its account, or sent by an earlier run of this task.
        if reminder is None or reminder.sent_at is not None:
            return False
        if not still_due(reminder):
            return False
        try:
            reminder_message(reminder).send()
        except Exception as error:
            # Mail errors name the recipient (SMTPRecipientsRefused holds the address), and the task's
            # traceback is logged and kept in the task table: fail with the error's kind only.
            raise ReminderNotSent(f"{type(error).__name__} while sending reminder {reminder.pk}") from None
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    logger.info("Sent the %s reminder %s", reminder.kind, reminder.pk)
    return True
