"""The wizard's questions: one form per page, each able to say where its errors are.

Every question is validated on the server (no `required` attributes, so browsers do not show their
own messages before ours); the choices come from the guide snapshot (`choices.py`). Which question
comes next is `flow.Wizard`'s business.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ..guide.planning import MAX_ACCOUNTS
from ..guide.snapshot import GuideContent, PlatformInfo
from ..models import RegionKind, Situation
from ..web.forms import ErrorSummaryMixin, ShowableTextMixin
from ..web.widgets import WIDGET_RENDERER, LongSelect
from .choices import alphabetical, frozen, guide_choices

US = "us"
NONE = "none"
NAME_MAX = 200
HANDLE_MAX = 200
EMAIL_MAX = 254
EXPLANATION_MAX = 2000


# Django fills in the limit and the length typed (MaxLengthValidator's parameters).
TOO_LONG = ngettext_lazy(
    "This must be %(limit_value)d character or fewer (you entered %(show_value)d).",
    "This must be %(limit_value)d characters or fewer (you entered %(show_value)d).",
    "limit_value",
)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class WizardForm(ShowableTextMixin, ErrorSummaryMixin, forms.Form):
    """A question form: its error summary links each error to its input (`ErrorSummaryMixin`).

    The server validates everything: no `required` attributes, so browsers do not show their own
    messages before ours.
    """

    default_renderer = WIDGET_RENDERER
    use_required_attribute = False
    # Whether the question's page shows nothing a person typed themselves, so that before it is
    # submitted it is the same for everyone with the same earlier answer (`{% fragment %}` keeps it).
    shares_its_page = True

    @property
    def is_shared(self) -> bool:
        return self.shares_its_page and not self.is_bound

    @property
    def shared_key(self) -> tuple:
        """Everything the unsubmitted page shows, as a key: each field's label, help text and choices
        (from the guide, in the active language) and the earlier answer it starts from."""
        return tuple(
            (
                name,
                str(field.label),
                str(field.help_text),
                frozen(getattr(field, "choices", ())),
                _hashable(self.initial.get(name, field.initial)),
            )
            for name, field in self.fields.items()
        )

    def answers(self) -> dict[str, Any]:
        """The answers this question stores in the session."""
        return dict(self.cleaned_data)


class WhereForm(WizardForm):
    country = forms.ChoiceField(
        widget=LongSelect,
        label=_("Where do you live?"),
        help_text=_("Your rights depend on the law where you live."),
        error_messages={
            "required": _("Select the country where you live"),
            "invalid_choice": _("Select a country from the list"),
        },
    )

    def __init__(self, *args: Any, content: GuideContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = guide_choices(content, "country", lambda: self.country_choices(content))

    @staticmethod
    def country_choices(content: GuideContent) -> list[tuple[str, Any]]:
        regions = [r for r in content.regions if r.kind != RegionKind.US_STATE]
        europe = [(r.slug, r.name) for r in regions if r.kind in (RegionKind.EU_EEA, RegionKind.UK)]
        others = [(r.slug, r.name) for r in regions if r.kind == RegionKind.OTHER]
        if any(r.kind == RegionKind.US_STATE for r in content.regions):
            others.insert(0, (US, str(_("United States"))))
        return [
            ("", str(_("Select a country"))),
            (str(_("Europe")), tuple(sorted(europe, key=lambda choice: alphabetical(choice[1])))),
            (str(_("Elsewhere")), tuple(others)),
        ]


class StateForm(WizardForm):
    us_state = forms.ChoiceField(
        widget=LongSelect,
        label=_("Which US state do you live in?"),
        help_text=_("Some states have their own privacy law."),
        error_messages={
            "required": _("Select the state where you live"),
            "invalid_choice": _("Select a state from the list"),
        },
    )

    def __init__(self, *args: Any, content: GuideContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["us_state"].choices = guide_choices(content, "us_state", lambda: self.state_choices(content))

    @staticmethod
    def state_choices(content: GuideContent) -> list[tuple[str, Any]]:
        states = sorted(
            ((r.slug, r.name) for r in content.regions if r.kind == RegionKind.US_STATE),
            key=lambda choice: alphabetical(choice[1]),
        )
        return [("", str(_("Select a state"))), *states]


class PlatformsForm(WizardForm):
    platforms = forms.MultipleChoiceField(
        label=_("Which of these do you use, or are you concerned about?"),
        help_text=_("Select all that apply. Someone else may post about you even if you do not use them."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Select the platforms you use, or select “None of these”"),
            "invalid_choice": _("Select platforms from the list"),
        },
    )

    def __init__(self, *args: Any, content: GuideContent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platforms"].choices = guide_choices(
            content,
            "platforms",
            lambda: [*((p.slug, p.name) for p in content.platforms), (NONE, str(_("None of these")))],
        )

    def clean_platforms(self) -> list[str]:
        chosen = self.cleaned_data["platforms"]
        if NONE in chosen and len(chosen) > 1:
            raise forms.ValidationError(_("Select platforms, or select “None of these”, not both"))
        return [slug for slug in chosen if slug != NONE]


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class AccountsForm(WizardForm):
    """For each chosen platform: an account or not, and how many where several are common."""

    def __init__(self, *args: Any, platforms: list[PlatformInfo], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platforms = platforms
        for platform in platforms:
            self.fields[f"has_{platform.slug}"] = forms.ChoiceField(
                label=_("Do you have an account on %(platform)s?") % {"platform": platform.name},
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Select yes if you have an account on %(platform)s") % {"platform": platform.name},
                    "invalid_choice": _("Select yes or no"),
                },
            )
            if platform.multiple_accounts:
                self.fields[f"count_{platform.slug}"] = forms.IntegerField(
                    label=_("How many %(platform)s accounts do you have?") % {"platform": platform.name},
                    help_text=_("Only if you have one. Each account objects separately. From 1 to %(max)d.")
                    % {"max": MAX_ACCOUNTS},
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
                    min_value=1,
                    max_value=MAX_ACCOUNTS,
                    error_messages={
                        "invalid": _("Enter the number of accounts as a whole number, like 2"),
                        "min_value": _("Enter a number of accounts from 1 to %(max)d") % {"max": MAX_ACCOUNTS},
                        "max_value": _("Enter a number of accounts from 1 to %(max)d") % {"max": MAX_ACCOUNTS},
                    },
                )

    def groups(self) -> list[tuple[PlatformInfo, forms.BoundField, forms.BoundField | None]]:
        """(platform, its yes/no field, its count field or None), for the template."""
        return [
            (p, self[f"has_{p.slug}"], self[f"count_{p.slug}"] if p.multiple_accounts else None) for p in self.platforms
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for platform in self.platforms:
            if platform.multiple_accounts and cleaned.get(f"has_{platform.slug}") == "no":
                # The count is only asked of account holders: whatever else was typed there does not matter.
                self._errors.pop(f"count_{platform.slug}", None)
            if platform.multiple_accounts and cleaned.get(f"has_{platform.slug}") == "yes":
                if f"count_{platform.slug}" in self.errors:
                    continue
                if cleaned.get(f"count_{platform.slug}") is None:
                    self.add_error(
                        f"count_{platform.slug}",
                        _("Enter how many %(platform)s accounts you have, from 1 to %(max)d")
                        % {"platform": platform.name, "max": MAX_ACCOUNTS},
                    )
        return cleaned

    def answers(self) -> dict[str, Any]:
        accounts = {}
        for platform in self.platforms:
            has = self.cleaned_data[f"has_{platform.slug}"] == "yes"
            count = self.cleaned_data.get(f"count_{platform.slug}") if platform.multiple_accounts else 1
            accounts[platform.slug] = (count or 1) if has else 0
        return {"accounts": accounts}

    @staticmethod
    def initial_from(answers: Mapping[str, Any]) -> dict[str, Any]:
        initial = {}
        for slug, count in (answers.get("accounts") or {}).items():
            initial[f"has_{slug}"] = "yes" if count else "no"
            if count:
                initial[f"count_{slug}"] = count
        return initial


class SituationForm(WizardForm):
    situations = forms.MultipleChoiceField(
        label=_("Which of these apply to you?"),
        help_text=_("Select all that apply. This decides which requests are useful to you."),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (Situation.PUBLIC_POSTS, _("Some of my posts, photos or comments are public")),
            (
                Situation.IN_OTHERS_POSTS,
                _("I appear in other people's posts or photos, or they mention me (with or without an account)"),
            ),
            (Situation.META_AI_SHOWED_INFO, _("Meta AI has shown information about me")),
            (NONE, _("None of these, or I do not know")),
        ],
        error_messages={
            "required": _("Select what applies to you, or select “None of these”"),
            "invalid_choice": _("Select from the list"),
        },
    )

    def clean_situations(self) -> list[str]:
        chosen = self.cleaned_data["situations"]
        if NONE in chosen and len(chosen) > 1:
            raise forms.ValidationError(_("Select what applies, or select “None of these”, not both"))
        return [value for value in chosen if value != NONE]


def _text(label: Any, limit: int, required_message: Any, **kwargs: Any) -> forms.CharField:
    # A validator rather than `max_length`: its `maxlength` attribute would cut pasted text silently.
    return forms.CharField(
        label=label,
        validators=[MaxLengthValidator(limit, TOO_LONG)],
        error_messages={"required": required_message},
        **kwargs,
    )


class DetailsForm(WizardForm):
    """What the letters need: who is writing, and which account each request is for."""

    shares_its_page = False  # name, email and handles

    name = _text(
        _("Full name"),
        NAME_MAX,
        _("Enter your full name"),
        help_text=_("As on your accounts, so Meta can find you."),
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        validators=[MaxLengthValidator(EMAIL_MAX, TOO_LONG)],
        help_text=_("The address your accounts use. Meta sends a confirmation code to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    explanation = _text(
        _("How does Meta's use of your information affect you? (optional)"),
        EXPLANATION_MAX,
        "",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("A few sentences in your own words, up to 2,000 characters."),
    )

    letter_language = forms.ChoiceField(
        label=_("Language of your letters"),
        required=False,
        help_text=_("They can be in another language than this page, for example the company's or the regulator's."),
        error_messages={"invalid_choice": _("Select a language from the list")},
    )

    def __init__(
        self,
        *args: Any,
        accounts: list[tuple[PlatformInfo, int]],
        letter_languages: list[str] | None = None,
        page_language: str = "en",
        **kwargs: Any,
    ) -> None:
        """`letter_languages`: the languages offered for the letters (default: every enabled one);
        the page's language is chosen when the person has not chosen, else English."""
        super().__init__(*args, **kwargs)
        self.accounts = accounts
        offered = letter_languages if letter_languages is not None else [code for code, _name in settings.LANGUAGES]
        field = self.fields["letter_language"]
        field.choices = [(code, translation.get_language_info(code)["name_local"]) for code in offered]
        self.letters_not_in_page_language = page_language not in offered
        field.initial = page_language if not self.letters_not_in_page_language else "en"
        letter_language = self.fields.pop("letter_language")
        explanation = self.fields.pop("explanation")
        for platform, count in accounts:
            for number in range(1, count + 1):
                label = (
                    _("%(platform)s account %(number)d: username or profile link")
                    % {"platform": platform.name, "number": number}
                    if count > 1
                    else _("%(platform)s account: username or profile link") % {"platform": platform.name}
                )
                self.fields[f"handle_{platform.slug}_{number}"] = _text(
                    label,
                    HANDLE_MAX,
                    _("Enter the username or profile link of this %(platform)s account") % {"platform": platform.name},
                    help_text=_("For example @name or https://www.instagram.com/name"),
                    widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
                )
        self.fields["explanation"] = explanation
        self.fields["letter_language"] = letter_language

    def handle_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("handle_")]

    def answers(self) -> dict[str, Any]:
        handles = {
            platform.slug: [self.cleaned_data[f"handle_{platform.slug}_{n}"].strip() for n in range(1, count + 1)]
            for platform, count in self.accounts
            if count
        }
        return {
            "name": self.cleaned_data["name"].strip(),
            "email": self.cleaned_data["email"],
            "handles": handles,
            "explanation": self.cleaned_data["explanation"].strip(),
            "letter_language": self.cleaned_data["letter_language"] or self.fields["letter_language"].initial,
        }

    @staticmethod
    def initial_from(answers: Mapping[str, Any]) -> dict[str, Any]:
        initial = {key: answers.get(key, "") for key in ("name", "email", "explanation")}
        # A language that is no longer enabled reads as no choice (the page's), not as a wrong answer.
        # (A stored answer that is not a string, from an older or damaged plan, is no choice either.)
        stored = answers.get("letter_language")
        if isinstance(stored, str) and stored in dict(settings.LANGUAGES):
            initial["letter_language"] = answers["letter_language"]
        for slug, values in (answers.get("handles") or {}).items():
            for number, value in enumerate(values, start=1):
                initial[f"handle_{slug}_{number}"] = value
        return initial
