"""Which deadline rule a tracked request runs under: its jurisdiction's, or an escalation's own.

A request to a company runs under its jurisdiction's rule (`deadlines.DeadlineRule.from_jurisdiction`,
read from the guide when it is filed, and kept on the submission from then on: `filed_rule`). A
complaint to an authority runs under the law's own rule; a reminder to the company sets no new
deadline.
"""

from __future__ import annotations

import datetime

from ..models import ActionKind, Jurisdiction, Submission
from . import deadlines

COMPLAINT_PREFIX = "complaint-"
# An authority must tell a complainant how the complaint is going within three months (GDPR Art. 78(2)).
COMPLAINT_RULES = {
    "gdpr": deadlines.DeadlineRule(unit="months", amount=3),
    "uk_gdpr": deadlines.DeadlineRule(unit="months", amount=3),
}


def clarification_pause(submission: Submission, jurisdiction: Jurisdiction) -> tuple[bool, datetime.date | None]:
    """Whether this request's clock stops while the company asks for clarification, and for
    requests received from which day.

    Content says, and it is not in the content models yet (issue #12, point 3): the jurisdiction
    whether its law pauses and from when (the drafted `clock_stops_for_clarification` of
    `uk-gdpr`: applies, `takes_effect_on` 2026-02-05), the action whether the request has the part
    the pause is for (UK GDPR Art. 12A(5): a request under Art. 15, access, not an Art. 21
    objection; the lead decided it is the action's property). Until both are fields, no request
    pauses; this function is the one place to read them.
    """
    return False, None


def deadline_rule(submission: Submission) -> deadlines.DeadlineRule:
    """The rule the guide gives this request now (filing keeps it on the submission)."""
    if submission.kind == ActionKind.ESCALATION:
        if submission.action_slug.startswith(COMPLAINT_PREFIX):
            return COMPLAINT_RULES.get(submission.law, deadlines.DeadlineRule())
        return deadlines.DeadlineRule()
    jurisdiction = Jurisdiction.objects.filter(slug=submission.jurisdiction_slug).first()
    if jurisdiction is None:
        return deadlines.DeadlineRule()
    pauses, pauses_from = clarification_pause(submission, jurisdiction)
    return deadlines.DeadlineRule.from_jurisdiction(
        jurisdiction, clarification_pause=pauses, clarification_pause_from=pauses_from
    )


def filed_rule(submission: Submission) -> deadlines.DeadlineRule:
    """The rule the request was filed under, as the submission keeps it; a request filed before
    rules were kept (or whose kept rule no longer reads) gets the guide's rule of today."""
    if submission.deadline_rule:
        try:
            return deadlines.DeadlineRule.from_dict(submission.deadline_rule)
        except ValueError:
            pass
    return deadline_rule(submission)
