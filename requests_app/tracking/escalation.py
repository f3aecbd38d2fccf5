"""Escalating a request the company did not answer in time, or refused: a complaint or a reminder.

An escalation is a submission of its own, with a letter that quotes the original request: a
complaint to the data protection authority (the jurisdiction's, or under the GDPR the person's own
national one) or a reminder to the company. Offered once a request is overdue or refused
(`standing.can_escalate`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..evidence.events import append_event
from ..guide.planning import Answers
from ..letters.context import person_from
from ..letters.contract import LAW_NAME_BY_CODE, build_context
from ..models import (
    WAITING_STATUSES,
    Action,
    ActionKind,
    EventType,
    Jurisdiction,
    Region,
    StatusChange,
    Submission,
    SubmissionStatus,
)
from ..wizard.plan_session import SESSION_KEY, read
from .rules import COMPLAINT_PREFIX
from .services import TrackingError, frozen_submission, lock, record_created
from .standing import can_escalate

REMINDER_SLUG = "reminder-to-company"


def complaint_action(submission: Submission) -> Action | None:
    return (
        Action.objects.filter(
            kind=ActionKind.ESCALATION,
            slug__startswith=COMPLAINT_PREFIX,
            jurisdictions__slug=submission.jurisdiction_slug,
        )
        .order_by("order", "slug")
        # Without the default prefetch of its text rows: the detail page only asks whether there is one,
        # and an escalation reads the texts it needs (one query) when it freezes them.
        .prefetch_related(None)
        .first()
    )


@dataclass(frozen=True)
class Authority:
    key: str  # "lead" or "local"
    name: str
    url: str
    email: str = ""


def authorities(submission: Submission, language: str) -> list[Authority]:
    """Where a complaint can go: the jurisdiction's authority, and under the GDPR the person's own national one."""
    # Each with its text rows joined (with_texts): two queries however many names are read.
    region = Region.objects.with_texts(language).filter(slug=submission.region_slug).first()
    if region is None:
        return []
    jurisdiction = Jurisdiction.objects.with_texts(language).get(pk=region.jurisdiction_id)
    found = []
    if jurisdiction.text("authority_name", language):
        found.append(
            Authority(
                "lead",
                jurisdiction.text("authority_name", language),
                jurisdiction.authority_complaint_url or jurisdiction.authority_url,
                jurisdiction.authority_email,
            )
        )
    local_name = region.text("local_authority_name", language)
    if jurisdiction.law == "gdpr" and local_name and local_name not in [a.name for a in found]:
        found.append(Authority("local", local_name, region.local_authority_url))
    return found


@transaction.atomic
def escalate(
    *,
    submission: Submission,
    route: str,
    authority_key: str,
    plan_data: dict[str, Any],
    language: str,
    token: str,
    now: datetime.datetime | None = None,
) -> tuple[Submission, bool]:
    """Start a complaint to the authority (`route` "complaint") or a reminder to the company ("reminder").

    The escalation is a submission of its own, with a letter that quotes the original request; the
    original gets an `escalated` event, and its status becomes "escalated" while it was unanswered.
    Escalating the same way twice returns the first escalation.
    """
    now = now or timezone.now()
    original = lock(submission)
    today = original.person_today(now)
    if not can_escalate(original, today):
        raise TrackingError(_("You can escalate a request once it is overdue or refused"), field="route")
    if route == "complaint":
        action = complaint_action(original)
    elif route == "reminder":
        action = Action.objects.filter(slug=REMINDER_SLUG, kind=ActionKind.ESCALATION).first()
    else:
        action = None
    if action is None:
        raise TrackingError(_("Select how you want to escalate"), field="route")
    existing = original.escalations.filter(action_slug=action.slug).first()
    if existing is not None:
        return existing, False
    language = language.split("-")[0]
    region = Region.objects.select_related("jurisdiction").filter(slug=original.region_slug).first()
    jurisdiction = region.jurisdiction if region else None
    answers = Answers.from_dict(read({SESSION_KEY: plan_data})["answers"])
    if route == "complaint":
        choices = {authority.key: authority for authority in authorities(original, language)}
        authority = choices.get(authority_key) or choices.get("lead")
        if authority is None:
            raise TrackingError(_("Select the authority to complain to"), field="authority")
        recipient, official_url = authority.name, authority.url
    else:
        authority = None
        recipient, official_url = original.recipient, action.official_url or original.official_url
    lang = original.language
    context = build_context(
        person=person_from(
            answers,
            country=region.text("name", lang) if region else "",
            account=original.account,
            email=original.user.email,
        ),
        platform={"name": original.platform_name},
        controller={"name": original.recipient},
        law={"name": LAW_NAME_BY_CODE.get(original.law, ""), "legal_basis": original.legal_basis},
        authority={"name": authority.name, "url": authority.url, "email": authority.email} if authority else None,
        original={
            "subject": original.letter_subject,
            "filed_on": original.filed_at.astimezone(original.person_zone()).date() if original.filed_at else "",
            "reference": original.reference,
            "due_on": original.current_due_on,
            "platform": original.platform_name,
        },
        language=lang,
        today=today,
    )
    escalation = frozen_submission(
        user=original.user,
        action=action,
        context=context,
        language=lang,
        now=now,
        escalates=original,
        plan_item_key=f"{original.plan_item_key}>{action.slug}"[:100],
        action_title=action.text("title", language),
        platform_name=original.platform_name,
        region_slug=original.region_slug,
        region_name=original.region_name,
        jurisdiction_slug=jurisdiction.slug if jurisdiction else original.jurisdiction_slug,
        law=original.law,
        legal_basis=action.text("legal_basis", language) or original.legal_basis,
        official_url=official_url,
        recipient=recipient,
        person_name=original.person_name,
        account=original.account,
    )
    escalation.save(force_insert=True)
    record_created(escalation, now)
    previous = original.status
    if previous in WAITING_STATUSES:
        original.status = SubmissionStatus.ESCALATED
        original.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            submission=original, status=SubmissionStatus.ESCALATED, happened_on=today, created_at=now
        )
    append_event(
        submission=original,
        event_type=EventType.ESCALATED,
        data={
            "escalation": str(escalation.pk),
            "action": action.slug,
            "route": route,
            "from": previous,
            "status": original.status,
            "token": token,
        },
        at=now,
    )
    return escalation, True
