"""Request tracking: the writes that span submissions, status changes, attachments and evidence events.

Every write locks the submission row (`select_for_update`) inside one transaction and appends its
evidence events there too, so an event's `seq` never races and a request is never half-recorded.
Events hold facts and SHA-256 hashes only (of the letter, the reference, a reply, an image), never
the personal text itself. Each form carries a one-off token that is kept in the event it caused: a
form sent twice (two quick clicks, a reload) is recognised and recorded once.

The views call these functions with objects they have already scoped to `request.user`.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import deadlines, plan_session
from .evidence.canonical import canonical_json
from .evidence.chain import format_timestamp, keyed_digest
from .evidence.events import append_event
from .guide import planning
from .guide.content import content_version, load_content
from .guide.snapshot import GuideContent
from .letters.contract import LAW_NAME_BY_CODE, build_context, format_date
from .letters.render import render_form_fields, render_letter
from .letters.sandbox import LetterError
from .models import (
    ANSWERED_STATUSES,
    Action,
    ActionKind,
    Attachment,
    Event,
    EventType,
    Jurisdiction,
    Plan,
    PlatformController,
    Region,
    StatusChange,
    Submission,
    SubmissionStatus,
)
from .uploads import MAX_FILES_PER_SUBMISSION, CleanImage

# A filing time this far ahead of the server's clock is still "now" (a phone's clock may run fast).
CLOCK_SKEW = datetime.timedelta(minutes=5)
REMINDER_SLUG = "reminder-to-company"
COMPLAINT_PREFIX = "complaint-"
# An authority must tell a complainant how the complaint is going within three months (GDPR Art. 78(2)).
COMPLAINT_RULES = {
    "gdpr": deadlines.DeadlineRule(unit="months", amount=3),
    "uk_gdpr": deadlines.DeadlineRule(unit="months", amount=3),
}
WAITING_STATUSES = (SubmissionStatus.FILED, SubmissionStatus.ACKNOWLEDGED)
EXTENDED = "extended"
REPLY_ONLY = "reply"

# The usual time zone where a person lives, for the filing form's default when the browser does not
# say. Countries with several zones get the capital's; anything else gets UTC.
COUNTRY_TIME_ZONES = {
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia", "HR": "Europe/Zagreb",
    "CY": "Asia/Nicosia", "CZ": "Europe/Prague", "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn",
    "FI": "Europe/Helsinki", "FR": "Europe/Paris", "DE": "Europe/Berlin", "GR": "Europe/Athens",
    "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IT": "Europe/Rome", "LV": "Europe/Riga",
    "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg", "MT": "Europe/Malta", "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw", "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "SK": "Europe/Bratislava",
    "SI": "Europe/Ljubljana", "ES": "Europe/Madrid", "SE": "Europe/Stockholm", "IS": "Atlantic/Reykjavik",
    "LI": "Europe/Vaduz", "NO": "Europe/Oslo", "GB": "Europe/London", "CH": "Europe/Zurich",
}  # fmt: skip
_US_ZONES = {
    "America/New_York": "CT DE DC FL GA KY ME MD MA NH NJ NY NC OH PA RI SC VT VA WV",
    "America/Detroit": "MI",
    "America/Indiana/Indianapolis": "IN",
    "America/Chicago": "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI",
    "America/Denver": "CO ID MT NM UT WY",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
}
STATE_TIME_ZONES = {f"US-{state}": zone for zone, states in _US_ZONES.items() for state in states.split()}


class TrackingError(ValueError):
    """A write that is refused, with a message for the person and the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- evidence -----------------------------------------------------------------------------------


def _digest(submission: Submission, text: str) -> str:
    return keyed_digest(submission.evidence_key, text)


def _token_used(submission: Submission, token: str) -> bool:
    return Event.objects.filter(submission_id=submission.pk, data__token=token).exists()


def _lock(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().get(pk=submission.pk)


# --- guide facts --------------------------------------------------------------------------------


def request_items(plan_data: dict[str, Any], content: GuideContent) -> list[planning.PlanItem]:
    """The items of a plan that are requests to track; [] when the plan has no (known) region."""
    answers = planning.Answers.from_dict(plan_data.get("answers") or {})
    if not answers.region:
        return []
    try:
        plan = planning.build_plan(answers, content)
    except planning.UnknownRegion:
        return []
    return [item for item in plan.items if item.is_request]


def _person(answers: planning.Answers, user: Any, account: str, country: str) -> dict[str, str]:
    return {
        "name": answers.name,
        "email": answers.email or user.email,
        "country": country,
        "account": account,
        "explanation": answers.explanation,
    }


def _letter(*, action: Action, language: str, context: dict[str, Any]) -> tuple[str, str, list[dict[str, str]], str]:
    """(subject, body, form fields, language of the template used), or a TrackingError."""
    templates = {template.language: template for template in action.letter_templates.all()}
    template = templates.get(language) or templates.get("en")
    try:
        fields = render_form_fields(list(action.form_fields or []), context, language)
        if template is None:
            return "", "", [{"label": label, "value": value} for label, value in fields], language
        rendered = render_letter(template.subject, template.body, context)
    except LetterError as exc:
        raise TrackingError(
            _("The letter for this request cannot be prepared right now. Please try again later.")
        ) from exc
    return (
        rendered.subject,
        rendered.body,
        [{"label": label, "value": value} for label, value in fields],
        template.language,
    )


@transaction.atomic
def create_submission(
    *,
    user: Any,
    plan_data: dict[str, Any],
    item_key: str,
    language: str,
    now: datetime.datetime | None = None,
) -> tuple[Submission, bool]:
    """Track a request of the person's plan; (submission, created). Tracking it again returns the first one.

    Freezes the guide's facts (action, platform, region, law, legal basis, form URL, controller,
    content version) and renders the letter in `language` with the plan's answers.
    """
    now = now or timezone.now()
    existing = Submission.objects.for_user(user).filter(plan_item_key=item_key, escalates__isnull=True).first()
    if existing is not None:
        return existing, False
    language = language.split("-")[0]
    content = load_content(language)
    item = next((item for item in request_items(plan_data, content) if item.key == item_key), None)
    if item is None:
        raise TrackingError(_("This request is not in your plan. Check your answers and try again."), field="item")
    answers = planning.Answers.from_dict(plan_data.get("answers") or {})
    region = Region.objects.select_related("jurisdiction").get(slug=answers.region)
    jurisdiction = region.jurisdiction
    action = Action.objects.select_related("platform").prefetch_related("letter_templates").get(slug=item.action.slug)
    controller = (
        PlatformController.objects.filter(platform=action.platform, jurisdiction=jurisdiction).first()
        if action.platform
        else None
    )
    context = build_context(
        person=_person(answers, user, item.account_handle, region.text("name", language)),
        platform={"name": action.platform.name if action.platform else ""},
        controller={"name": controller.name, "address": controller.address} if controller else None,
        law={"name": LAW_NAME_BY_CODE.get(jurisdiction.law, ""), "legal_basis": item.action.legal_basis},
        authority={
            "name": jurisdiction.text("authority_name", language),
            "url": jurisdiction.authority_url,
            "email": jurisdiction.authority_email,
        },
        language=language,
        today=timezone.localdate(now),
    )
    subject, body, form_fields, letter_language = _letter(action=action, language=language, context=context)
    submission = Submission(
        user=user,
        action=action,
        plan_item_key=item.key,
        action_slug=action.slug,
        action_title=item.action.title,
        kind=action.kind,
        platform_name=action.platform.name if action.platform else "",
        region_slug=region.slug,
        region_name=region.text("name", language),
        jurisdiction_slug=jurisdiction.slug,
        law=jurisdiction.law,
        legal_basis=item.action.legal_basis,
        official_url=action.official_url,
        recipient=controller.name if controller else "",
        content_version=content_version(),
        language=letter_language,
        person_name=context["person"]["name"],
        account=item.account_handle,
        letter_subject=subject,
        letter_body=body,
        form_fields=form_fields,
        created_at=now,
    )
    submission.full_clean(exclude=["user", "action", "escalates"], validate_constraints=False)
    try:
        with transaction.atomic():
            submission.save(force_insert=True)
    except IntegrityError:
        # Tracked by a request that ran at the same time: that one stands.
        return Submission.objects.for_user(user).get(plan_item_key=item_key, escalates__isnull=True), False
    append_event(submission=submission, event_type=EventType.CREATED, data=_created_facts(submission), at=now)
    return submission, True


def _created_facts(submission: Submission) -> dict[str, Any]:
    return {
        "action": submission.action_slug,
        "kind": submission.kind,
        "platform": submission.platform_name,
        "region": submission.region_slug,
        "jurisdiction": submission.jurisdiction_slug,
        "law": submission.law,
        "legal_basis": submission.legal_basis,
        "official_url": submission.official_url,
        "recipient": submission.recipient,
        "content_version": submission.content_version,
        "language": submission.language,
        "escalates": str(submission.escalates_id) if submission.escalates_id else None,
    }


# --- time zones ---------------------------------------------------------------------------------


def usual_time_zone(region: Region | None) -> str:
    """The time zone most people in `region` live in ("UTC" when unknown)."""
    if region is None:
        return "UTC"
    return STATE_TIME_ZONES.get(region.subdivision_code.upper()) or COUNTRY_TIME_ZONES.get(
        region.country_code.upper(), "UTC"
    )


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TrackingError(_("Select your time zone from the list"), field="timezone") from exc


def today_for(submission: Submission, now: datetime.datetime | None = None) -> datetime.date:
    """Today where the person filed (UTC before they said)."""
    now = now or timezone.now()
    try:
        return now.astimezone(ZoneInfo(submission.filed_timezone or "UTC")).date()
    except (ZoneInfoNotFoundError, ValueError):
        return now.astimezone(datetime.UTC).date()


def _rule(submission: Submission) -> deadlines.DeadlineRule:
    if submission.kind == ActionKind.ESCALATION:
        if submission.action_slug.startswith(COMPLAINT_PREFIX):
            return COMPLAINT_RULES.get(submission.law, deadlines.DeadlineRule())
        return deadlines.DeadlineRule()
    jurisdiction = Jurisdiction.objects.filter(slug=submission.jurisdiction_slug).first()
    return deadlines.DeadlineRule.from_jurisdiction(jurisdiction) if jurisdiction else deadlines.DeadlineRule()


def earliest_filing_date(submission: Submission, tz: ZoneInfo) -> datetime.date:
    """A request cannot have been filed before its plan (or, for an escalation, the original) existed."""
    started = submission.created_at
    plan_created = Plan.objects.filter(user_id=submission.user_id).values_list("created_at", flat=True).first()
    if plan_created is not None:
        started = min(started, plan_created)
    earliest = started.astimezone(tz).date()
    if submission.escalates_id and submission.escalates.filed_at:
        earliest = max(earliest, submission.escalates.filed_at.astimezone(tz).date())
    return earliest


# --- filing -------------------------------------------------------------------------------------


@transaction.atomic
def record_filing(
    *,
    submission: Submission,
    filed_at_local: datetime.datetime,
    timezone_name: str,
    reference: str,
    confirmation_text: str,
    token: str,
    image: CleanImage | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Submission, bool]:
    """Record that the person filed the request, with a screenshot if given; (submission, recorded now).

    The letter is frozen from here on, the deadlines are computed from the filing date where the
    person is, and a second submit of the same form (same token) changes nothing.
    """
    now = now or timezone.now()
    submission = _lock(submission)
    if submission.status != SubmissionStatus.DRAFT:
        if _token_used(submission, token):
            return submission, False
        raise TrackingError(_("This request is already recorded as filed."), field="filed_at")
    tz = zone(timezone_name)
    filed_at = filed_at_local.replace(tzinfo=None).replace(tzinfo=tz)
    if filed_at > now + CLOCK_SKEW:
        raise TrackingError(_("The date and time you filed must be in the past"), field="filed_at")
    earliest = earliest_filing_date(submission, tz)
    received = filed_at.astimezone(tz).date()
    if received < earliest:
        raise TrackingError(
            _("The date you filed must be on or after %(date)s, when you started this plan")
            % {"date": format_date(earliest, translation.get_language() or "en")},
            field="filed_at",
        )
    rule = _rule(submission)
    submission.status = SubmissionStatus.FILED
    submission.filed_at = filed_at
    submission.filed_timezone = timezone_name
    submission.reference = reference
    submission.confirmation_text = confirmation_text
    submission.due_on = deadlines.due_date(received, rule)
    submission.extended_due_on = deadlines.extended_due_date(received, rule)
    submission.acknowledge_by = deadlines.acknowledge_by(received, rule)
    submission.full_clean(exclude=["user", "action", "escalates"], validate_constraints=False)
    submission.save(
        update_fields=[
            "status",
            "filed_at",
            "filed_timezone",
            "reference",
            "confirmation_text",
            "due_on",
            "extended_due_on",
            "acknowledge_by",
            "updated_at",
        ]
    )
    append_event(
        submission=submission,
        event_type=EventType.LETTER_FROZEN,
        data={
            "letter_subject_hmac": _digest(submission, submission.letter_subject),
            "letter_hmac": _digest(submission, submission.letter_body),
            "form_fields_hmac": _digest(submission, canonical_json(submission.form_fields).decode("utf-8")),
        },
        at=now,
    )
    append_event(
        submission=submission,
        event_type=EventType.FILED,
        data={
            "filed_at": format_timestamp(filed_at),
            "filed_local": filed_at.isoformat(),
            "timezone": timezone_name,
            "received_on": received.isoformat(),
            "reference_hmac": _digest(submission, reference) if reference else None,
            "confirmation_hmac": _digest(submission, confirmation_text) if confirmation_text else None,
            "due_on": _iso(submission.due_on),
            "extended_due_on": _iso(submission.extended_due_on),
            "acknowledge_by": _iso(submission.acknowledge_by),
            "token": token,
        },
        at=now,
    )
    if image is not None:
        _add_attachment(submission, image, f"{token}:screenshot", now)
    return submission, True


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


# --- attachments --------------------------------------------------------------------------------


@transaction.atomic
def add_attachment(
    *, submission: Submission, image: CleanImage, token: str, now: datetime.datetime | None = None
) -> tuple[Attachment | None, bool]:
    """Keep a checked, re-encoded screenshot; (attachment, added now). At most 10 per request."""
    now = now or timezone.now()
    submission = _lock(submission)
    if _token_used(submission, token):
        return None, False
    return _add_attachment(submission, image, token, now), True


def _add_attachment(submission: Submission, image: CleanImage, token: str, now: datetime.datetime) -> Attachment:
    # The caller holds the submission's row lock.
    if submission.attachments.count() >= MAX_FILES_PER_SUBMISSION:
        raise TrackingError(
            _("A request can have at most %(count)d screenshots") % {"count": MAX_FILES_PER_SUBMISSION},
            field="image",
        )
    attachment = Attachment(
        submission=submission,
        content=image.content,
        content_type=image.content_type,
        size=image.size,
        width=image.width,
        height=image.height,
        sha256=image.sha256,
        created_at=now,
    )
    attachment.full_clean(exclude=["submission"])
    attachment.save(force_insert=True)
    append_event(
        submission=submission,
        event_type=EventType.ATTACHMENT_ADDED,
        data={
            "attachment": str(attachment.pk),
            "attachment_hmac": _digest(submission, image.sha256),
            "content_type": image.content_type,
            "size": image.size,
            "width": image.width,
            "height": image.height,
            "token": token,
        },
        at=now,
    )
    return attachment


# --- what happened next -------------------------------------------------------------------------


@transaction.atomic
def record_update(
    *,
    submission: Submission,
    what: str,
    happened_on: datetime.date,
    note: str,
    reply_text: str,
    token: str,
    now: datetime.datetime | None = None,
) -> tuple[StatusChange | None, bool]:
    """Record what the company did: a new status, an extension, or just its reply; (change, recorded now).

    `what` is a status (acknowledged, granted, refused, withdrawn), `EXTENDED` (the company said it
    needs longer: the extended due date applies) or `REPLY_ONLY` (a reply with no change of status).
    """
    now = now or timezone.now()
    submission = _lock(submission)
    if _token_used(submission, token):
        return None, False
    if submission.status == SubmissionStatus.DRAFT:
        raise TrackingError(_("Record when you filed this request first"), field="what")
    allowed = {
        SubmissionStatus.ACKNOWLEDGED,
        SubmissionStatus.GRANTED,
        SubmissionStatus.REFUSED,
        SubmissionStatus.WITHDRAWN,
        EXTENDED,
        REPLY_ONLY,
    }
    if what not in allowed:
        raise TrackingError(_("Select what happened"), field="what")
    if what == REPLY_ONLY and not reply_text.strip():
        raise TrackingError(_("Paste the reply, or select what happened"), field="reply_text")
    if what == EXTENDED and submission.extended_due_on is None:
        raise TrackingError(_("The law sets no extension for this request"), field="what")
    today = today_for(submission, now)
    filed_on = submission.filed_at.astimezone(zone(submission.filed_timezone or "UTC")).date()
    if happened_on > today:
        raise TrackingError(_("The date must be today or in the past"), field="happened_on")
    if happened_on < filed_on:
        raise TrackingError(
            _("The date must be on or after %(date)s, when you filed the request")
            % {"date": format_date(filed_on, translation.get_language() or "en")},
            field="happened_on",
        )
    previous = submission.status
    new_status = previous if what in (EXTENDED, REPLY_ONLY) else what
    change = StatusChange(
        submission=submission,
        status=new_status,
        happened_on=happened_on,
        note=note,
        reply_text=reply_text,
        created_at=now,
    )
    change.full_clean(exclude=["submission"])
    change.save(force_insert=True)
    fields = ["updated_at"]
    if new_status != previous:
        submission.status = new_status
        fields.append("status")
    if what == EXTENDED:
        submission.extended = True
        fields.append("extended")
    submission.save(update_fields=fields)
    if what != REPLY_ONLY:
        append_event(
            submission=submission,
            event_type=EventType.STATUS_CHANGED,
            data={
                "from": previous,
                "status": new_status,
                "extended": what == EXTENDED,
                "due_on": _iso(submission.current_due_on),
                "happened_on": happened_on.isoformat(),
                "note_hmac": _digest(submission, note) if note else None,
                "status_change": change.pk,
                "token": token,
            },
            at=now,
        )
    if reply_text:
        append_event(
            submission=submission,
            event_type=EventType.REPLY_RECORDED,
            data={
                "reply_hmac": _digest(submission, reply_text),
                "happened_on": happened_on.isoformat(),
                "status_change": change.pk,
                "token": token,
            },
            at=now,
        )
    return change, True


# --- deadlines and escalation -------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where a request stands today, as the dashboard and the request page show it."""

    key: str  # overdue, due_soon, due_today, open, escalated, answered, draft, no_deadline
    tag: str
    tag_class: str
    detail: str
    days: int | None = None


def standing(submission: Submission, today: datetime.date) -> Standing:
    status = submission.status
    label = SubmissionStatus(status).label
    if status == SubmissionStatus.DRAFT:
        return Standing("draft", str(label), "tag-grey", _("Not filed yet: record it once you have sent it"))
    if status in ANSWERED_STATUSES:
        return Standing("answered", str(label), "tag-green" if status == SubmissionStatus.GRANTED else "tag-grey", "")
    due = submission.current_due_on
    left = deadlines.days_left(due, today)
    if status == SubmissionStatus.ESCALATED:
        return Standing("escalated", str(label), "tag-yellow", _("You escalated this request"), left)
    state = deadlines.deadline_status(due, today, answered=False)
    due_text = format_date(due, translation.get_language() or "en") if due else ""
    if state == deadlines.DeadlineStatus.OVERDUE:
        overdue = -left
        return Standing(
            "overdue",
            _("Overdue"),
            "tag-red",
            ngettext(
                "Overdue by %(days)d day (was due %(date)s)", "Overdue by %(days)d days (was due %(date)s)", overdue
            )
            % {"days": overdue, "date": due_text},
            left,
        )
    if state == deadlines.DeadlineStatus.DUE_TODAY:
        return Standing("due_today", _("Due today"), "tag-yellow", _("The answer is due today"), 0)
    if state == deadlines.DeadlineStatus.DUE_SOON:
        return Standing(
            "due_soon",
            _("Due soon"),
            "tag-yellow",
            ngettext("Due in %(days)d day (%(date)s)", "Due in %(days)d days (%(date)s)", left)
            % {"days": left, "date": due_text},
            left,
        )
    if state == deadlines.DeadlineStatus.OPEN:
        return Standing("open", str(label), "tag", _("Due on %(date)s") % {"date": due_text}, left)
    return Standing("no_deadline", str(label), "tag", _("The law sets no deadline for an answer"))


def with_urgency(queryset: QuerySet[Submission], today: datetime.date) -> QuerySet[Submission]:
    """Most urgent first: overdue, due within a week, waiting, escalated, answered, drafts."""
    waiting = Q(status__in=WAITING_STATUSES)
    return (
        queryset.annotate(
            current_due=Case(When(extended=True, then=F("extended_due_on")), default=F("due_on")),
        )
        .annotate(
            urgency=Case(
                When(waiting & Q(current_due__lt=today), then=Value(0)),
                When(
                    waiting & Q(current_due__lte=today + datetime.timedelta(days=deadlines.DUE_SOON_DAYS)),
                    then=Value(1),
                ),
                When(waiting, then=Value(2)),
                When(status=SubmissionStatus.ESCALATED, then=Value(3)),
                When(status__in=list(ANSWERED_STATUSES), then=Value(4)),
                default=Value(5),
                output_field=IntegerField(),
            )
        )
        .order_by("urgency", F("current_due").asc(nulls_last=True), "-created_at", "pk")
    )


def can_escalate(submission: Submission, today: datetime.date) -> bool:
    """A refused request, or one still unanswered after its (extended) due date."""
    if submission.kind == ActionKind.ESCALATION:
        return False
    if submission.status == SubmissionStatus.REFUSED:
        return True
    due = submission.current_due_on
    waiting = submission.status in (*WAITING_STATUSES, SubmissionStatus.ESCALATED)
    return waiting and due is not None and due < today


def complaint_action(submission: Submission) -> Action | None:
    return (
        Action.objects.filter(
            kind=ActionKind.ESCALATION,
            slug__startswith=COMPLAINT_PREFIX,
            jurisdictions__slug=submission.jurisdiction_slug,
        )
        .order_by("order", "slug")
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
    region = Region.objects.select_related("jurisdiction").filter(slug=submission.region_slug).first()
    if region is None:
        return []
    jurisdiction = region.jurisdiction
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
    original = _lock(submission)
    today = today_for(original, now)
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
    answers = planning.Answers.from_dict(plan_session.read({plan_session.SESSION_KEY: plan_data})["answers"])
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
        person=_person(answers, original.user, original.account, region.text("name", lang) if region else ""),
        platform={"name": original.platform_name},
        controller={"name": original.recipient},
        law={"name": LAW_NAME_BY_CODE.get(original.law, ""), "legal_basis": original.legal_basis},
        authority={"name": authority.name, "url": authority.url, "email": authority.email} if authority else None,
        original={
            "subject": original.letter_subject,
            "filed_on": original.filed_at.astimezone(zone(original.filed_timezone or "UTC")).date()
            if original.filed_at
            else "",
            "reference": original.reference,
            "due_on": original.current_due_on,
            "platform": original.platform_name,
        },
        language=lang,
        today=today,
    )
    subject, body, form_fields, letter_language = _letter(action=action, language=lang, context=context)
    escalation = Submission(
        user=original.user,
        action=action,
        escalates=original,
        plan_item_key=f"{original.plan_item_key}>{action.slug}"[:100],
        action_slug=action.slug,
        action_title=action.text("title", language),
        kind=action.kind,
        platform_name=original.platform_name,
        region_slug=original.region_slug,
        region_name=original.region_name,
        jurisdiction_slug=jurisdiction.slug if jurisdiction else original.jurisdiction_slug,
        law=original.law,
        legal_basis=action.text("legal_basis", language) or original.legal_basis,
        official_url=official_url,
        recipient=recipient,
        content_version=content_version(),
        language=letter_language,
        person_name=original.person_name,
        account=original.account,
        letter_subject=subject,
        letter_body=body,
        form_fields=form_fields,
        created_at=now,
    )
    escalation.full_clean(exclude=["user", "action", "escalates"], validate_constraints=False)
    escalation.save(force_insert=True)
    append_event(submission=escalation, event_type=EventType.CREATED, data=_created_facts(escalation), at=now)
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


def new_token() -> str:
    return uuid.uuid4().hex
