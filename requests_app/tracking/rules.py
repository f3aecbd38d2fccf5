"""Which deadline rule a tracked request runs under: its jurisdiction's, or an escalation's own.

A request to a company runs under its jurisdiction's rule (`deadlines.DeadlineRule.from_jurisdiction`,
read from the guide when it is filed). A complaint to an authority runs under the law's own rule;
a reminder to the company sets no new deadline.
"""

from __future__ import annotations

from ..models import ActionKind, Jurisdiction, Submission
from . import deadlines

COMPLAINT_PREFIX = "complaint-"
# An authority must tell a complainant how the complaint is going within three months (GDPR Art. 78(2)).
COMPLAINT_RULES = {
    "gdpr": deadlines.DeadlineRule(unit="months", amount=3),
    "uk_gdpr": deadlines.DeadlineRule(unit="months", amount=3),
}


def deadline_rule(submission: Submission) -> deadlines.DeadlineRule:
    if submission.kind == ActionKind.ESCALATION:
        if submission.action_slug.startswith(COMPLAINT_PREFIX):
            return COMPLAINT_RULES.get(submission.law, deadlines.DeadlineRule())
        return deadlines.DeadlineRule()
    jurisdiction = Jurisdiction.objects.filter(slug=submission.jurisdiction_slug).first()
    return deadlines.DeadlineRule.from_jurisdiction(jurisdiction) if jurisdiction else deadlines.DeadlineRule()
