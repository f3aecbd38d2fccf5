"""The wizard's questions: one form per page, and the order in which they are asked.

`Wizard` knows, from the answers so far and the guide content, which questions apply (the US state
only for the US, accounts only when platforms were chosen), which are answered (with values the
current content still accepts) and so where a person may go. The views ask it; they never decide
the order themselves.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.renderers import Jinja2
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .guide.planning import MAX_ACCOUNTS
from .guide.snapshot import GuideContent, PlatformInfo
from .models import RegionKind, Situation

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


# Our forms' widgets render through Jinja2, whose widget templates Django ships: the same markup in
# half the time (0.27 against 0.58 ms for the details form). Not the site-wide FORM_RENDERER: the
# admin's and allauth's widgets (related-object links, autocomplete) have Django templates only.
WIDGET_RENDERER = Jinja2()


def _frozen(choices: Any) -> tuple:
    """Choices as a key: (value, label) pairs and (group, pairs), labels in the active language."""
    if isinstance(choices, GuideChoices):
        return choices.frozen
    return tuple(
        (str(key), _frozen(label)) if isinstance(label, (list, tuple)) else (str(key), str(label))
        for key, label in choices
    )


class GuideChoices(BaseChoiceIterator):
    """A question's choices made from the guide, in one language, built once per guide snapshot.

    Building them (and Django normalizing them again, as it does for a plain list) took a sixth of
    the time of the first question's page. As a BaseChoiceIterator they are taken as they are.
    """

    def __init__(self, choices: list[tuple[str, Any]]) -> None:
        self.choices = tuple(choices)  # shared by every form: not to be changed in place
        self.frozen = _frozen(choices)

    def __iter__(self) -> Any:
        return iter(self.choices)


def guide_choices(content: GuideContent, name: str, build: Callable[[], list[tuple[str, Any]]]) -> GuideChoices:
    """`build()`'s choices for this snapshot of the guide and the active language, built once."""
    key = ("choices", name, translation.get_language())
    choices = content.memo.get(key)  # one lookup: another thread may clear the memo (MEMO_LIMIT)
    if choices is None:
        choices = content.memo[key] = GuideChoices(build())
    return choices


# Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def alphabetical(label: Any) -> tuple[str, str]:
    """A sort key that files letters with accents under their base letter, as German dictionaries
    do (Österreich among the O's, Dänemark before Deutschland, ß as ss), and ignores case; names
    equal but for accents keep one order."""
    folded = str(label).casefold().translate(_UNDECOMPOSED)
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii"), str(label)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class WizardForm(forms.Form):
    """A question form that can say which input each error links to (the error summary's targets).

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
                _frozen(getattr(field, "choices", ())),
                _hashable(self.initial.get(name, field.initial)),
            )
            for name, field in self.fields.items()
        )

    def error_links(self) -> list[tuple[str, str]]:
        """(element id, message) for the error summary, in the order of the fields on the page."""
        links = []
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                multiple = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                element = self[name].auto_id + ("_0" if multiple else "")
                links.append((element, message))
        first = next(iter(self.fields), None)
        if first:
            links.extend((self[first].auto_id, message) for message in self.non_field_errors())
        return links

    def answers(self) -> dict[str, Any]:
        """The answers this question stores in the session."""
        return dict(self.cleaned_data)


class LongSelect(forms.Select):
    """A select whose options are written in Python rather than by a template each.

    Django renders every option through its own template include (some 20 µs each); the country
    and state lists have 30 to 50 options, which made that most of the page's time. The markup is
    the same as Django's: `<optgroup label>` and `<option value selected>`, all escaped.
    """

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                    for option in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name else rendered
            )
        attributes = format_html_join(
            "",
            ' {}="{}"',
            (
                (key, value)
                for key, value in {"name": widget["name"], **widget["attrs"]}.items()
                if not isinstance(value, bool)
            ),
        )
        flags = "".join(f" {key}" for key, value in widget["attrs"].items() if value is True)
        return format_html("<select{}{}>{}</select>", attributes, flags, mark_safe("".join(groups)))  # noqa: S308


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

    def __init__(self, *args: Any, accounts: list[tuple[PlatformInfo, int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = accounts
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
        }

    @staticmethod
    def initial_from(answers: Mapping[str, Any]) -> dict[str, Any]:
        initial = {key: answers.get(key, "") for key in ("name", "email", "explanation")}
        for slug, values in (answers.get("handles") or {}).items():
            for number, value in enumerate(values, start=1):
                initial[f"handle_{slug}_{number}"] = value
        return initial


# The questions, in the order they are asked; their names are the URL's last part.
QUESTIONS = ("where", "state", "platforms", "accounts", "situation", "details")
# Those whose checks are kept on the guide snapshot (Wizard.is_answered): choices from the guide,
# answers that are not personal data. At most MEMO_LIMIT verdicts are kept per snapshot.
MEMO_QUESTIONS = frozenset({"where", "state", "platforms", "accounts"})
MEMO_LIMIT = 10_000
CHECK = "check"


class Wizard:
    """Where a person is in the questions, given their answers and the current guide content."""

    def __init__(self, answers: Mapping[str, Any], content: GuideContent) -> None:
        self.answers = dict(answers)
        self.content = content

    def applies(self, question: str) -> bool:
        if question == "state":
            return self.answers.get("country") == US
        if question == "accounts":
            return bool(self.chosen_platforms())
        return question in QUESTIONS

    def questions(self) -> list[str]:
        return [q for q in QUESTIONS if self.applies(q)]

    def chosen_platforms(self) -> list[PlatformInfo]:
        chosen = self.answers.get("platforms")
        if not isinstance(chosen, list):
            return []
        return [p for p in self.content.platforms if p.slug in chosen]

    def account_counts(self) -> list[tuple[PlatformInfo, int]]:
        accounts = self.answers.get("accounts") if isinstance(self.answers.get("accounts"), dict) else {}
        return [(p, accounts.get(p.slug, 0)) for p in self.chosen_platforms()]

    def is_answered(self, question: str) -> bool:
        """Whether the stored answer exists and is still valid for the current content."""
        data = self.as_post_data(question)
        if question not in MEMO_QUESTIONS or data is None:
            return self.form(question, data=data).is_valid()
        # Every page of the wizard and the plan checks the earlier answers again: the questions whose
        # choices come from the guide keep their verdicts on the guide snapshot they were checked
        # against (so an edit to the guide checks them afresh). Their answers are no personal data.
        key = ("wizard-answer", question, json.dumps(data, sort_keys=True, default=str))
        memo = self.content.memo
        verdict = memo.get(key)  # one lookup: another thread may clear the memo in between
        if verdict is None:
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            verdict = memo[key] = self.form(question, data=data).is_valid()
        return verdict

    def first_unanswered(self) -> str:
        """The first question still to answer, or CHECK when every one is answered."""
        return next((q for q in self.questions() if not self.is_answered(q)), CHECK)

    def is_complete(self) -> bool:
        return self.first_unanswered() == CHECK

    def may_visit(self, question: str) -> bool:
        """A question is open once every applicable question before it is answered."""
        if question == CHECK:
            return self.is_complete()
        if not self.applies(question):
            return False
        before = self.questions()[: self.questions().index(question)]
        return all(self.is_answered(q) for q in before)

    def previous(self, question: str) -> str | None:
        questions = self.questions()
        if question == CHECK:
            return questions[-1]
        index = questions.index(question)
        return questions[index - 1] if index else None

    def next(self, question: str) -> str:
        questions = self.questions()
        index = questions.index(question)
        return questions[index + 1] if index + 1 < len(questions) else CHECK

    def form(self, question: str, data: Mapping[str, Any] | None = None) -> WizardForm:
        initial = self.initial(question)
        if question == "where":
            return WhereForm(data, initial=initial, content=self.content)
        if question == "state":
            return StateForm(data, initial=initial, content=self.content)
        if question == "platforms":
            return PlatformsForm(data, initial=initial, content=self.content)
        if question == "accounts":
            return AccountsForm(data, initial=initial, platforms=self.chosen_platforms())
        if question == "situation":
            return SituationForm(data, initial=initial)
        if question == "details":
            return DetailsForm(data, initial=initial, accounts=self.account_counts())
        raise ValueError(question)

    def initial(self, question: str) -> dict[str, Any]:
        """The stored answers as a form's initial values, so going back shows what was given."""
        a = self.answers
        if question == "where":
            return {"country": a.get("country", "")}
        if question == "state":
            return {"us_state": a.get("us_state", "")}
        if question == "platforms":
            chosen = a.get("platforms")
            return {"platforms": (chosen or [NONE]) if isinstance(chosen, list) else []}
        if question == "accounts":
            return AccountsForm.initial_from(a)
        if question == "situation":
            chosen = a.get("situations")
            return {"situations": (chosen or [NONE]) if isinstance(chosen, list) else []}
        return DetailsForm.initial_from(a)

    def as_post_data(self, question: str) -> dict[str, Any] | None:
        """The stored answers as the form data that would have produced them (None: not answered)."""
        initial = self.initial(question)
        if question in ("platforms", "situation"):
            values = initial[next(iter(initial))]
            return {next(iter(initial)): values} if values else None
        if question == "accounts":
            chosen = {p.slug for p in self.chosen_platforms()}
            stored = self.answers.get("accounts") if isinstance(self.answers.get("accounts"), dict) else {}
            if not chosen <= set(stored):
                return None
        if question == "details" and not self.answers.get("name"):
            return None
        return {key: "" if value is None else value for key, value in initial.items()}

    def save(self, question: str, form: WizardForm) -> dict[str, Any]:
        """New answers after a valid form: this question's values, and nothing left from other choices."""
        answers = {**self.answers, **form.answers()}
        if question == "where" and answers.get("country") != US:
            answers.pop("us_state", None)
        if question == "platforms":
            chosen = set(answers["platforms"])
            answers["accounts"] = {k: v for k, v in (answers.get("accounts") or {}).items() if k in chosen}
        return answers
