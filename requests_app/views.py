"""Public pages: the landing page, the health check, the wizard and the plan (no account needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote
from uuid import UUID

from django.contrib import messages
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from . import claim
from .forms import CHECK, QUESTIONS, US, SituationForm, Wizard
from .guide.content import load_content
from .guide.markup import render_markdown
from .guide.planning import Answers, Plan, PlanItem, build_plan
from .guide.snapshot import GuideContent, StepInfo
from .letters.contract import build_context
from .letters.render import RenderedLetter, render_form_fields, render_letter
from .letters.sandbox import LetterError
from .models import FilingMethod, Submission
from .pdf import render_pdf
from .throttle import RENDER_PDF, throttle


@require_safe
def home(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "requests_app/home.html")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


# The wizard: one question a page, answers in the session only.


def _question_url(question: str, returning: bool = False) -> str:
    if question == CHECK:
        return reverse("wizard_check")
    url = reverse("wizard_question", args=[question])
    return f"{url}?return={CHECK}" if returning else url


@require_safe
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Resume where the person left off: the first unanswered question, or check your answers."""
    wizard = Wizard(claim.plan_answers(request), load_content())
    return redirect(_question_url(wizard.first_unanswered()))


@require_http_methods(["GET", "POST"])
@never_cache
def question(request: HttpRequest, question: str) -> HttpResponse:
    if question not in QUESTIONS:
        raise Http404
    content = load_content()
    wizard = Wizard(claim.plan_answers(request), content)
    returning = request.GET.get("return") == CHECK
    if not wizard.may_visit(question):
        # The server keeps the order: no skipping ahead, no question that does not apply.
        return redirect(_question_url(wizard.first_unanswered(), returning))
    if request.method == "POST":
        form = wizard.form(question, data=request.POST)
        if form.is_valid():
            answers = wizard.save(question, form)
            claim.save_plan_answers(request, answers)
            after = Wizard(answers, content)
            target = after.first_unanswered() if returning else after.next(question)
            return redirect(_question_url(target, returning and target != CHECK))
    else:
        form = wizard.form(question)
    previous = wizard.previous(question)
    if returning:
        back_url = reverse("wizard_check")
    elif previous:
        back_url = _question_url(previous)
    else:
        back_url = reverse("home")
    return TemplateResponse(
        request,
        f"requests_app/wizard/{question}.html",
        {"form": form, "question": question, "back_url": back_url, "returning": returning},
    )


@require_safe
@never_cache
def check_answers(request: HttpRequest) -> HttpResponse:
    wizard = Wizard(claim.plan_answers(request), load_content())
    if not wizard.is_complete():
        return redirect(_question_url(wizard.first_unanswered()))
    return TemplateResponse(
        request,
        "requests_app/wizard/check.html",
        {"rows": _answer_rows(wizard), "back_url": _question_url(wizard.previous(CHECK))},
    )


@require_POST
def start_again(request: HttpRequest) -> HttpResponse:
    claim.clear_plan(request)
    messages.info(request, _("Your answers and progress have been cleared."))
    return redirect("wizard_start")


@dataclass(frozen=True)
class AnswerRow:
    label: str
    values: list[str]
    question: str


def _answer_rows(wizard: Wizard) -> list[AnswerRow]:
    """The rows of check your answers, each with the question its "Change" link returns to."""
    answers = wizard.answers
    content = wizard.content
    region = content.region(answers["us_state"] if answers.get("country") == US else answers["country"])
    place = _("%(state)s, United States") % {"state": region.name} if answers.get("country") == US else region.name
    rows = [AnswerRow(_("Where you live"), [place], "where")]
    platforms = wizard.chosen_platforms()
    rows.append(AnswerRow(_("Platforms"), [p.name for p in platforms] or [_("None of these")], "platforms"))
    if platforms:
        accounts = [
            ngettext("%(platform)s: %(count)d account", "%(platform)s: %(count)d accounts", count)
            % {"platform": platform.name, "count": count}
            if count
            else _("%(platform)s: no account") % {"platform": platform.name}
            for platform, count in wizard.account_counts()
        ]
        rows.append(AnswerRow(_("Accounts"), accounts, "accounts"))
    labels = dict(SituationForm.base_fields["situations"].choices)
    rows.append(
        AnswerRow(_("Your situation"), [labels[s] for s in answers["situations"]] or [_("None of these")], "situation")
    )
    details = wizard.form("details")
    rows.append(AnswerRow(_("Full name"), [answers["name"]], "details"))
    rows.append(AnswerRow(_("Email address"), [answers["email"]], "details"))
    rows.extend(AnswerRow(str(f.label), [str(f.initial)], "details") for f in details.handle_fields())
    rows.append(AnswerRow(_("How it affects you"), [answers.get("explanation") or _("Not given")], "details"))
    return rows


# The plan: what applies to this person, with their request text.


@dataclass
class StepView:
    key: str
    anchor: str
    info: StepInfo
    body: str
    done: bool


@dataclass
class ItemView:
    item: PlanItem
    summary: str
    steps: list[StepView]
    letter: RenderedLetter | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)
    mailto: str = ""
    letter_failed: bool = False
    tracked_id: UUID | None = None  # the account's Submission for this request, once tracked


@dataclass
class GroupView:
    title: str
    key: str
    items: list[ItemView]


@dataclass
class PlanPage:
    plan: Plan
    answers: Answers
    groups: list[GroupView]
    done: int
    total: int
    language: str

    def step(self, key: str) -> StepView | None:
        return next((s for g in self.groups for i in g.items for s in i.steps if s.key == key), None)


def _letter_context(plan: Plan, item: PlanItem, answers: Answers, content: GuideContent) -> dict:
    platform = item.platform.slug if item.platform else ""
    controller = content.controllers.get((platform, plan.region.jurisdiction))
    jurisdiction = plan.jurisdiction
    return build_context(
        person={
            "name": answers.name,
            "email": answers.email,
            "country": plan.region.name,
            "account": item.account_handle,
            "explanation": answers.explanation,
        },
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
        today=timezone.localdate(),
    )


def _item_view(plan: Plan, item: PlanItem, answers: Answers, content: GuideContent, done: set[str]) -> ItemView:
    view = ItemView(
        item=item,
        summary=render_markdown(item.action.summary),
        steps=[
            StepView(key=s.key, anchor=s.anchor, info=s.step, body=render_markdown(s.step.body), done=s.key in done)
            for s in item.steps
        ],
    )
    if not item.is_request:
        return view
    context = _letter_context(plan, item, answers, content)
    try:
        if item.action.letter:
            view.letter = render_letter(item.action.letter.subject, item.action.letter.body, context)
        view.fields = render_form_fields(list(item.action.form_fields), context, content.language)
    except LetterError:
        # A broken template is an editor's mistake: the page still shows the steps and says so.
        view.letter_failed = True
        return view
    if item.action.filing_method == FilingMethod.EMAIL and item.action.email_to and view.letter:
        view.mailto = "mailto:{}?subject={}&body={}".format(
            quote(item.action.email_to, safe="@"), quote(view.letter.subject), quote(view.letter.body)
        )
    return view


def _plan_page(request: HttpRequest) -> PlanPage | None:
    """The person's plan with their letters rendered, or None while the wizard is not finished."""
    stored = claim.load_plan_data(request)
    content = load_content()
    if not Wizard(stored["answers"], content).is_complete():
        return None
    answers = Answers.from_dict(stored["answers"])
    plan = build_plan(answers, content)
    done = set(stored["done"])
    groups = [
        GroupView(
            title=group.platform.name if group.platform else _("For everyone"),
            key=group.key,
            items=[_item_view(plan, item, answers, content, done) for item in group.items],
        )
        for group in plan.groups
    ]
    if request.user.is_authenticated:
        tracked = dict(
            Submission.objects.for_user(request.user).filter(escalates__isnull=True).values_list("plan_item_key", "pk")
        )
        for group in groups:
            for view in group.items:
                view.tracked_id = tracked.get(view.item.key)
    done_count, total = plan.progress(done)
    return PlanPage(plan=plan, answers=answers, groups=groups, done=done_count, total=total, language=content.language)


@require_safe
@never_cache
def plan(request: HttpRequest) -> HttpResponse:
    page = _plan_page(request)
    if page is None:
        return redirect("wizard_start")
    return TemplateResponse(request, "requests_app/plan.html", {"page": page})


@require_POST
@never_cache
def plan_progress(request: HttpRequest) -> HttpResponse:
    """Tick a step done or not done: the step's fragment for htmx, else back to the step on the plan."""
    page = _plan_page(request)
    if page is None:
        if request.htmx:
            return HttpResponseClientRedirect(reverse("wizard_start"))
        return redirect("wizard_start")
    step = page.step(request.POST.get("step", ""))
    if step is None:
        raise Http404
    step.done = request.POST.get("done") == "1"
    claim.set_plan_step_done(request, step.key, step.done)
    if not request.htmx:
        return redirect(reverse("plan") + "#" + step.anchor)
    page.done, page.total = page.plan.progress(claim.plan_done(request))
    return TemplateResponse(request, "requests_app/plan.html#step-update", {"page": page, "step": step})


@require_safe
@never_cache
@throttle(RENDER_PDF)
def plan_pdf(request: HttpRequest) -> HttpResponse:
    page = _plan_page(request)
    if page is None:
        return redirect("wizard_start")
    html = render_to_string("pdf/plan.html", {"page": page, "today": timezone.localdate()})
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="opt-out-plan.pdf"'
    return response
