"""The order in which the wizard asks its questions, and where a person may go.

`Wizard` knows, from the answers so far and the guide content, which questions apply (the US state
only for the US, accounts only when platforms were chosen), which are answered (with values the
current content still accepts) and so where a person may go. The views ask it; they never decide
the order themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..guide.snapshot import GuideContent, PlatformInfo
from ..languages import base_language
from .forms import (
    NONE,
    US,
    AccountsForm,
    DetailsForm,
    PlatformsForm,
    SituationForm,
    StateForm,
    WhereForm,
    WizardForm,
)

# The questions, in the order they are asked; their names are the URL's last part.
QUESTIONS = ("where", "state", "platforms", "accounts", "situation", "details")
# Those whose checks are kept on the guide snapshot (Wizard.is_answered): choices from the guide,
# answers that are not personal data. At most MEMO_LIMIT verdicts are kept per snapshot.
MEMO_QUESTIONS = frozenset({"where", "state", "platforms", "accounts"})
MEMO_LIMIT = 10_000
CHECK = "check"


class Wizard:
    """Where a person is in the questions, given their answers and the current guide content."""

    def __init__(
        self, answers: Mapping[str, Any], content: GuideContent, letter_languages: list[str] | None = None
    ) -> None:
        """`letter_languages`: what the details page offers for the letters (letter_language.offered);
        only the page itself needs them, checking a stored answer accepts any enabled language."""
        self.answers = dict(answers)
        self.content = content
        self.letter_languages = letter_languages

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
            return DetailsForm(
                data,
                initial=initial,
                accounts=self.account_counts(),
                letter_languages=self.letter_languages,
                page_language=base_language(self.content.language),
            )
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
