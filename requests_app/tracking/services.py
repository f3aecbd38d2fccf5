"""Request tracking's writes: track a request of the plan, record its filing, what happened next, screenshots.

Every write locks the submission row (`select_for_update`) inside one transaction and appends its
evidence events there too, so an event's `seq` never races and a request is never half-recorded.
Events hold facts and keyed digests only (of the letter, the reference, a reply, an image), never
the personal text itself. Each form carries a one-off token that is kept in the event it caused: a
form sent twice (two quick clicks, a reload) is recognised and recorded once.

The views call these functions with objects they have already scoped to `request.user`; the
escalations that follow from a request are in `escalation.py`.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..evidence.canonical import canonical_json
from ..evidence.chain import format_timestamp, keyed_digest
from ..evidence.events import append_event
from ..guide.content import content_version, load_content
from ..guide.planning import Answers, known_plan
from ..letters.context import for_plan_item
from ..letters.contract import format_date
from ..letters.render import compose
from ..letters.sandbox import LetterError
from ..models import (
    WAITING_STATUSES,
    Action,
    Attachment,
    ClarificationPause,
    Event,
    EventType,
    StatusChange,
    Submission,
    SubmissionStatus,
)
from . import deadlines
from .rules import deadline_rule, filed_rule
from .uploads import MAX_FILES_PER_SUBMISSION, CleanImage

# A filing time this far ahead of the server's clock is still "now" (a phone's clock may run fast).
CLOCK_SKEW = datetime.timedelta(minutes=5)
# What `record_update` records besides a new status.
EXTENDED = "extended"
REPLY_ONLY = "reply"
# The company asked for clarification, and the person answered: where the request's rule has the
# pause, the days between do not count towards its deadline (deadlines.py).
CLARIFICATION_ASKED = "clarification_asked"
CLARIFICATION_ANSWERED = "clarification_answered"


class TrackingError(ValueError):
    """A write that is refused, with a message for the person and the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def new_token() -> str:
    """A form's one-off token: a second submit of the same form is recognised by it."""
    return uuid.uuid4().hex


# --- what every write shares ------------------------------------------------------------------


def lock(submission: Submission) -> Submission:
    """The submission again, its row locked until the transaction ends."""
    return Submission.objects.select_for_update().get(pk=submission.pk)


def token_used(submission: Submission, token: str) -> bool:
    return Event.objects.filter(submission_id=submission.pk, data__token=token).exists()


def digest(submission: Submission, text: str) -> str:
    """The keyed digest an event holds instead of the person's text."""
    return keyed_digest(submission.evidence_key, text)


def parse_zone(name: str) -> ZoneInfo:
    """The time zone a person chose; TrackingError at the time zone field when it is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TrackingError(_("Select your time zone from the list"), field="timezone") from exc


def iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


# --- a new submission, its guide facts frozen -------------------------------------------------


def letter_for(*, action: Action, language: str, context: dict[str, Any]) -> tuple[str, str, list[dict[str, str]], str]:
    """(subject, body, form fields, language of the template used) of `action`'s letter, or a TrackingError."""
    try:
        composed = compose(list(action.letter_templates.all()), list(action.form_fields or []), context, language)
    except LetterError as exc:
        raise TrackingError(
            _("The letter for this request cannot be prepared right now. Please try again later.")
        ) from exc
    letter = composed.letter
    fields = [{"label": label, "value": value} for label, value in composed.fields]
    if letter is None:
        return "", "", fields, language
    return letter.subject, letter.body, fields, composed.language


def frozen_submission(
    *,
    user: Any,
    action: Action,
    context: dict[str, Any],
    language: str,
    now: datetime.datetime,
    escalates: Submission | None = None,
    **facts: Any,
) -> Submission:
    """A new, unsaved submission of `action`, its letter rendered in `language` with `context`.

    `facts` are the guide's facts as they are now (title, platform, region, jurisdiction, law, legal
    basis, form URL, recipient, person name, account, plan item): copied onto the submission, so a
    later edit of the guide never changes what was filed. Checked with `full_clean`.
    """
    subject, body, form_fields, letter_language = letter_for(action=action, language=language, context=context)
    submission = Submission(
        user=user,
        action=action,
        escalates=escalates,
        action_slug=action.slug,
        kind=action.kind,
        content_version=content_version(),
        language=letter_language,
        letter_subject=subject,
        letter_body=body,
        form_fields=form_fields,
        created_at=now,
        **facts,
    )
    submission.full_clean(exclude=["user", "action", "escalates"], validate_constraints=False)
    return submission


def record_created(submission: Submission, now: datetime.datetime) -> None:
    """The first event of a new submission's chain: the guide's facts it was made with."""
    append_event(submission=submission, event_type=EventType.CREATED, data=_created_facts(submission), at=now)


def _created_facts(submission: Submission) -> dict[str, Any]:
    return {
        "action": submission.action_slug,
        "kind": submission.kind,
        "platform": submission.platform_name,
        "region": submission.region_slug,
        "jurisdiction": submission.jurisdiction_slug,
        **submission.guide_facts(),
        "escalates": str(submission.escalates_id) if submission.escalates_id else None,
    }


@transaction.atomic
def create_submission(
    *,
    user: Any,
    plan_data: dict[str, Any],
    item_key: str,
    language: str,
    letter_language: str | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Submission, bool]:
    """Track a request of the person's plan; (submission, created). Tracking it again returns the first one.

    Freezes the guide's facts (action, platform, region, law, legal basis, form URL, controller,
    content version) and renders the letter with the plan's answers: the facts the pages show in
    `language` (the page's), the letter and what it cites (country, legal basis, controller) in
    `letter_language` (the person's choice, wizard/letter_language.py; default the page's). The
    submission's `language` is the letter's, as written.
    """
    now = now or timezone.now()
    existing = Submission.objects.for_user(user).originals().filter(plan_item_key=item_key).first()
    if existing is not None:
        return existing, False
    language = language.split("-")[0]
    content = load_content(language)
    answers = Answers.from_dict(plan_data.get("answers") or {})
    plan = known_plan(answers, content)
    item = next((item for item in plan.items if item.is_request and item.key == item_key), None) if plan else None
    if item is None:
        raise TrackingError(_("This request is not in your plan. Check your answers and try again."), field="item")
    action = Action.objects.select_related("platform").prefetch_related("letter_templates").get(slug=item.action.slug)
    letter_language = (letter_language or language).split("-")[0]
    letter_content = content if letter_language == language else load_content(letter_language)
    letter_plan = plan if letter_content is content else known_plan(answers, letter_content)
    letter_item = next((i for i in letter_plan.items if i.key == item.key), item) if letter_plan else item
    context = for_plan_item(
        plan=letter_plan or plan,
        item=letter_item,
        answers=answers,
        content=letter_content,
        today=timezone.localdate(now),
        email=user.email,
    )
    submission = frozen_submission(
        user=user,
        action=action,
        context=context,
        language=letter_language,
        now=now,
        plan_item_key=item.key,
        action_title=item.action.title,
        platform_name=item.platform.name if item.platform else "",
        region_slug=plan.region.slug,
        region_name=plan.region.name,
        jurisdiction_slug=plan.region.jurisdiction,
        law=plan.jurisdiction.law,
        legal_basis=letter_item.action.legal_basis,
        official_url=action.official_url,
        recipient=context["controller"]["name"],
        person_name=context["person"]["name"],
        account=item.account_handle,
    )
    try:
        with transaction.atomic():
            submission.save(force_insert=True)
    except IntegrityError:
        # Tracked by a request that ran at the same time: that one stands.
        return Submission.objects.for_user(user).originals().get(plan_item_key=item_key), False
    record_created(submission, now)
    return submission, True


# --- filing -------------------------------------------------------------------------------------


def filing_time(
    *, filed_at_local: datetime.datetime, tz: ZoneInfo, now: datetime.datetime, original: Submission | None = None
) -> datetime.datetime:
    """When the person says they filed, as an aware datetime where they were; a TrackingError at the
    filing field when that is before 25 May 2018 (the GDPR's first day) or after now, both judged by
    the calendar where they were, or, for an escalation, before the day the original was filed."""
    language = translation.get_language() or "en"
    filed_on = filed_at_local.date()
    # The date alone first: a year-1 or year-9999 date in some zones has no UTC equivalent to compare.
    if filed_on < deadlines.EARLIEST_FILING_DAY:
        raise TrackingError(
            _("The date you filed must be on or after %(date)s, when the GDPR began to apply")
            % {"date": format_date(deadlines.EARLIEST_FILING_DAY, language)},
            field="filed_at",
        )
    filed_at = filed_at_local.replace(tzinfo=None).replace(tzinfo=tz)
    if filed_on > now.astimezone(tz).date() or filed_at > now + CLOCK_SKEW:
        raise TrackingError(_("The date and time you filed must be in the past"), field="filed_at")
    if original is not None and original.filed_at is not None:
        # A complaint or reminder follows its request: the original's filing day is its earliest.
        original_day = original.filed_at.astimezone(tz).date()
        if filed_on < original_day:
            raise TrackingError(
                _("The date you filed must be on or after %(date)s, when you filed the original request")
                % {"date": format_date(original_day, language)},
                field="filed_at",
            )
    return filed_at


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

    The filing may date from any day since 25 May 2018 (`filing_time`): people often filed long
    before they found this site. The letter is frozen from here on, the deadlines are computed from
    the filing date as the person states it, where they were (so a request filed long ago can be
    overdue at once), and a second submit of the same form (same token) changes nothing.
    """
    now = now or timezone.now()
    submission = lock(submission)
    if submission.status != SubmissionStatus.DRAFT:
        if token_used(submission, token):
            return submission, False
        raise TrackingError(_("This request is already recorded as filed."), field="filed_at")
    tz = parse_zone(timezone_name)
    filed_at = filing_time(filed_at_local=filed_at_local, tz=tz, now=now, original=submission.escalates)
    received = filed_at.astimezone(tz).date()
    rule = deadline_rule(submission)
    submission.status = SubmissionStatus.FILED
    submission.filed_at = filed_at
    submission.filed_timezone = timezone_name
    submission.filing_recorded_at = now
    submission.deadline_rule = rule.as_dict()
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
            "filing_recorded_at",
            "deadline_rule",
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
            "letter_subject_hmac": digest(submission, submission.letter_subject),
            "letter_hmac": digest(submission, submission.letter_body),
            "form_fields_hmac": digest(submission, canonical_json(submission.form_fields).decode("utf-8")),
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
            "deadline_rule": submission.deadline_rule,
            "reference_hmac": digest(submission, reference) if reference else None,
            "confirmation_hmac": digest(submission, confirmation_text) if confirmation_text else None,
            "due_on": iso(submission.due_on),
            "extended_due_on": iso(submission.extended_due_on),
            "acknowledge_by": iso(submission.acknowledge_by),
            "token": token,
        },
        at=now,
    )
    if image is not None:
        _add_attachment(submission, image, f"{token}:screenshot", now)
    return submission, True


# --- attachments --------------------------------------------------------------------------------


@transaction.atomic
def add_attachment(
    *, submission: Submission, image: CleanImage, token: str, now: datetime.datetime | None = None
) -> tuple[Attachment | None, bool]:
    """Keep a checked, re-encoded screenshot; (attachment, added now). At most 10 per request."""
    now = now or timezone.now()
    submission = lock(submission)
    if token_used(submission, token):
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
            "attachment_hmac": digest(submission, image.sha256),
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
    needs longer: the extended due date applies), `REPLY_ONLY` (a reply with no change of status),
    or, where the request's rule stops the clock for clarification, `CLARIFICATION_ASKED` (the
    clock stops on `happened_on`) and `CLARIFICATION_ANSWERED` (it runs again after `happened_on`,
    and the due dates move by the days it stood still).
    """
    now = now or timezone.now()
    submission = lock(submission)
    if token_used(submission, token):
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
        CLARIFICATION_ASKED,
        CLARIFICATION_ANSWERED,
    }
    if what not in allowed:
        raise TrackingError(_("Select what happened"), field="what")
    if what == REPLY_ONLY and not reply_text.strip():
        raise TrackingError(_("Paste the reply, or select what happened"), field="reply_text")
    if what == EXTENDED and submission.extended_due_on is None:
        raise TrackingError(_("The law sets no extension for this request"), field="what")
    today = submission.person_today(now)
    filed_on = submission.filed_at.astimezone(submission.person_zone()).date()
    if happened_on > today:
        raise TrackingError(_("The date must be today or in the past"), field="happened_on")
    if happened_on < filed_on:
        raise TrackingError(
            _("The date must be on or after %(date)s, when you filed the request")
            % {"date": format_date(filed_on, translation.get_language() or "en")},
            field="happened_on",
        )
    if what in (CLARIFICATION_ASKED, CLARIFICATION_ANSWERED):
        check_clarification(submission, what, happened_on, today)
    previous = submission.status
    new_status = previous if what in (EXTENDED, REPLY_ONLY, CLARIFICATION_ASKED, CLARIFICATION_ANSWERED) else what
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
    if what in (CLARIFICATION_ASKED, CLARIFICATION_ANSWERED):
        fields += do_clarification(submission, what, happened_on, today, now)
    submission.save(update_fields=fields)
    if what in (CLARIFICATION_ASKED, CLARIFICATION_ANSWERED):
        append_event(
            submission=submission,
            event_type=EventType.STATUS_CHANGED,
            data={
                "from": previous,
                "status": new_status,
                "extended": False,
                "clarification": "asked" if what == CLARIFICATION_ASKED else "answered",
                # While the company waits for the answer no date is due: the answer moves it.
                "due_on": None if submission.paused_since else iso(submission.current_due_on),
                "extended_due_on": None if submission.paused_since else iso(submission.extended_due_on),
                "paused_days": paused_days(submission, today),
                "happened_on": happened_on.isoformat(),
                "note_hmac": digest(submission, note) if note else None,
                "status_change": change.pk,
                "token": token,
            },
            at=now,
        )
    elif what != REPLY_ONLY:
        append_event(
            submission=submission,
            event_type=EventType.STATUS_CHANGED,
            data={
                "from": previous,
                "status": new_status,
                "extended": what == EXTENDED,
                "due_on": iso(submission.current_due_on),
                "happened_on": happened_on.isoformat(),
                "note_hmac": digest(submission, note) if note else None,
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
                "reply_hmac": digest(submission, reply_text),
                "happened_on": happened_on.isoformat(),
                "status_change": change.pk,
                "token": token,
            },
            at=now,
        )
    return change, True


# --- the clock that stops for clarification -------------------------------------------------------


def clarification_offered(submission: Submission) -> str | None:
    """What the request page offers to record about clarification: `CLARIFICATION_ANSWERED` while the
    company waits for an answer, `CLARIFICATION_ASKED` where the request's rule stops the clock and
    it is still waiting for the company, else None (the option is not there)."""
    if submission.paused_since is not None:
        return CLARIFICATION_ANSWERED
    if submission.status in WAITING_STATUSES and filed_rule(submission).pauses_for(submission.received_on):
        return CLARIFICATION_ASKED
    return None


def check_clarification(submission: Submission, what: str, happened_on: datetime.date, today: datetime.date) -> None:
    """A TrackingError unless `what` (asked or answered) can be recorded on `happened_on`; the
    caller holds the submission's row lock and has checked the day is between filing and today."""
    language = translation.get_language() or "en"
    if what == CLARIFICATION_ANSWERED:
        if submission.paused_since is None:
            raise TrackingError(_("The company is not waiting for an answer from you"), field="what")
        if happened_on < submission.paused_since:
            raise TrackingError(
                _("The date must be on or after %(date)s, when the company asked for clarification")
                % {"date": format_date(submission.paused_since, language)},
                field="happened_on",
            )
        return
    if not filed_rule(submission).pauses_for(submission.received_on):
        raise TrackingError(
            _("The deadline for this request does not stop while the company asks for clarification"), field="what"
        )
    if submission.paused_since is not None:
        raise TrackingError(
            _("The company is already waiting for your answer: record when you answered first"), field="what"
        )
    if submission.status not in WAITING_STATUSES:
        raise TrackingError(_("Only a request still waiting for an answer can be paused"), field="what")
    answered = [pause.answered_on for pause in submission.pauses() if pause.answered_on is not None]
    if answered and happened_on < max(answered):
        raise TrackingError(
            _("The date must be on or after %(date)s, when you answered the last request for clarification")
            % {"date": format_date(max(answered), language)},
            field="happened_on",
        )
    due = submission.current_due_on
    if due is not None and happened_on > due:
        # Days after a deadline has passed do not count towards it: asking then stops nothing.
        raise TrackingError(
            _("The deadline passed on %(date)s: asking for clarification after it does not pause it")
            % {"date": format_date(due, language)},
            field="happened_on",
        )


def do_clarification(
    submission: Submission, what: str, happened_on: datetime.date, today: datetime.date, now: datetime.datetime
) -> list[str]:
    """Open or close the pause and move the due dates; the submission's fields to save. Checked
    first by `check_clarification`; the caller holds the row lock."""
    if what == CLARIFICATION_ASKED:
        pause = ClarificationPause(submission=submission, asked_on=happened_on, created_at=now)
        pause.full_clean(exclude=["submission"], validate_constraints=False)
        pause.save(force_insert=True)
        submission.paused_since = happened_on
        return ["paused_since"]
    submission.clarification_pauses.filter(answered_on__isnull=True).update(answered_on=happened_on)
    submission.paused_since = None
    rule, received, pauses = filed_rule(submission), submission.received_on, submission.pauses()
    try:
        submission.due_on = deadlines.due_date(received, rule, pauses, today=today)
        submission.extended_due_on = deadlines.extended_due_date(received, rule, pauses, today=today)
    except ValueError as exc:  # the checks above keep the pauses within what the law allows
        raise TrackingError(_("This date does not fit the request's other dates"), field="happened_on") from exc
    return ["paused_since", "due_on", "extended_due_on"]


def paused_days(submission: Submission, today: datetime.date) -> int:
    """How many days the answered requests for clarification stopped the request's clock: the days
    that moved its stored due dates (one still waiting for an answer is not counted yet)."""
    pauses = [pause for pause in submission.pauses() if not pause.is_open]
    if not pauses:
        return 0
    return deadlines.paused_days(submission.received_on, filed_rule(submission), pauses, today)
