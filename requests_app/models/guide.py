"""Guide content: what the shipped guides say, edited by content editors in admin.

Guide content is keyed by `slug` so that the data files in `guide/data/` can be loaded and
exported idempotently. Text that a person reads lives in rows, not columns: each translated model
has a text model (`JurisdictionText`, `RegionText`, `ActionText`, `StepText`) with one row per
(object, language), as `LetterTemplate` is one row per (action, language). English is the source
and the fallback; `Translated.text()` picks the active language. The language is checked in
`clean()` against settings.LANGUAGES rather than with `choices=`, so a new language is a settings
entry, rows and a `.po` file, never a migration.

No user data lives in these tables (it is in `models/tracking.py` and `models/accounts.py`), and
the "Content editors" group may change nothing else, so editors never see a person's data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

STALE_AFTER_DAYS = 180


def check_language(language: str) -> None:
    """Refuse a language that is not in settings.LANGUAGES (the one list of languages the site offers)."""
    offered = [code for code, _name in settings.LANGUAGES]
    if language not in offered:
        raise ValidationError(
            {
                "language": _("“%(language)s” is not a language of this site (%(offered)s).")
                % {"language": language, "offered": ", ".join(offered)}
            }
        )


def _language(language: str | None) -> str:
    return (language or translation.get_language() or SOURCE_LANGUAGE).split("-")[0]


SOURCE_LANGUAGE = "en"


class TranslatedQuerySet(models.QuerySet):
    def with_texts(self, language: str) -> TranslatedQuerySet:
        """Join the rows in `language` and in English, so `text()` reads them with no further query.

        Two LEFT JOINs in the same query (no prefetch query), so the guide snapshot's query count does
        not grow with the number of translated models.
        """
        model = self.model
        fields = model.translated_fields()
        language = _language(language)
        joins = {"_text_source": FilteredRelation("texts", condition=Q(texts__language=SOURCE_LANGUAGE))}
        if language != SOURCE_LANGUAGE:
            joins["_text_target"] = FilteredRelation("texts", condition=Q(texts__language=language))
        values = {f"_text_{name}_{SOURCE_LANGUAGE}": F(f"_text_source__{name}") for name in fields}
        if language != SOURCE_LANGUAGE:
            values |= {f"_text_{name}_{language}": F(f"_text_target__{name}") for name in fields}
        return self.prefetch_related(None).annotate(**joins).annotate(**values)


class TranslatedManager(models.Manager.from_queryset(TranslatedQuerySet)):
    """Prefetch the text rows by default, so `str()` and `text()` in lists (admin, choices) cost one query."""

    def get_queryset(self) -> TranslatedQuerySet:
        return super().get_queryset().prefetch_related("texts")


class Translated(models.Model):
    """Mixin for content models whose text lives in a text model with `related_name="texts"`."""

    objects = TranslatedManager()

    class Meta:
        abstract = True

    @classmethod
    def text_model(cls) -> type[TextRow]:
        return cls._meta.get_field("texts").related_model

    @classmethod
    def translated_fields(cls) -> tuple[str, ...]:
        """The names of the translated fields (`title`, `body`, ...), in declaration order."""
        return cls.text_model().translated_fields()

    def text(self, field: str, language: str | None = None, *, fallback: bool = True) -> str:
        """The field in `language` (default: the active one), falling back to English unless told not to."""
        language = _language(language)
        for code in (language, SOURCE_LANGUAGE) if fallback else (language,):
            joined = f"_text_{field}_{code}"
            if joined in self.__dict__:
                value = self.__dict__[joined]
            else:
                row = self.text_rows().get(code)
                value = getattr(row, field) if row is not None else ""
            if value:
                return value
        return ""

    def text_rows(self) -> dict[str, TextRow]:
        """The text rows by language (the prefetched ones when they were prefetched)."""
        if self.pk is None:
            return {}
        if "_text_rows" not in self.__dict__:
            self.__dict__["_text_rows"] = {row.language: row for row in self.texts.all()}
        return self.__dict__["_text_rows"]

    def set_text(self, language: str, **values: str) -> TextRow:
        """Create or change this object's row in `language` (validated like admin does)."""
        row = self.texts.filter(language=language).first() or self.text_model()(
            **{self.text_model().parent_field(): self, "language": language}
        )
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
        getattr(self, "_prefetched_objects_cache", {}).pop("texts", None)
        self.__dict__.pop("_text_rows", None)
        return row


class Reviewed(models.Model):
    """Whether a person has reviewed a translation: who and when (blank: not yet)."""

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files)."),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_reviewed(self) -> bool:
        """English is the source, so it needs no review; another language does."""
        return self.language == SOURCE_LANGUAGE or self.reviewed_at is not None


class TextRow(Reviewed):
    """Abstract: one language's text of a content object (the parent is the model's first field)."""

    language = models.CharField(max_length=8, help_text=_("A language code of settings.LANGUAGES, e.g. “de”."))

    # Fields that must not be blank in English, the source every other language falls back to.
    required_in_source: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.parent_field())} [{self.language}]"

    @classmethod
    def parent_field(cls) -> str:
        return next(f.name for f in cls._meta.concrete_fields if f.is_relation and f.name != "reviewed_by")

    @classmethod
    def translated_fields(cls) -> tuple[str, ...]:
        skip = {"id", "language", "reviewed_by", "reviewed_at", cls.parent_field()}
        return tuple(f.name for f in cls._meta.concrete_fields if f.name not in skip)

    def clean(self) -> None:
        check_language(self.language)
        if self.language == SOURCE_LANGUAGE:
            missing = {
                name: _("English is the source of every translation: required.")
                for name in self.required_in_source
                if not getattr(self, name)
            }
            if missing:
                raise ValidationError(missing)


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
        return self.text("name", SOURCE_LANGUAGE) or self.slug

    def clean(self) -> None:
        """Refuse a deadline rule that tracking/deadlines.py cannot apply (e.g. an unknown holiday calendar)."""
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
    kind = models.CharField(max_length=10, choices=RegionKind.choices)
    country_code = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2; blank for 'elsewhere'."))
    subdivision_code = models.CharField(
        max_length=6, blank=True, help_text=_('ISO 3166-2 code for US states, e.g. "US-CA".')
    )
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="regions")
    # The person's own national authority (GDPR Art. 77), beside the lead authority of the jurisdiction.
    local_authority_url = models.URLField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        # By English name within an order, as people see them: see `sorted_by_name` (a text row
        # cannot be a model ordering).
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.text("name", SOURCE_LANGUAGE) or self.slug

    @staticmethod
    def sorted_by_name(regions: Iterable[Region], language: str = SOURCE_LANGUAGE) -> list[Region]:
        """Regions in the order people see them: by `order`, then by name, then by slug."""
        return sorted(regions, key=lambda r: (r.order, r.text("name", language), r.slug))


class Platform(models.Model):
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
        return self.text("title", SOURCE_LANGUAGE) or self.slug


class Step(Translated):
    """One instruction of an action, in order."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    official_url = models.URLField(blank=True, help_text=_("The official page or form for this step."))
    source_url = models.URLField(blank=True, help_text=_("Where the facts in this step come from."))
    last_verified_on = models.DateField(null=True, blank=True)
    unverified = models.BooleanField(
        default=False, help_text=_("The facts come from a secondary source and await re-verification.")
    )
    # A second link or the way through the app: people who did the step before it never do this one,
    # so counting it would keep their plan below 100%.
    alternative = models.BooleanField(
        default=False,
        help_text=_(
            "Another way to do the step before it (a second link, the app): shown as an alternative, "
            "without “Mark as done”, and not counted in the plan's progress."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "order", "pk"]

    def __str__(self) -> str:
        return self.text("title", SOURCE_LANGUAGE) or self.slug

    @property
    def is_stale(self) -> bool:
        """Not verified within STALE_AFTER_DAYS: editors should check it live again."""
        if self.last_verified_on is None:
            return True
        return timezone.localdate() - self.last_verified_on > datetime.timedelta(days=STALE_AFTER_DAYS)


class LetterTemplate(Reviewed):
    """Jinja2 subject and body of a request action's letter, in one language.

    Rendered only in the letters sandbox (letters/sandbox.py); validated on save (letters/validate.py).
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="letter_templates")
    language = models.CharField(max_length=8, help_text=_("A language code of settings.LANGUAGES, e.g. “de”."))
    subject = models.CharField(max_length=300)
    body = models.TextField()

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "language"], name="one_letter_per_action_language")]
        ordering = ["action", "language"]

    def __str__(self) -> str:
        return f"{self.action.slug} [{self.language}]"

    def clean(self) -> None:
        check_language(self.language)


# --- the text rows: one per (object, language) ------------------------------------------------------


class JurisdictionText(TextRow):
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="texts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    authority_name = models.CharField(_("authority name"), max_length=200, blank=True)

    required_in_source = ("name",)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "language"], name="one_text_per_jurisdiction_language")
        ]
        ordering = ["jurisdiction", "language"]


class RegionText(TextRow):
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="texts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    # The person's own national authority (GDPR Art. 77), beside the lead authority of the jurisdiction.
    local_authority_name = models.CharField(_("local authority name"), max_length=200, blank=True)

    required_in_source = ("name",)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "language"], name="one_text_per_region_language")]
        ordering = ["region", "language"]


class ActionText(TextRow):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="texts")
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    legal_basis = models.CharField(max_length=300, blank=True, help_text=_("e.g. GDPR Art. 21(1)"))
    caveat = models.TextField(
        blank=True, help_text=_("Shown to people, e.g. that a form could not be verified. Never in letter text.")
    )

    required_in_source = ("title",)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "language"], name="one_text_per_action_language")]
        ordering = ["action", "language"]


class StepText(TextRow):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="texts")
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("instructions"), blank=True, help_text=_("Markdown."))
    caveat = models.TextField(blank=True)

    required_in_source = ("title",)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["step", "language"], name="one_text_per_step_language")]
        ordering = ["step", "language"]


TEXT_MODELS = (JurisdictionText, RegionText, ActionText, StepText)
