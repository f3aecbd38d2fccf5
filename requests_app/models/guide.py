"""Guide content: what the shipped guides say, edited by content editors in admin.

Guide content is keyed by `slug` so that the data files in `guide/data/` can be loaded and
exported idempotently. Text that a person reads exists once per supported language as
`<field>_<language>` columns (English is the source and the fallback); `Translated.text()` picks
the active language.

No user data lives in these tables (it is in `models/tracking.py` and `models/accounts.py`), and
the "Content editors" group may change nothing else, so editors never see a person's data.
"""

from __future__ import annotations

import datetime

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
    # Deadline rule, read by tracking/deadlines.py.
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
        """Refuse a deadline rule that tracking/deadlines.py cannot apply (e.g. an unknown holiday calendar)."""
        from django.core.exceptions import ValidationError

        from ..tracking.deadlines import DeadlineRule

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

    Rendered only in the letters sandbox (letters/sandbox.py); validated on save (letters/validate.py).
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
