"""Request tracking pages: the dashboard, one request, and the forms and files that belong to it.

Every view starts from `request.user`: a request of another account is a 404, whatever the method
(`ownership.submission_view`). The forms' URLs answer GET with a redirect to the request's page
(after the same ownership check), so a reload after a failed form never shows a bare "method not
allowed".
"""

from __future__ import annotations

import datetime
from typing import Any

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..guide.content import load_content
from ..guide.planning import Answers, request_items
from ..languages import base_language
from ..models import ActionKind, Attachment, Event, Region, Submission, SubmissionStatus
from ..web.downloads import download
from ..wizard import letter_language
from ..wizard.plan_store import load_plan_data
from . import escalation, services
from .calendar_file import deadline_calendar
from .forms import EscalateForm, FilingForm, TrackForm, UpdateForm, UploadForm
from .ownership import submission_url, submission_view
from .rules import filed_rule
from .standing import PausedDeadline, can_escalate, paused_deadline, standing
from .time_zones import usual_time_zone
from .uploads import FILE_EXTENSIONS, MAX_FILES_PER_SUBMISSION

PAGE_SIZE = 20
# Screenshots a person and an address may upload in a while (ACCOUNT_RATE_LIMITS in settings): each
# costs up to a few seconds of decoding and scaling.
UPLOAD_SCREENSHOT = "upload_screenshot"
# The fields the dashboard's rows use (their standing and the person's "today" included).
DASHBOARD_FIELDS = (
    "id",
    "action_title",
    "account",
    "platform_name",
    "recipient",
    "status",
    "due_on",
    "extended_due_on",
    "extended",
    "filed_timezone",
    "filed_at",
    "filing_recorded_at",
    "paused_since",
    "created_at",
)


def _language() -> str:
    return base_language(translation.get_language())


# --- dashboard ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request: HttpRequest) -> TemplateResponse:
    """The person's requests, most urgent first, and the requests of their plan not tracked yet.

    Queries, whatever the number of requests: the plan, the guide snapshot (8, only with a plan),
    the tracked plan items, the count and the page.
    """
    today = timezone.localdate()
    submissions = Submission.objects.for_user(request.user)
    # Only what a row shows and its standing needs: building the SQL of all the model's columns, with the
    # urgency ordering, cost more than running it.
    listed = submissions.only(*DASHBOARD_FIELDS).by_urgency(today)
    paginator = Paginator(listed, PAGE_SIZE)
    paginator.count = submissions.count()  # the same rows: counted without the ordering's expressions
    page = paginator.get_page(request.GET.get("page"))
    rows = [(submission, standing(submission, submission.person_today())) for submission in page]
    plan_data = load_plan_data(request)
    untracked = []
    if plan_data["answers"]:
        items = request_items(Answers.from_dict(plan_data["answers"]), load_content(_language()))
        tracked = set(submissions.originals().values_list("plan_item_key", flat=True))
        untracked = [item for item in items if item.key not in tracked]
    template_name = "requests_app/tracking/dashboard.html"
    if request.htmx:
        template_name += "#submission-list"
    return TemplateResponse(
        request,
        template_name,
        {"page": page, "rows": rows, "untracked": untracked, "has_plan": bool(plan_data["answers"])},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponseBase:
    """Start tracking a request of the plan (from the plan page or the dashboard)."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("tracking:dashboard"))
    form = TrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a request from your plan to track."))
        return HttpResponseRedirect(reverse("tracking:dashboard"))
    try:
        plan_data = load_plan_data(request)
        submission, _created = services.create_submission(
            user=request.user,
            plan_data=plan_data,
            item_key=form.cleaned_data["item"],
            language=_language(),
            letter_language=letter_language.chosen(plan_data["answers"], _language()),
        )
    except services.TrackingError as error:
        messages.error(request, error.message)
        return HttpResponseRedirect(reverse("tracking:dashboard"))
    return HttpResponseRedirect(submission_url(submission))


# --- one request --------------------------------------------------------------------------------


def _default_timezone(submission: Submission) -> str:
    if submission.filed_timezone:
        return submission.filed_timezone
    return usual_time_zone(Region.objects.filter(slug=submission.region_slug).first())


def _paused_deadline(submission: Submission, today: datetime.date) -> PausedDeadline | None:
    # Only a rule that stops the clock can have pauses: no query for the others.
    if submission.filed_at is None:
        return None
    rule = filed_rule(submission)
    if not rule.clarification_pause:
        return None
    return paused_deadline(submission.received_on, rule, submission.pauses(), today)


def _detail_context(request: HttpRequest, submission: Submission, **forms: Any) -> dict[str, Any]:
    today = submission.person_today()
    attachments = list(submission.attachments.defer("content"))
    status_changes = {change.pk: change for change in submission.status_changes.all()}
    events = list(Event.objects.filter(submission_id=submission.pk).order_by("seq"))
    escalations = list(submission.escalations.order_by("created_at"))
    context: dict[str, Any] = {
        "submission": submission,
        "standing": standing(submission, today),
        "attachments": attachments,
        "timeline": [(event, status_changes.get(event.data.get("status_change"))) for event in events],
        "escalations": escalations,
        "is_draft": submission.status == SubmissionStatus.DRAFT,
        "is_escalation": submission.kind == ActionKind.ESCALATION,
        "can_add_attachment": len(attachments) < MAX_FILES_PER_SUBMISSION,
        "filed_local": submission.filed_at.astimezone(submission.person_zone()) if submission.filed_at else None,
        "recorded_local": (
            submission.filing_recorded_at.astimezone(submission.person_zone())
            if submission.filing_recorded_at
            else None
        ),
        "has_extension": submission.extended_due_on is not None,
        "paused_deadline": _paused_deadline(submission, today),
    }
    if submission.status == SubmissionStatus.DRAFT:
        context["filing_form"] = forms.get("filing_form") or FilingForm(default_timezone=_default_timezone(submission))
    else:
        context["update_form"] = forms.get("update_form") or UpdateForm(
            initial={"happened_on": today}, clarification=services.clarification_offered(submission)
        )
    if context["can_add_attachment"] or "upload_form" in forms:
        context["upload_form"] = forms.get("upload_form") or UploadForm()
    if can_escalate(submission, today):
        done = {item.action_slug for item in escalations}
        complaint = escalation.complaint_action(submission)
        authorities = escalation.authorities(submission, _language()) if complaint else []
        context["escalation"] = {
            "complaint": complaint if complaint and complaint.slug not in done else None,
            "reminder": escalation.REMINDER_SLUG not in done,
            "authorities": authorities,
            "complaint_form": forms.get("complaint_form")
            or EscalateForm(initial={"route": "complaint"}, authorities=authorities),
            "reminder_form": forms.get("reminder_form") or EscalateForm(initial={"route": "reminder"}),
        }
    return context


@login_required
@submission_view()
def detail(request: HttpRequest, submission: Submission) -> TemplateResponse:
    """One request: its facts, the letter as filed, deadlines, timeline, screenshots and forms.

    Queries: the submission, its screenshots (without their bytes), status changes, events and
    escalations, the region (drafts) or the escalation routes (overdue and refused requests), the
    clarification pauses (where the request's rule has them), the jurisdiction (requests filed
    before their rule was kept on them).
    """
    return TemplateResponse(request, "requests_app/tracking/detail.html", _detail_context(request, submission))


def _form_failed(request: HttpRequest, submission: Submission, **forms: Any) -> TemplateResponse:
    context = _detail_context(request, submission, **forms)
    context["failed"] = True
    return TemplateResponse(request, "requests_app/tracking/detail.html", context, status=400)


def _record(
    request: HttpRequest,
    submission: Submission,
    form: Any,
    form_name: str,
    *,
    save: Any,
    anchor: str,
    success: str,
) -> HttpResponseBase:
    """Validate `form`, run `save(cleaned_data)` (a tracking service returning (object, recorded now))
    and go back to the request page at `anchor`; a refusal stays at the form, with what was typed."""
    if form.is_valid():
        try:
            _object, recorded = save(form.cleaned_data)
        except services.TrackingError as error:
            form.add_tracking_error(error)
        else:
            if recorded:  # a second click on the same form records nothing and says nothing
                messages.success(request, success)
            return HttpResponseRedirect(submission_url(submission, anchor))
    return _form_failed(request, submission, **{form_name: form})


@login_required
@submission_view(form=True)
def record_filing(request: HttpRequest, submission: Submission) -> HttpResponseBase:
    attachments, limited = _upload_checks(request, submission, "screenshot")
    response = _record(
        request,
        submission,
        FilingForm(
            request.POST,
            request.FILES,
            default_timezone=_default_timezone(submission),
            attachments=attachments,
            upload_limited=limited,
        ),
        "filing_form",
        save=lambda data: services.record_filing(
            submission=submission,
            filed_at_local=data["filed_at"],
            timezone_name=data["timezone"],
            reference=data["reference"],
            confirmation_text=data["confirmation_text"],
            token=data["token"],
            image=data["screenshot"],
        ),
        anchor="deadlines",
        success=_("Filing recorded. The deadline is counted from the day you filed."),
    )
    return _upload_refused(response, limited)


@login_required
@submission_view(form=True)
def record_update(request: HttpRequest, submission: Submission) -> HttpResponseBase:
    return _record(
        request,
        submission,
        UpdateForm(request.POST, clarification=services.clarification_offered(submission)),
        "update_form",
        # The form's fields are the service's arguments: what, happened_on, reply_text, note, token.
        save=lambda data: services.record_update(submission=submission, **data),
        anchor="timeline",
        success=_("Recorded."),
    )


def _upload_checks(request: HttpRequest, submission: Submission, field: str) -> tuple[int, bool]:
    """(screenshots the request has, whether this upload is over the limit), for a POST carrying a file
    in `field`. An upload the request has room for counts against the limit, kept or not."""
    if not request.FILES.get(field):
        return 0, False
    attachments = submission.attachments.count()
    if attachments >= MAX_FILES_PER_SUBMISSION:
        return attachments, False  # refused for the request's room, at no cost: not counted
    return attachments, not ratelimit.consume(request, action=UPLOAD_SCREENSHOT)


def _upload_refused(response: HttpResponseBase, limited: bool) -> HttpResponseBase:
    # Over the limit, the request page answers 429 with the reason at the file field; nothing was kept.
    if limited and response.status_code == 400:
        response.status_code = 429
    return response


@login_required
@submission_view(form=True, anchor="screenshots")
def add_attachment(request: HttpRequest, submission: Submission) -> HttpResponseBase:
    """Add a screenshot. The request's room and the upload limit are checked before the file is decoded."""
    attachments, limited = _upload_checks(request, submission, "image")
    response = _record(
        request,
        submission,
        UploadForm(request.POST, request.FILES, attachments=attachments, upload_limited=limited),
        "upload_form",
        save=lambda data: services.add_attachment(submission=submission, **data),  # image, token
        anchor="screenshots",
        success=_("Screenshot added."),
    )
    return _upload_refused(response, limited)


@login_required
@submission_view()
def attachment(request: HttpRequest, submission: Submission, item: Attachment) -> HttpResponse:
    """A screenshot, to its owner only, as a download that browsers never sniff or cache."""
    extension = FILE_EXTENSIONS.get(item.content_type, "bin")
    return download(
        bytes(item.content),
        content_type=item.content_type,
        filename=f"screenshot-{item.created_at:%Y%m%d-%H%M%S}.{extension}",
    )


@login_required
@submission_view(form=True, anchor="escalate")
def escalate(request: HttpRequest, submission: Submission) -> HttpResponseBase:
    form = EscalateForm(request.POST, authorities=escalation.authorities(submission, _language()))
    if form.is_valid():
        try:
            started, _created = escalation.escalate(
                submission=submission,
                route=form.cleaned_data["route"],
                authority_key=form.cleaned_data["authority"],
                plan_data=load_plan_data(request),
                language=_language(),
                token=form.cleaned_data["token"],
            )
        except services.TrackingError as error:
            if error.field == "authority":
                form.add_tracking_error(error)
            else:
                # Not offered right now (within the deadline, or no such route): say so on the page.
                messages.error(request, error.message)
                return HttpResponseRedirect(submission_url(submission))
        else:
            return HttpResponseRedirect(submission_url(started))
    key = "reminder_form" if request.POST.get("route") == "reminder" else "complaint_form"
    return _form_failed(request, submission, **{key: form})


# --- calendar -----------------------------------------------------------------------------------


@login_required
@submission_view()
def deadline_ics(request: HttpRequest, submission: Submission) -> HttpResponse:
    """The due date as an all-day calendar event, with a reminder a few days before."""
    due = submission.current_due_on
    if due is None:
        raise Http404("This request has no due date yet.")
    if submission.paused_since is not None:
        raise Http404("The deadline is paused while the company waits for an answer.")
    calendar = deadline_calendar(submission, due, request.build_absolute_uri(submission_url(submission)))
    return download(calendar, content_type="text/calendar; charset=utf-8", filename=f"deadline-{due.isoformat()}.ics")
