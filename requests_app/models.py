"""Guide content: what the shipped guides say, edited by content editors in admin.

Guide content is keyed by `slug` so that the data files in `guide/` can be
loaded and exported idempotently. Text that a person reads exists once per
supported language as `<field>_<language>` columns (English is the source and
the fallback); `Translated.text()` picks the active language.

User data (plans, submissions, attachments, events) lives in other modules of
this package and never in these tables, so editors never see it.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

STALE_AFTER_DAYS = 180


class Translated(models.Model):
    """Mixin for models with per-language text columns such as `title_en`, `title_de`."""

    class Meta:
        abstract = True

    def text(self, field: str, language: str | None = None) -> str:
        """The field in `language` (default: the active one), falling back to English."""
        language = (language or translation.get_language() or "en").split("-")[0]
        value = getattr(self, f"{field}_{language}", "") or ""
        return value or getattr(self, f"{field}_en", "")


class Law(models.TextChoices):
    GDPR = "gdpr", _("GDPR (EU/EEA)")
    UK_GDPR = "uk_gdpr", _("UK GDPR")
    CCPA = "ccpa", _("CCPA/CPRA (California)")
    US_STATE = "us_state", _("US state privacy law")
    NONE = "none", _("No comprehensive privacy law")


class DeadlineUnit(models.TextChoices):
    MONTHS = "months", _("Calendar months")
    DAYS = "days", _("Calendar days")
    NONE = "none", _("No statutory deadline")


class Jurisdiction(Translated):
    """A legal regime: its law, the rights it gives, its deadline rule and its authority."""

    slug = models.SlugField(unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    law = models.CharField(max_length=20, choices=Law.choices)
    rights = models.JSONField(
        default=list,
        blank=True,
        help_text=_('Rights this law gives, e.g. ["object", "access", "erasure", "restriction"].'),
    )
    # Deadline rule, read by deadlines.py.
    deadline_unit = models.CharField(max_length=10, choices=DeadlineUnit.choices, default=DeadlineUnit.NONE)
    deadline_amount = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many units the controller has to answer (1 month, 45 days).")
    )
    extension_amount = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many further units the controller may extend by, with notice.")
    )
    next_working_day = models.BooleanField(
        default=False,
        help_text=_("When the due date falls on a weekend or public holiday, move it to the next working day."),
    )
    holiday_calendar = models.CharField(
        max_length=10,
        blank=True,
        help_text=_(
            'Public-holiday calendar for working days, as the "holidays" package names it, e.g. "GB", "US-CA".'
        ),
    )
    acknowledge_business_days = models.PositiveSmallIntegerField(
        default=0, help_text=_("Business days within which receipt must be confirmed (0: no such rule).")
    )
    authority_name_en = models.CharField(max_length=200, blank=True)
    authority_name_de = models.CharField(max_length=200, blank=True)
    authority_url = models.URLField(blank=True)
    authority_complaint_url = models.URLField(blank=True)
    authority_email = models.EmailField(blank=True)
    notes_en = models.TextField(blank=True, help_text=_("Internal notes for editors; not shown to people."))
    source_url = models.URLField(blank=True)
    last_verified_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_en

    def clean(self) -> None:
        """Refuse a deadline rule that deadlines.py cannot apply (e.g. an unknown holiday calendar)."""
        from django.core.exceptions import ValidationError

        from .deadlines import DeadlineRule

        try:
            DeadlineRule.from_jurisdiction(self)
        except ValueError as error:
            raise ValidationError(str(error)) from error


class RegionKind(models.TextChoices):
    EU_EEA = "eu_eea", _("EU/EEA country")
    UK = "uk", _("United Kingdom")
    US_STATE = "us_state", _("US state")
    OTHER = "other", _("Elsewhere")


class Region(Translated):
    """What a person picks as where they live: a country, or a US state."""

    slug = models.SlugField(unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_de = models.CharField(_("name (German)"), max_length=200, blank=True)
    kind = models.CharField(max_length=10, choices=RegionKind.choices)
    country_code = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2; blank for 'elsewhere'."))
    subdivision_code = models.CharField(
        max_length=6, blank=True, help_text=_('ISO 3166-2 code for US states, e.g. "US-CA".')
    )
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="regions")
    # The person's own national authority (GDPR Art. 77), beside the lead authority of the jurisdiction.
    local_authority_name_en = models.CharField(max_length=200, blank=True)
    local_authority_name_de = models.CharField(max_length=200, blank=True)
    local_authority_url = models.URLField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name_en"]

    def __str__(self) -> str:
        return self.name_en


class Platform(Translated):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    multiple_accounts = models.BooleanField(
        default=False, help_text=_("Ask how many accounts the person has (each objects separately).")
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PlatformController(models.Model):
    """Who is the data controller for a platform's users in a jurisdiction."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="controllers")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="controllers")
    name = models.CharField(max_length=200, help_text=_("e.g. Meta Platforms Ireland Limited"))
    address = models.TextField(blank=True)
    privacy_contact_url = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "jurisdiction"], name="one_controller_per_platform_jurisdiction"
            )
        ]
        ordering = ["platform", "jurisdiction"]

    def __str__(self) -> str:
        return f"{self.platform}: {self.name} ({self.jurisdiction})"


class ActionKind(models.TextChoices):
    REQUEST = "request", _("Request (filed, tracked with a deadline)")
    SETTING = "setting", _("Setting (an in-app control)")
    INFO = "info", _("Information")
    ESCALATION = "escalation", _("Escalation (complaint or reminder)")


class FilingMethod(models.TextChoices):
    FORM = "form", _("On the company's web form")
    EMAIL = "email", _("By email")
    IN_APP = "in_app", _("In the app")
    NONE = "none", _("Nothing to file")


class Audience(models.TextChoices):
    ANYONE = "anyone", _("Anyone")
    ACCOUNT_HOLDERS = "account", _("People with an account on the platform")
    NO_ACCOUNT = "no_account", _("People without an account on the platform")


class Situation(models.TextChoices):
    """Facts about a person that make an action relevant; the wizard asks for them."""

    PUBLIC_POSTS = "public_posts", _("Has public posts")
    IN_OTHERS_POSTS = "in_others_posts", _("Appears in other people's posts or photos")
    META_AI_SHOWED_INFO = "meta_ai_showed_info", _("Meta AI has shown information about them")


class Action(Translated):
    """One thing a person does: file a request, change a setting, read, or escalate."""

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=12, choices=ActionKind.choices)
    platform = models.ForeignKey(
        Platform,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        help_text=_("Blank when the action is not about one platform (e.g. a complaint to an authority)."),
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_de = models.CharField(_("title (German)"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True, help_text=_("Markdown."))
    summary_de = models.TextField(_("summary (German)"), blank=True, help_text=_("Markdown."))
    legal_basis_en = models.CharField(max_length=300, blank=True, help_text=_("e.g. GDPR Art. 21(1)"))
    legal_basis_de = models.CharField(max_length=300, blank=True)
    caveat_en = models.TextField(
        blank=True, help_text=_("Shown to people, e.g. that a form could not be verified. Never in letter text.")
    )
    caveat_de = models.TextField(blank=True)
    filing_method = models.CharField(max_length=10, choices=FilingMethod.choices, default=FilingMethod.NONE)
    official_url = models.URLField(blank=True, help_text=_("The company's own form or page."))
    email_to = models.EmailField(blank=True, help_text=_("Recipient when the request is filed by email."))
    form_fields = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "The official form's fields in order, as a list of "
            '{"label_en": ..., "label_de": ..., "value": "<Jinja2 expression such as person.email>"}.'
        ),
    )
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.ANYONE)
    per_account = models.BooleanField(
        default=False, help_text=_("One request per account on the platform (each account objects separately).")
    )
    situations = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Applies only when the person is in at least one of these situations; empty: always."),
    )
    jurisdictions = models.ManyToManyField(
        Jurisdiction, blank=True, related_name="actions", help_text=_("Where this action applies; none: everywhere.")
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[jurisdictions])

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title_en


class Step(Translated):
    """One instruction of an action, in order."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_de = models.CharField(_("title (German)"), max_length=200, blank=True)
    body_en = models.TextField(_("instructions (English)"), blank=True, help_text=_("Markdown."))
    body_de = models.TextField(_("instructions (German)"), blank=True, help_text=_("Markdown."))
    official_url = models.URLField(blank=True, help_text=_("The official page or form for this step."))
    source_url = models.URLField(blank=True, help_text=_("Where the facts in this step come from."))
    last_verified_on = models.DateField(null=True, blank=True)
    unverified = models.BooleanField(
        default=False, help_text=_("The facts come from a secondary source and await re-verification.")
    )
    caveat_en = models.TextField(blank=True)
    caveat_de = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "order", "pk"]

    def __str__(self) -> str:
        return self.title_en

    @property
    def is_stale(self) -> bool:
        """Not verified within STALE_AFTER_DAYS: editors should check it live again."""
        if self.last_verified_on is None:
            return True
        return timezone.localdate() - self.last_verified_on > datetime.timedelta(days=STALE_AFTER_DAYS)


class LetterTemplate(models.Model):
    """Jinja2 subject and body of a request action's letter, in one language.

    Rendered only by letters.py in a sandbox; validated on save.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="letter_templates")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(max_length=300)
    body = models.TextField()

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "language"], name="one_letter_per_action_language")]
        ordering = ["action", "language"]

    def __str__(self) -> str:
        return f"{self.action.slug} [{self.language}]"


# ---------------------------------------------------------------------------
# User data. Every query starts from the owner (`for_user`); editors have no
# permission on any of these models.
# ---------------------------------------------------------------------------


class Plan(models.Model):
    """An account holder's plan: the wizard's answers and the steps ticked done.

    The same JSON structure as the visitor's plan in the session (see
    plan_session.py), so claiming it on sign-up or login is a copy.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan {self.pk}"


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


class SubmissionQuerySet(models.QuerySet):
    def for_user(self, user) -> SubmissionQuerySet:
        return self.filter(user=user)


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
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    person_name = models.TextField(blank=True, help_text=_("The name the letter was written with, as given."))
    # Keys the digests of personal text in this submission's evidence events (evidence.keyed_digest).
    # Deleted with the submission, so the events left behind can no longer be matched to a guess.
    evidence_key = models.CharField(max_length=64, default=new_evidence_key, editable=False)
    account = models.CharField(max_length=300, blank=True)
    # The letter exactly as filed: frozen when filed.
    letter_subject = models.CharField(max_length=300, blank=True)
    letter_body = models.TextField(blank=True)
    form_fields = models.JSONField(default=list, blank=True)
    # Filing.
    status = models.CharField(max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_timezone = models.CharField(max_length=64, blank=True, help_text=_("IANA time zone of the person."))
    reference = models.CharField(max_length=200, blank=True)
    confirmation_text = models.TextField(blank=True)
    # Deadlines, computed from the jurisdiction's rule when filed.
    due_on = models.DateField(null=True, blank=True)
    extended_due_on = models.DateField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    acknowledge_by = models.DateField(null=True, blank=True)
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

    @property
    def current_due_on(self) -> datetime.date | None:
        return self.extended_due_on if self.extended else self.due_on


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
    """One entry of a submission's append-only, hash-chained log (see evidence.py).

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


class ReminderKind(models.TextChoices):
    WEEK_BEFORE = "week_before", _("A week before the due date")
    DAY_BEFORE = "day_before", _("The day before the due date")
    OVERDUE = "overdue", _("The day after the due date passed")


class Reminder(models.Model):
    """One reminder email about a submission's due date (see reminders.py).

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


class AccountSettings(models.Model):
    """A person's choices about the site itself: for now, whether it emails them reminders.

    No row means the defaults; one is made the first time the person changes a setting.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings")
    reminder_emails = models.BooleanField(
        default=True, help_text=_("Email a week and a day before a request's due date, and when it has passed.")
    )

    def __str__(self) -> str:
        return f"Settings {self.pk}"

    @classmethod
    def reminders_wanted(cls, user) -> bool:
        return not cls.objects.filter(user=user, reminder_emails=False).exists()
