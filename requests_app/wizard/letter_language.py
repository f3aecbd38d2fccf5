"""The language a person's letters are written in, which may differ from the language they read the site in.

A person reading in English in the Netherlands may file in Dutch. The details page asks once, for
every letter of the plan; the answer is kept in the plan's answers as `letter_language` (so it is
claimed into an account with the rest), the plan page renders the letters in it, and tracking a
request freezes it on the submission (`Submission.language`, with the letter text). Without an
answer, letters are in the page's language.

A language is offered when it is enabled (settings.LANGUAGES) and every letter of the person's plan
has a template in it; English, which every letter has, is always offered. A letter that has no
template in the chosen language is written in English, and the plan page says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings

from ..guide.content import load_content
from ..guide.planning import Answers, request_items
from ..languages import DEFAULT_LANGUAGE, base_language

ANSWER_KEY = "letter_language"


def enabled_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def offered(answers: Mapping[str, Any]) -> list[str]:
    """The enabled languages every letter of the plan in `answers` can be written in (settings' order)."""
    plan_answers = Answers.from_dict(answers)
    languages = []
    for code in enabled_languages():
        letters = [item.action.letter for item in request_items(plan_answers, load_content(code)) if item.action.letter]
        if code == DEFAULT_LANGUAGE or all(letter.language == code for letter in letters):
            languages.append(code)
    return languages


def chosen(answers: Mapping[str, Any], page_language: str | None) -> str:
    """The letters' language: the person's answer while it is an enabled language, else the page's."""
    answer = answers.get(ANSWER_KEY)
    if isinstance(answer, str) and answer in enabled_languages():
        return answer
    page = base_language(page_language)
    return page if page in enabled_languages() else DEFAULT_LANGUAGE
