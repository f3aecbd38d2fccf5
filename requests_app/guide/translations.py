"""Admin for translations: one stacked form per language with the English beside it, and review status.

Each translated content model has a text model (one row per object and language, see
models/guide.py). Its inline shows every translated field with the English text beside it,
read-only, so a translator sees what they translate. A row records who reviewed it and when:
ticking "Reviewed" sets both; changing a row's text without ticking it clears them, since the
review was of the old text. The content lists filter "Unreviewed in <language>" (missing rows
count as unreviewed), and the text-row and letter lists have a "Mark reviewed" action.

The languages are settings.LANGUAGES when a form is built, never model choices: adding a
language needs no migration.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, OuterRef, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from ..models import SOURCE_LANGUAGE, TEXT_MODELS, Translated
from .content_form import GuideContentForm
from .markup import render_markdown


def _other_languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


# ---------------------------------------------------------------------------
# Review: filters and the action


class UnreviewedFilter(admin.SimpleListFilter):
    """Content objects whose text in a language is missing or not reviewed by a person."""

    title = "Translation review"
    parameter_name = "unreviewed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(code, f"Unreviewed in {name}") for code, name in _other_languages()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        language = self.value()
        if language not in dict(_other_languages()):
            return queryset
        text_model = queryset.model.text_model()
        reviewed = text_model.objects.filter(
            **{text_model.parent_field(): OuterRef("pk")}, language=language, reviewed_at__isnull=False
        )
        return queryset.filter(~Exists(reviewed))


class ReviewFilter(admin.SimpleListFilter):
    """Translation rows (text rows, letters) by review status; English, the source, needs none."""

    title = "Review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("unreviewed", "Unreviewed translations"), ("reviewed", "Reviewed translations")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        translations = queryset.exclude(language=SOURCE_LANGUAGE)
        if self.value() == "unreviewed":
            return translations.filter(reviewed_at__isnull=True)
        if self.value() == "reviewed":
            return translations.filter(reviewed_at__isnull=False)
        return queryset


@admin.action(description="Mark reviewed (by me, now)")
def mark_reviewed(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    """Record the editor and the time on each selected translation; saved one by one so history keeps it."""
    now = timezone.now()
    marked = 0
    for row in queryset.exclude(language=SOURCE_LANGUAGE):
        row.reviewed_by = request.user
        row.reviewed_at = now
        row.save(update_fields=["reviewed_by", "reviewed_at"])
        marked += 1
    model_admin.message_user(request, f"{marked} translation(s) marked reviewed.", messages.SUCCESS)


# ---------------------------------------------------------------------------
# The inline: one stacked form per language, English beside each field


class TextRowForm(GuideContentForm):
    reviewed = forms.BooleanField(
        required=False,
        label="Reviewed",
        help_text="Tick when you have checked this translation against the English: records you and the time.",
    )
    user: Any = None  # set per request by TextInline.get_formset

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].widget = forms.Select(choices=settings.LANGUAGES)

    def save(self, commit: bool = True) -> Any:
        row = self.instance
        text_changed = any(name in self.changed_data for name in type(row).translated_fields())
        if self.cleaned_data.get("reviewed") and row.language != SOURCE_LANGUAGE:
            row.reviewed_by, row.reviewed_at = self.user, timezone.now()
        elif text_changed:
            # The review was of the old text.
            row.reviewed_by, row.reviewed_at = None, None
        return super().save(commit)


class TextFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data.get("language")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if SOURCE_LANGUAGE not in kept:
            raise ValidationError("Keep the English text: it is the source every other language falls back to.")
        if len(kept) != len(set(kept)):
            raise ValidationError("One text per language: a language appears twice.")


class TextInline(admin.StackedInline):
    form = TextRowForm
    formset = TextFormSet
    extra = 0
    previews: tuple[str, ...] = ()
    _parent: Translated | None = None

    def get_formset(self, request: HttpRequest, obj: Translated | None = None, **kwargs: Any) -> Any:
        self._parent = obj
        kwargs["form"] = type("TextRowForm", (self.form,), {"user": request.user})
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # English, the source, first; then the others in the order of settings.LANGUAGES.
        order = [code for code, _name in settings.LANGUAGES]
        position = Case(
            When(language=SOURCE_LANGUAGE, then=Value(-1)),
            *(When(language=code, then=Value(index)) for index, code in enumerate(order)),
            default=Value(len(order)),
        )
        return super().get_queryset(request).order_by(position, "language")

    def get_extra(self, request: HttpRequest, obj: Translated | None = None, **kwargs: Any) -> int:
        return 1 if obj is None else 0  # a new object starts with its English text

    def get_max_num(self, request: HttpRequest, obj: Translated | None = None, **kwargs: Any) -> int:
        return len(settings.LANGUAGES)

    def source_text(self, field: str) -> str:
        return self._parent.text(field, SOURCE_LANGUAGE) if self._parent is not None else ""


def text_inline(text_model: type, *, previews: tuple[str, ...] = ()) -> type[TextInline]:
    """The inline for `text_model`: each translated field beside its English, then review status."""
    names = text_model.translated_fields()
    attrs: dict[str, Any] = {
        "model": text_model,
        "previews": previews,
        "verbose_name": "text in one language",
        "verbose_name_plural": "Texts, one per language (English is the source; shown beside each field)",
    }
    fields: list[Any] = ["language"]
    readonly: list[str] = []
    for name in names:
        attrs[f"english_{name}"] = _english_display(name, text_model)
        readonly.append(f"english_{name}")
        fields.append((name, f"english_{name}"))
        if name in previews:
            attrs[f"preview_{name}"] = _preview_display(name)
            readonly.append(f"preview_{name}")
            fields.append(f"preview_{name}")
    fields += ["reviewed", "reviewed_by", "reviewed_at"]
    attrs["fields"] = fields
    attrs["readonly_fields"] = [*readonly, "reviewed_by", "reviewed_at"]
    return type(f"{text_model.__name__}Inline", (TextInline,), attrs)


def _english_display(name: str, text_model: type) -> Any:
    label = text_model._meta.get_field(name).verbose_name

    @admin.display(description=f"{label} in English (for reference)")
    def english(self: TextInline, row: Any) -> SafeString:
        return format_html('<div lang="en" style="white-space: pre-wrap">{}</div>', self.source_text(name))

    return english


def _preview_display(name: str) -> Any:
    @admin.display(description="Preview")
    def preview(self: TextInline, row: Any) -> SafeString:
        if row is None or not row.pk:
            return format_html("<p>{}</p>", "Save to see a preview.")
        return format_html(
            '<div lang="{}" class="markdown-preview">{}</div>', row.language, render_markdown(getattr(row, name))
        )

    return preview


# ---------------------------------------------------------------------------
# The text rows' own lists: what is unreviewed, across objects


class TextRowAdmin(SimpleHistoryAdmin):
    list_filter = [ReviewFilter, "language"]
    actions = [mark_reviewed]
    readonly_fields = ["reviewed_by", "reviewed_at"]

    def get_list_display(self, request: HttpRequest) -> list[str]:
        return [self.model.parent_field(), "language", "reviewed_by", "reviewed_at"]

    def get_list_select_related(self, request: HttpRequest) -> list[str]:
        return [self.model.parent_field(), "reviewed_by"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = type("TextRowForm", (TextRowForm,), {"user": request.user})
        return super().get_form(request, obj, change, **kwargs)


for _text_model in TEXT_MODELS:
    admin.site.register(_text_model, TextRowAdmin)
