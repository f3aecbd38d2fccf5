"""Request tracking's data: submissions, their status changes and clarification pauses, screenshots,
evidence events, reminders.

Every query for these starts from the owner (`Submission.objects.for_user`); editors have no
permission on any of them. Facts about the guide are copied onto a submission when it is made, so
later edits to guide content never change the record of what was filed.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..tracking import deadlines
from ..tracking.deadlines import DUE_SOON_DAYS
from .guide import Action, ActionKind, Law, check_language


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Not filed yet")
    FILED = "filed", _("Filed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    ESCALATED = "escalated", _("Escalated")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def new_evidence_key() -> str:
    return secrets.token_hex(32)


# Statuses after which the company has answered: no deadline is running.
ANSWERED_STATUSES = frozenset({SubmissionStatus.GRANTED, SubmissionStatus.REFUSED, SubmissionStatus.WITHDRAWN})
# Filed and not answered: the company's deadline is running.
WAITING_STATUSES = (SubmissionStatus.FILED, SubmissionStatus.ACKNOWLEDGED)


class SubmissionQuerySet(models.QuerySet):
    def for_user(self, user) -> SubmissionQuerySet:
        return self.filter(user=user)

    def originals(self) -> SubmissionQuerySet:
        """The requests of a plan, without the escalations that follow from them (one per plan item)."""
        return self.filter(escalates__isnull=True)

    def by_urgency(self, today: datetime.date) -> SubmissionQuerySet:
        """Most urgent first: overdue, due within a week or waiting for the person's answer to a
        request for clarification (the clock is stopped: it is their move), waiting, escalated,
        answered, drafts."""
        paused = Q(status__in=WAITING_STATUSES, paused_since__isnull=False)
        waiting = Q(status__in=WAITING_STATUSES, paused_since__isnull=True)
        return (
            self.annotate(
                current_due=Case(When(extended=True, then=F("extended_due_on")), default=F("due_on")),
            )
            .annotate(
                urgency=Case(
                    When(waiting & Q(current_due__lt=today), then=Value(0)),
                    When(
                        waiting & Q(current_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
                        then=Value(1),
                    ),
                    When(paused, then=Value(1)),
                    When(waiting, then=Value(2)),
                    When(status=SubmissionStatus.ESCALATED, then=Value(3)),
                    When(status__in=list(ANSWERED_STATUSES), then=Value(4)),
                    default=Value(5),
                    output_field=IntegerField(),
                )
            )
            .order_by("urgency", F("current_due").asc(nulls_last=True), "-created_at", "pk")
        )


class Submission(models.Model):
    """One tracked request: what was (or will be) filed with whom, and what happened since.

    Facts about the guide at filing time are copied here (action, platform,
    region, law, content version), so later edits to guide content never change
    the record of what was filed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    plan_item_key = models.CharField(max_length=100, help_text=_('The plan item, e.g. "object-ai-instagram#2".'))
    escalates = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="escalations")
    # Frozen facts about the guide when the submission was created.
    action_slug = models.SlugField()
    action_title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=ActionKind.choices, default=ActionKind.REQUEST)
    platform_name = models.CharField(max_length=100, blank=True)
    region_slug = models.SlugField()
    region_name = models.CharField(max_length=200)
    jurisdiction_slug = models.SlugField()
    law = models.CharField(max_length=20, choices=Law.choices)
    legal_basis = models.CharField(max_length=300, blank=True)
    official_url = models.URLField(blank=True)
    recipient = models.CharField(max_length=200, blank=True, help_text=_("Controller or authority addressed."))
    content_version = models.CharField(max_length=64, blank=True)
    # Validated in clean() rather than with choices=settings.LANGUAGES, so a new language needs no migration.
    language = models.CharField(max_length=8, default="en", help_text=_("A language code of settings.LANGUAGES."))
    person_name = models.TextField(blank=True, help_text=_("The name the letter was written with, as given."))
    # Keys the digests of personal text in this submission's evidence events (evidence/chain.py, keyed_digest).
    # Deleted with the submission, so the events left behind can no longer be matched to a guess.
    evidence_key = models.CharField(max_length=64, default=new_evidence_key, editable=False)
    account = models.CharField(max_length=300, blank=True)
    # The letter exactly as filed: frozen when filed.
    letter_subject = models.CharField(max_length=300, blank=True)
    letter_body = models.TextField(blank=True)
    form_fields = models.JSONField(default=list, blank=True)
    # Filing.
    status = models.CharField(max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    # When the person says they filed (it may be years before they found this site), and when the
    # filing was recorded here by the site's clock (the `filed` event's time).
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_timezone = models.CharField(max_length=64, blank=True, help_text=_("IANA time zone of the person."))
    filing_recorded_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    confirmation_text = models.TextField(blank=True)
    # Deadlines, computed from the jurisdiction's rule when filed (kept here as it was then:
    # deadlines.DeadlineRule.as_dict(); empty for requests filed before rules were kept), and
    # moved by the pauses while the company asked for clarification.
    deadline_rule = models.JSONField(default=dict, blank=True)
    due_on = models.DateField(null=True, blank=True)
    extended_due_on = models.DateField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    acknowledge_by = models.DateField(null=True, blank=True)
    paused_since = models.DateField(
        null=True, blank=True, help_text=_("While the company waits for an answer to its request for clarification.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["user", "status", "due_on"], name="submission_user_status_due"),
            models.Index(fields=["user", "created_at"], name="submission_user_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan_item_key"],
                condition=models.Q(escalates__isnull=True),
                name="one_submission_per_plan_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action_title} ({self.pk})"

    def clean(self) -> None:
        check_language(self.language)

    @property
    def current_due_on(self) -> datetime.date | None:
        return self.extended_due_on if self.extended else self.due_on

    @property
    def received_on(self) -> datetime.date | None:
        """The day the person says they filed, where they were: the day deadlines count from."""
        return self.filed_at.astimezone(self.person_zone()).date() if self.filed_at else None

    @property
    def recorded_on(self) -> datetime.date | None:
        """The day the filing was recorded here (the site's clock), where the person filed."""
        return self.filing_recorded_at.astimezone(self.person_zone()).date() if self.filing_recorded_at else None

    @property
    def recorded_later(self) -> bool:
        """Whether the filing was recorded here on a later day than the person says they filed."""
        return bool(self.received_on and self.recorded_on and self.recorded_on > self.received_on)

    def pauses(self) -> list[deadlines.Pause]:
        """The company's requests for clarification, as the deadline arithmetic reads them."""
        return [pause.as_pause() for pause in self.clarification_pauses.all()]

    def guide_facts(self) -> dict[str, str]:
        """The guide's facts this submission was made with, under their own names: what its first
        evidence event, its evidence record and the account export state about them."""
        return {
            "law": self.law,
            "legal_basis": self.legal_basis,
            "official_url": self.official_url,
            "recipient": self.recipient,
            "content_version": self.content_version,
            "language": self.language,
        }

    def filing_facts(self) -> dict[str, str | bool | None]:
        """What recording the filing kept (the reference and confirmation) and the deadlines it set,
        dates as ISO 8601: as the evidence record and the account export state them."""
        return {
            "reference": self.reference,
            "confirmation_text": self.confirmation_text,
            "deadline_rule": self.deadline_rule or None,
            "due_on": _iso(self.due_on),
            "extended_due_on": _iso(self.extended_due_on),
            "extended": self.extended,
            "acknowledge_by": _iso(self.acknowledge_by),
            "paused_since": _iso(self.paused_since),
        }

    def person_zone(self) -> ZoneInfo:
        """The time zone the person filed in: UTC before they filed, or when the stored name is unknown
        (a zone the time zone database no longer has must not break their pages)."""
        try:
            return ZoneInfo(self.filed_timezone or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def person_today(self, now: datetime.datetime | None = None) -> datetime.date:
        """Today where the person filed (in UTC before they said): the day deadlines are judged by."""
        return (now or timezone.now()).astimezone(self.person_zone()).date()


class StatusChange(models.Model):
    """A change of a submission's status, with the date it happened and the company's reply if any."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=12, choices=SubmissionStatus.choices)
    happened_on = models.DateField()
    note = models.TextField(blank=True)
    reply_text = models.TextField(blank=True, help_text=_("The company's reply, pasted."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["happened_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.status} on {self.happened_on}"


class ClarificationPause(models.Model):
    """The company asked for clarification on a day, and the person answered on a later one (blank
    while it waits): where the request's rule has the pause (UK GDPR Art. 12A), those days do not
    count towards its deadline (tracking/deadlines.py). One at a time per request."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="clarification_pauses")
    asked_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["asked_on", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission"], condition=Q(answered_on__isnull=True), name="one_open_pause_per_submission"
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("asked_on")),
                name="pause_answered_on_or_after_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"clarification asked on {self.asked_on}, answered on {self.answered_on or '-'}"

    def as_pause(self) -> deadlines.Pause:
        return deadlines.Pause(self.asked_on, self.answered_on)


class Attachment(models.Model):
    """An uploaded screenshot or reply, re-encoded (no EXIF, no GPS) and kept in the database.

    Kept as bytes in the database so every app server on one PostgreSQL sees
    it and there is one thing to back up.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    content = models.BinaryField()
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"


class EventType(models.TextChoices):
    CREATED = "created", _("Created")
    LETTER_FROZEN = "letter_frozen", _("Letter frozen")
    FILED = "filed", _("Filed")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REPLY_RECORDED = "reply_recorded", _("Reply recorded")
    ESCALATED = "escalated", _("Escalated")
    EXPORTED = "exported", _("Exported")


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Events are append-only.")

    def delete(self):
        raise TypeError("Events are append-only.")


class Event(models.Model):
    """One entry of a submission's append-only, hash-chained log (see evidence/chain.py).

    It refers to the submission by id, not by foreign key, and holds facts and
    hashes only (never personal text), so it outlives deleted content and the
    chain still verifies. The database refuses UPDATE and DELETE (triggers in
    migration 0004) as well as this model's API.
    """

    submission_id = models.UUIDField(db_index=False)
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=20, choices=EventType.choices)
    at = models.DateTimeField()
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["submission_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["submission_id", "seq"], name="one_event_per_seq")]

    def __str__(self) -> str:
        return f"{self.submission_id} #{self.seq} {self.type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Events are append-only.")


class EventTimestampQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Event timestamps are append-only.")

    def delete(self):
        raise TypeError("Event timestamps are append-only.")


class EventTimestamp(models.Model):
    """An RFC 3161 timestamp of the chain head an event made (its `hash`), from a time-stamping authority.

    Kept beside the event, never on it: Event rows are append-only, so a token that arrives later
    (the worker asks the authority after the event is committed, and again if it failed) is a row
    of its own, one per event, written once and refused UPDATE and DELETE like the events
    (migration 0014). `hash` repeats the event's hash the token vouches for, so the token is
    checked without trusting the join; `authority` and `time` are read from the token when stored.
    """

    event = models.OneToOneField(Event, on_delete=models.PROTECT, primary_key=True, related_name="timestamp")
    hash = models.CharField(max_length=64)
    token = models.BinaryField()  # DER ContentInfo holding the authority's SignedData over a TSTInfo
    authority = models.CharField(max_length=300)
    time = models.DateTimeField()  # the TSTInfo's genTime, as the authority states it
    created_at = models.DateTimeField(default=timezone.now)

    objects = EventTimestampQuerySet.as_manager()

    def __str__(self) -> str:
        return f"timestamp of event {self.event_id} by {self.authority}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Event timestamps are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Event timestamps are append-only.")


class ReminderKind(models.TextChoices):
    WEEK_BEFORE = "week_before", _("A week before the due date")
    DAY_BEFORE = "day_before", _("The day before the due date")
    OVERDUE = "overdue", _("The day after the due date passed")


class Reminder(models.Model):
    """One reminder email about a submission's due date (see tracking/reminders.py).

    Created in the same transaction that enqueues the task which sends it, and unique per
    submission, kind and due date: however often `send_reminders` runs, and on however many
    machines, each reminder is sent once. The due date is part of the key because an extension
    moves the deadline, and the new date deserves its own reminders.
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    due_on = models.DateField(help_text=_("The due date this reminder is about."))
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, help_text=_("Blank until the email has gone."))

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind", "due_on"], name="one_reminder_per_kind_and_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for {self.submission_id} (due {self.due_on})"
