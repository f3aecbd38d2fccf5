"""tracking/rules.py: the rule a request is filed under, kept on it from then on, and where the pause comes from."""

from __future__ import annotations

import datetime

import pytest

from requests_app.models import Jurisdiction
from requests_app.tracking import rules
from requests_app.tracking.deadlines import DeadlineRule
from tests.factories.tracking import file, make_guide, make_person, track

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 2, 17, 0, tzinfo=datetime.UTC)
GDPR = DeadlineRule(unit="months", amount=1, extension_amount=2)


@pytest.fixture
def guide():
    return make_guide()


def test_filing_keeps_the_rule_of_the_day_and_a_later_edit_of_the_guide_does_not_change_it(guide):
    submission = file(track(make_person(), now=NOW), now=NOW)
    assert submission.deadline_rule == GDPR.as_dict()
    Jurisdiction.objects.filter(slug="gdpr").update(deadline_unit="days", deadline_amount=30, extension_amount=0)
    submission.refresh_from_db()
    assert rules.filed_rule(submission) == GDPR
    assert rules.deadline_rule(submission) == DeadlineRule(unit="days", amount=30)


@pytest.mark.parametrize("kept", [{}, {"unit": "fortnights"}, {"unit": "months"}])
def test_a_request_without_a_readable_kept_rule_gets_the_guides(guide, kept):
    submission = file(track(make_person(), now=NOW), now=NOW)
    submission.deadline_rule = kept
    assert rules.filed_rule(submission) == GDPR


def test_no_shipped_request_pauses_until_content_says_which_do(guide):
    submission = track(make_person(), now=NOW)
    assert rules.clarification_pause(submission, Jurisdiction.objects.get(slug="uk-gdpr")) == (False, None)
    assert not rules.deadline_rule(submission).clarification_pause


def test_the_pause_content_gives_reaches_the_rule(guide, monkeypatch):
    monkeypatch.setattr(
        rules, "clarification_pause", lambda submission, jurisdiction: (True, datetime.date(2026, 2, 5))
    )
    submission = file(track(make_person(), now=NOW), now=NOW)
    assert rules.filed_rule(submission) == DeadlineRule(
        unit="months", amount=1, extension_amount=2, clarification_pause=True,
        clarification_pause_from=datetime.date(2026, 2, 5),
    )  # fmt: skip
