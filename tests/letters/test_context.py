"""A letter's context from the person's answers and their plan's guide facts."""

from __future__ import annotations

import datetime

import pytest

from requests_app.guide.content import load_content
from requests_app.guide.planning import Answers, build_plan
from requests_app.letters.context import for_plan_item, person_from
from tests.factories.guide import make_answers, make_meta_guide

TODAY = datetime.date(2026, 11, 28)


def test_the_person_is_who_answered_with_their_own_words():
    answers = Answers.from_dict(make_answers())
    assert person_from(answers, country="Germany", account="@anna", email="account@example.org") == {
        "name": "Anna Muster",
        "email": "anna@example.org",
        "country": "Germany",
        "account": "@anna",
        "explanation": "My posts show my children.",
    }


def test_the_accounts_address_stands_in_when_the_answers_give_none():
    answers = Answers.from_dict(make_answers(email=""))
    assert person_from(answers, country="", account="", email="account@example.org")["email"] == "account@example.org"
    assert person_from(answers, country="", account="")["email"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "de"])
def test_a_plan_items_context_names_its_controller_law_and_authority(language):
    make_meta_guide()
    content = load_content(language)
    answers = Answers.from_dict(make_answers())
    plan = build_plan(answers, content)
    item = next(item for item in plan.items if item.key == "object-ai-instagram#2")
    context = for_plan_item(plan=plan, item=item, answers=answers, content=content, today=TODAY)
    assert context["person"]["account"] == "@anna_cats"
    assert context["person"]["country"] == plan.region.name
    assert context["platform"]["name"] == "Instagram"
    assert context["controller"]["name"] == content.controllers[("instagram", "gdpr")].name
    assert context["law"] == {"name": "GDPR", "legal_basis": item.action.legal_basis}
    assert context["authority"]["name"] == content.jurisdictions["gdpr"].authority_name
    assert context["controller"]["name"]
    assert context["authority"]["name"]
    assert context["today"] == ("28 November 2026" if language == "en" else "28. November 2026")
