"""The visitor's journey, no account needed: the landing page, the wizard's questions, the plan and its PDF.

One question a page, answers in the session (or the account's plan once signed in, see
`plan_store.py`); the order is `flow.Wizard`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
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

from ..guide.content import load_content
from ..web.downloads import download
from ..web.pdf import render_pdf
from ..web.throttle import RENDER_PDF, throttle
from . import letter_language, plan_store
from .flow import CHECK, QUESTIONS, Wizard
from .forms import US, SituationForm
from .plan_page import plan_page


@require_safe
def home(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "requests_app/wizard/home.html")


# The wizard: one question a page, answers in the session only.


def _question_url(question: str, returning: bool = False) -> str:
    if question == CHECK:
        return reverse("wizard:check")
    url = reverse("wizard:question", args=[question])
    return f"{url}?return={CHECK}" if returning else url


@require_safe
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """Resume where the person left off: the first unanswered question, or check your answers."""
    wizard = Wizard(plan_store.plan_answers(request), load_content())
    return redirect(_question_url(wizard.first_unanswered()))


@require_http_methods(["GET", "POST"])
@never_cache
def question(request: HttpRequest, question: str) -> HttpResponse:
    if question not in QUESTIONS:
        raise Http404
    content = load_content()
    answers = plan_store.plan_answers(request)
    # Only the details page offers the letters' languages (it reads the guide in each of them).
    offered = letter_language.offered(answers) if question == "details" else None
    wizard = Wizard(answers, content, letter_languages=offered)
    returning = request.GET.get("return") == CHECK
    if not wizard.may_visit(question):
        # The server keeps the order: no skipping ahead, no question that does not apply.
        return redirect(_question_url(wizard.first_unanswered(), returning))
    if request.method == "POST":
        form = wizard.form(question, data=request.POST)
        if form.is_valid():
            answers = wizard.save(question, form)
            plan_store.save_plan_answers(request, answers)
            after = Wizard(answers, content)
            target = after.first_unanswered() if returning else after.next(question)
            return redirect(_question_url(target, returning and target != CHECK))
    else:
        form = wizard.form(question)
    previous = wizard.previous(question)
    if returning:
        back_url = reverse("wizard:check")
    elif previous:
        back_url = _question_url(previous)
    else:
        back_url = reverse("wizard:home")
    return TemplateResponse(
        request,
        f"requests_app/wizard/questions/{question}.html",
        {"form": form, "question": question, "back_url": back_url, "returning": returning},
    )


@require_safe
@never_cache
def check_answers(request: HttpRequest) -> HttpResponse:
    wizard = Wizard(plan_store.plan_answers(request), load_content())
    if not wizard.is_complete():
        return redirect(_question_url(wizard.first_unanswered()))
    return TemplateResponse(
        request,
        "requests_app/wizard/check.html",
        {"rows": _answer_rows(wizard), "back_url": _question_url(wizard.previous(CHECK))},
    )


@require_POST
def start_again(request: HttpRequest) -> HttpResponse:
    plan_store.clear_plan(request)
    messages.info(request, _("Your answers and progress have been cleared."))
    return redirect("wizard:start")


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


@require_safe
@never_cache
def plan(request: HttpRequest) -> HttpResponse:
    page = plan_page(request)
    if page is None:
        return redirect("wizard:start")
    return TemplateResponse(request, "requests_app/wizard/plan.html", {"page": page})


@require_POST
@never_cache
def plan_progress(request: HttpRequest) -> HttpResponse:
    """Tick a step done or not done: the step's fragment for htmx, else back to the step on the plan."""
    page = plan_page(request)
    if page is None:
        if request.htmx:
            return HttpResponseClientRedirect(reverse("wizard:start"))
        return redirect("wizard:start")
    step = page.step(request.POST.get("step", ""))
    if step is None:
        raise Http404
    step.done = request.POST.get("done") == "1"
    plan_store.set_plan_step_done(request, step.key, step.done)
    if not request.htmx:
        return redirect(reverse("wizard:plan") + "#" + step.anchor)
    page.done, page.total = page.plan.progress(plan_store.plan_done(request))
    return TemplateResponse(request, "requests_app/wizard/plan.html#step-update", {"page": page, "step": step})


@require_safe
@never_cache
@throttle(RENDER_PDF)
def plan_pdf(request: HttpRequest) -> HttpResponse:
    page = plan_page(request)
    if page is None:
        return redirect("wizard:start")
    html = render_to_string("requests_app/wizard/plan_pdf.html", {"page": page, "today": timezone.localdate()})
    return download(render_pdf(html), content_type="application/pdf", filename="opt-out-plan.pdf")
