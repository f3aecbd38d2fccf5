"""A letter's context from what the site knows: the person's answers and their plan's guide facts.

`contract.build_context` is the one constructor of a context; these assemble its groups the same
way wherever a letter is written: on the plan page, when a request is tracked, when it is escalated.
Pure: plain data in (the planner's answers and plan, the guide snapshot), a context out.
"""

from __future__ import annotations

import datetime

from ..guide.planning import Answers, Plan, PlanItem
from ..guide.snapshot import GuideContent
from ..web.text import isolated
from .contract import build_context


def person_from(answers: Answers, *, country: str, account: str, email: str = "") -> dict[str, str]:
    """The `person` group: who writes, in the words they gave; `email` when they gave none."""
    # What the person typed, each isolated where it holds bidirectional formatting (web/text.py).
    return {
        "name": isolated(answers.name),
        "email": isolated(answers.email or email),
        "country": country,
        "account": isolated(account),
        "explanation": isolated(answers.explanation),
    }


def for_plan_item(
    *, plan: Plan, item: PlanItem, answers: Answers, content: GuideContent, today: datetime.date, email: str = ""
) -> dict:
    """The context of a plan item's letter, in the snapshot's language."""
    platform = item.platform.slug if item.platform else ""
    controller = content.controllers.get((platform, plan.region.jurisdiction))
    jurisdiction = plan.jurisdiction
    return build_context(
        person=person_from(answers, country=plan.region.name, account=item.account_handle, email=email),
        platform={"name": item.platform.name if item.platform else ""},
        controller={"name": controller.name, "address": controller.address} if controller else None,
        law={"name": plan.law_name, "legal_basis": item.action.legal_basis},
        authority={
            "name": jurisdiction.authority_name,
            "url": jurisdiction.authority_url,
            "email": jurisdiction.authority_email,
        }
        if jurisdiction
        else None,
        language=content.language,
        today=today,
    )
