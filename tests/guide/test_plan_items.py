"""known_plan and request_items: a plan only for answers that name a region the guide still has."""

from __future__ import annotations

import pytest

from requests_app.guide.content import load_content
from requests_app.guide.planning import Answers, known_plan, request_items
from tests.factories.guide import make_answers, make_meta_guide

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    make_meta_guide()
    return load_content("en")


def test_it_plans_for_a_known_region(content):
    plan = known_plan(Answers.from_dict(make_answers()), content)
    assert plan is not None
    assert plan.region.slug == "germany"


@pytest.mark.parametrize("answers", [{}, make_answers(country="atlantis")])
def test_there_is_no_plan_without_a_known_region(content, answers):
    assert known_plan(Answers.from_dict(answers), content) is None
    assert request_items(Answers.from_dict(answers), content) == []


def test_the_request_items_are_the_plans_requests_only(content):
    answers = Answers.from_dict(make_answers())
    items = request_items(answers, content)
    assert items
    assert all(item.is_request for item in items)
    requests = [item.key for item in known_plan(answers, content).items if item.is_request]
    assert [item.key for item in items] == requests
