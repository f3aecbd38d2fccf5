"""The plan page's content: the person's plan grouped by platform, each request with its letter rendered.

Built for /plan/, its htmx step updates and /plan.pdf alike: the steps with their Markdown rendered
and ticked or not, each request's letter and official form fields filled in from the person's
answers, and, for an account holder, which requests are tracked already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from ..guide.content import load_content
from ..guide.markup import render_markdown
from ..guide.planning import Answers, Plan, PlanItem, build_plan
from ..guide.snapshot import GuideContent, StepInfo
from ..letters.context import for_plan_item
from ..letters.render import RenderedLetter, render_form_fields, render_letter
from ..letters.sandbox import LetterError
from ..models import FilingMethod, Submission
from . import letter_language
from .flow import Wizard
from .plan_store import load_plan_data


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
    letter_language: str = ""  # of the template the letter was written from
    letter_fallback: bool = False  # no template in the chosen language: the letter is in English
    # A translation no person has reviewed yet (LetterTemplate.reviewed_at): the page says so beside it.
    letter_unreviewed: bool = False


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


def _item_view(
    plan: Plan,
    item: PlanItem,
    answers: Answers,
    content: GuideContent,
    done: set[str],
    letters: tuple[Plan, GuideContent],
) -> ItemView:
    """`item` as the page shows it (in the page's language), its letter written from `letters`: the
    plan and guide in the letters' language, which may be another one (letter_language.py)."""
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
    letter_plan, letter_content = letters
    letter_item = next((i for i in letter_plan.items if i.key == item.key), item)
    context = for_plan_item(
        plan=letter_plan, item=letter_item, answers=answers, content=letter_content, today=timezone.localdate()
    )
    try:
        if letter_item.action.letter:
            view.letter = render_letter(letter_item.action.letter.subject, letter_item.action.letter.body, context)
            view.letter_language = letter_item.action.letter.language
            view.letter_fallback = view.letter_language != letter_content.language
            view.letter_unreviewed = not letter_item.action.letter.reviewed
        # The labels are for the person filling in the form: in the page's language.
        view.fields = render_form_fields(list(letter_item.action.form_fields), context, content.language)
    except LetterError:
        # A broken template is an editor's mistake: the page still shows the steps and says so.
        view.letter_failed = True
        return view
    if item.action.filing_method == FilingMethod.EMAIL and item.action.email_to and view.letter:
        view.mailto = "mailto:{}?subject={}&body={}".format(
            quote(item.action.email_to, safe="@"), quote(view.letter.subject), quote(view.letter.body)
        )
    return view


def plan_page(request: HttpRequest) -> PlanPage | None:
    """The person's plan with their letters rendered, or None while the wizard is not finished."""
    stored = load_plan_data(request)
    content = load_content()
    if not Wizard(stored["answers"], content).is_complete():
        return None
    answers = Answers.from_dict(stored["answers"])
    plan = build_plan(answers, content)
    language = letter_language.chosen(stored["answers"], content.language)
    letter_content = content if language == content.language else load_content(language)
    letters = (plan if letter_content is content else build_plan(answers, letter_content), letter_content)
    done = set(stored["done"])
    groups = [
        GroupView(
            title=group.platform.name if group.platform else _("For everyone"),
            key=group.key,
            items=[_item_view(plan, item, answers, content, done, letters) for item in group.items],
        )
        for group in plan.groups
    ]
    if request.user.is_authenticated:
        tracked = dict(Submission.objects.for_user(request.user).originals().values_list("plan_item_key", "pk"))
        for group in groups:
            for view in group.items:
                view.tracked_id = tracked.get(view.item.key)
    done_count, total = plan.progress(done)
    return PlanPage(plan=plan, answers=answers, groups=groups, done=done_count, total=total, language=content.language)
