"""Admin for guide content: what content editors use to keep the guide true.

Every model keeps its history (who changed what, when; django-simple-history).
Every text an editor types is refused when the site could not show it (a lone surrogate, NUL,
another control character: `web.text`), at its field. Letter templates and an action's form fields
are rendered with sample data
before they are saved, so a broken template never reaches a person; steps show
their Markdown as it will look and are flagged when not verified for
STALE_AFTER_DAYS. User data is never registered here for content editors: the
"Content editors" group (migration 0002) holds guide-content permissions only.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from ..letters.contract import LETTER_VARIABLES, sample_context
from ..letters.render import render_form_fields, render_letter
from ..letters.sandbox import LetterError
from ..letters.validate import validate_form_fields, validate_template
from ..models import (
    STALE_AFTER_DAYS,
    Action,
    ActionText,
    Jurisdiction,
    JurisdictionText,
    LetterTemplate,
    Platform,
    PlatformController,
    Region,
    RegionText,
    Step,
    StepText,
)
from .content_form import GuideContentForm
from .translations import ReviewFilter, UnreviewedFilter, mark_reviewed, text_inline

admin.site.site_header = "Opt-Out Guide content"
admin.site.site_title = "Opt-Out Guide content"
admin.site.index_title = "Guide content"


def _stale_before() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=STALE_AFTER_DAYS)


def _variables_help() -> SafeString:
    """The letter contract as a list an editor can copy names from."""
    rows = []
    for group, keys in LETTER_VARIABLES.items():
        if isinstance(keys, str):
            rows.append((group, keys))
        else:
            rows.extend((f"{group}.{key}", text) for key, text in keys.items())
    items = format_html_join("", "<li><code>{{{{ {} }}}}</code>: {}</li>", rows)
    return format_html(
        "<p>Letters are Jinja2 templates. Use <code>{{% if person.explanation %}}…{{% endif %}}</code> for "
        "optional parts. Every variable is text, empty when unknown:</p><ul>{}</ul>",
        items,
    )


def _letter_preview(obj: LetterTemplate | None) -> SafeString:
    """A saved letter template rendered with sample data in its language (an unsaved one has none yet)."""
    if obj is None or not obj.pk:
        return format_html("<p>{}</p>", "Save to see a preview.")
    return _letter_preview_html(obj.subject, obj.body, obj.language)


def _letter_preview_html(subject: str, body: str, language: str) -> SafeString:
    try:
        letter = render_letter(subject, body, sample_context(language))
    except LetterError as error:
        return format_html('<p class="errornote">{} ({}): {}</p>', language, error.field, error)
    return format_html(
        '<div lang="{}"><p><strong>{}</strong></p><pre style="white-space: pre-wrap">{}</pre></div>',
        language,
        letter.subject,
        letter.body,
    )


# ---------------------------------------------------------------------------
# Forms


class LetterTemplateForm(GuideContentForm):
    """Refuses a template that does not render with sample data in every language."""

    class Meta:
        model = LetterTemplate
        fields = ["action", "language", "subject", "body"]
        help_texts = {
            "subject": "One line of Jinja2, e.g. Objection under {{ law.legal_basis }}.",
            "body": (
                "Jinja2. Checked on save with sample data in every language, with and without the "
                "person's own explanation. Never put caveats for editors here: people copy this text."
            ),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "true"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The languages of settings.LANGUAGES when the form is built, not when the model was: no migration.
        if "language" in self.fields:
            self.fields["language"].widget = forms.Select(choices=settings.LANGUAGES)
        # The body is kept as typed: a final line break is part of the letter people copy.
        if "body" in self.fields:
            self.fields["body"].strip = False

    def clean(self) -> dict:
        cleaned = super().clean()
        subject, body = cleaned.get("subject"), cleaned.get("body")
        if subject is not None and body is not None:
            try:
                validate_template(subject, body)
            except LetterError as error:
                self.add_error(error.field if error.field in ("subject", "body") else None, str(error))
        return cleaned

    def save(self, commit: bool = True) -> LetterTemplate:
        # A review was of the text as it was: a changed letter is unreviewed again (translations.py).
        if {"language", "subject", "body"} & set(self.changed_data):
            self.instance.reviewed_by, self.instance.reviewed_at = None, None
        return super().save(commit)


# An action's admin page, in the order editors work through it.
ACTION_FIELDSETS = [
    (None, {"fields": ["slug", "kind", "platform", "order"]}),
    ("Where it applies", {"fields": ["audience", "situations", "jurisdictions", "per_account"]}),
    (
        "Filing",
        {
            "fields": [
                "filing_method",
                "official_url",
                "email_to",
                "form_fields",
                "form_fields_preview",
            ]
        },
    ),
    ("Letter variables", {"fields": ["letter_variables"], "classes": ["collapse"]}),
]
# Shown on that page but not edited: what the action's form fields and letters render to.
ACTION_SHOWN = ("form_fields_preview", "letter_variables")


class ActionForm(GuideContentForm):
    """Refuses form fields whose values do not render."""

    class Meta:
        model = Action
        # Exactly the fields ActionAdmin shows: a new model field is a decision, made in its fieldsets.
        fields = [
            name for _title, options in ACTION_FIELDSETS for name in options["fields"] if name not in ACTION_SHOWN
        ]

    def clean_form_fields(self) -> list:
        fields = self.cleaned_data.get("form_fields")
        try:
            validate_form_fields(fields if fields is not None else [])
        except LetterError as error:
            raise ValidationError(str(error)) from None
        return fields


# ---------------------------------------------------------------------------
# Filters


class StaleFilter(admin.SimpleListFilter):
    title = f"Stale (over {STALE_AFTER_DAYS} days)"
    parameter_name = "stale"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Stale: verify again"), ("no", "Verified recently")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        stale = Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=_stale_before())
        if self.value() == "yes":
            return queryset.filter(stale)
        if self.value() == "no":
            return queryset.exclude(stale)
        return queryset


# ---------------------------------------------------------------------------
# Inlines


class StepInline(admin.TabularInline):
    model = Step
    form = GuideContentForm
    fields = ["order", "slug", "last_verified_on", "unverified", "alternative"]
    ordering = ["order", "pk"]
    extra = 0
    show_change_link = True
    verbose_name_plural = "Steps (in order; open a step to edit its instructions)"


class LetterTemplateInline(admin.StackedInline):
    model = LetterTemplate
    form = LetterTemplateForm
    fields = ["language", "subject", "body", "preview", "reviewed_by", "reviewed_at"]
    readonly_fields = ["preview", "reviewed_by", "reviewed_at"]
    extra = 0
    max_num = len(settings.LANGUAGES)

    @admin.display(description="Preview with sample data")
    def preview(self, obj: LetterTemplate) -> SafeString:
        return _letter_preview(obj)


class PlatformControllerInline(admin.TabularInline):
    model = PlatformController
    form = GuideContentForm
    fields = ["jurisdiction", "name", "address", "privacy_contact_url"]
    extra = 0


# ---------------------------------------------------------------------------
# Model admins


@admin.register(Jurisdiction)
class JurisdictionAdmin(SimpleHistoryAdmin):
    form = GuideContentForm
    list_display = ["__str__", "slug", "law", "deadline", "region_count", "last_verified_on"]
    list_filter = [UnreviewedFilter, "law", "deadline_unit", "next_working_day"]
    search_fields = ["slug", "texts__name", "texts__authority_name"]
    ordering = ["slug"]
    inlines = [text_inline(JurisdictionText)]
    fieldsets = [
        (None, {"fields": ["slug", "law", "rights"]}),
        (
            "Deadline rule",
            {
                "fields": [
                    "deadline_unit",
                    "deadline_amount",
                    "extension_amount",
                    "next_working_day",
                    "holiday_calendar",
                    "acknowledge_business_days",
                ]
            },
        ),
        (
            "Authority",
            {
                "fields": [
                    "authority_url",
                    "authority_complaint_url",
                    "authority_email",
                ]
            },
        ),
        ("Sources", {"fields": ["source_url", "last_verified_on", "notes_en"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(region_total=Count("regions"))

    @admin.display(description="Deadline")
    def deadline(self, obj: Jurisdiction) -> str:
        if obj.deadline_unit == "none":
            return "none"
        extension = f" + {obj.extension_amount}" if obj.extension_amount else ""
        return f"{obj.deadline_amount}{extension} {obj.deadline_unit}"

    @admin.display(description="Regions", ordering="region_total")
    def region_count(self, obj: Jurisdiction) -> int:
        return obj.region_total


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    form = GuideContentForm
    list_display = ["__str__", "slug", "kind", "country_code", "subdivision_code", "jurisdiction", "order"]
    list_filter = [UnreviewedFilter, "kind", "jurisdiction"]
    list_select_related = ["jurisdiction"]
    search_fields = ["slug", "texts__name", "country_code", "subdivision_code"]
    ordering = ["order", "slug"]
    autocomplete_fields = ["jurisdiction"]
    inlines = [text_inline(RegionText)]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("jurisdiction__texts")

    # Rendering rows is most of a change list's time; filters and search find the rest.
    list_per_page = 25


@admin.register(Platform)
class PlatformAdmin(SimpleHistoryAdmin):
    form = GuideContentForm
    list_display = ["name", "slug", "multiple_accounts", "order"]
    search_fields = ["name", "slug"]
    ordering = ["order", "name"]
    inlines = [PlatformControllerInline]


@admin.register(PlatformController)
class PlatformControllerAdmin(SimpleHistoryAdmin):
    form = GuideContentForm
    list_display = ["name", "platform", "jurisdiction", "privacy_contact_url"]
    list_filter = ["platform", "jurisdiction"]
    list_select_related = ["platform", "jurisdiction"]
    search_fields = ["name", "address", "platform__name", "jurisdiction__slug"]
    ordering = ["platform", "jurisdiction"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("jurisdiction__texts")


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    form = ActionForm
    list_display = ["__str__", "slug", "kind", "platform", "filing_method", "audience", "step_count", "order"]
    list_filter = [UnreviewedFilter, "kind", "platform", "filing_method", "audience", "jurisdictions"]
    list_select_related = ["platform"]
    search_fields = ["slug", "texts__title", "texts__summary"]
    ordering = ["order", "slug"]
    filter_horizontal = ["jurisdictions"]
    readonly_fields = list(ACTION_SHOWN)
    inlines = [text_inline(ActionText), StepInline, LetterTemplateInline]
    fieldsets = ACTION_FIELDSETS

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description="Steps", ordering="step_total")
    def step_count(self, obj: Action) -> int:
        return obj.step_total

    @admin.display(description="Form fields with sample data")
    def form_fields_preview(self, obj: Action) -> SafeString:
        if obj is None or not obj.pk or not obj.form_fields:
            return format_html("<p>{}</p>", "No form fields.")
        sections = []
        for language, _name in settings.LANGUAGES:
            try:
                rows = render_form_fields(obj.form_fields, sample_context(language), language)
            except LetterError as error:
                sections.append(format_html('<p class="errornote">{}</p>', error))
                continue
            sections.append(
                format_html(
                    '<table lang="{}"><tbody>{}</tbody></table>',
                    language,
                    format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
                )
            )
        return format_html_join("", "{}", ((section,) for section in sections))

    @admin.display(description="Variables for letters and form fields")
    def letter_variables(self, obj: Action) -> SafeString:
        return _variables_help()


@admin.register(Step)
class StepAdmin(SimpleHistoryAdmin):
    form = GuideContentForm
    list_display = ["__str__", "action", "order", "last_verified_on", "stale", "unverified"]
    list_filter = [StaleFilter, UnreviewedFilter, "unverified", "action__kind", "action__platform"]
    list_select_related = ["action"]
    search_fields = ["slug", "texts__title", "texts__body", "action__slug"]
    ordering = ["action__order", "action__slug", "order"]
    autocomplete_fields = ["action"]
    list_per_page = 25
    inlines = [text_inline(StepText, previews=("body",))]
    fieldsets = [
        (None, {"fields": ["action", "order", "slug"]}),
        ("Sources", {"fields": ["official_url", "source_url", "last_verified_on", "unverified"]}),
        ("In the plan", {"fields": ["alternative"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each row names its action by its English title: one query for all of them.
        return super().get_queryset(request).prefetch_related("action__texts")

    @admin.display(boolean=True, description=f"Stale (over {STALE_AFTER_DAYS} days)")
    def stale(self, obj: Step) -> bool:
        return obj.is_stale


@admin.register(LetterTemplate)
class LetterTemplateAdmin(SimpleHistoryAdmin):
    form = LetterTemplateForm
    list_display = ["action", "language", "subject", "reviewed_by", "reviewed_at"]
    list_filter = [ReviewFilter, "language", "action__platform", "action__kind"]
    list_select_related = ["action", "reviewed_by"]
    search_fields = ["subject", "body", "action__slug"]
    ordering = ["action__order", "action__slug", "language"]
    autocomplete_fields = ["action"]
    readonly_fields = ["preview", "letter_variables", "reviewed_by", "reviewed_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("action__texts")

    fields = ["action", "language", "subject", "body", "preview", "letter_variables", "reviewed_by", "reviewed_at"]
    actions = [mark_reviewed]

    @admin.display(description="Preview with sample data")
    def preview(self, obj: LetterTemplate) -> SafeString:
        return _letter_preview(obj)

    @admin.display(description="Variables")
    def letter_variables(self, obj: LetterTemplate) -> SafeString:
        return _variables_help()
