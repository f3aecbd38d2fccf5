"""From a person's answers and the guide content to their plan: which actions and steps apply.

Pure: plain dataclasses in (`Answers`, `snapshot.GuideContent`), plain dataclasses out (`Plan`); no
database, no request, no letter rendering. The rules, in the order they are applied to each action:

1. Escalations (complaints, reminders) are never in the initial plan: they follow from tracking a
   filed request. The plan only names the authority.
2. Jurisdiction: an action with no jurisdictions applies everywhere; otherwise the jurisdiction of
   the person's region must be one of them.
3. Audience: `anyone` applies to everyone, with or without any account (the third-party route);
   `account` needs at least one account on the action's platform (on any platform when the action
   has none); `no_account` needs no account on the action's platform, whether or not it was chosen.
4. Situations: an action with none always applies; otherwise at least one must match.
5. `per_account` actions become one item per account, each with its own handle, because each
   Facebook and each Instagram account objects separately.

Keys are stable so that progress stored in the session survives a content reload: an item is
`<action slug>` or `<action slug>#<account number>`, a step is `<item key>:<step slug>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..letters.contract import LAW_NAME_BY_CODE
from .snapshot import ActionInfo, GuideContent, JurisdictionInfo, PlatformInfo, RegionInfo, StepInfo

EVERYONE = "everyone"
MAX_ACCOUNTS = 10


@dataclass(frozen=True)
class Answers:
    """What the person told the wizard, already validated (see wizard/plan_session.py for the stored form)."""

    region: str
    platforms: tuple[str, ...] = ()
    # Platform slug -> number of accounts (0: uses it or is concerned about it, but has no account).
    accounts: Mapping[str, int] = field(default_factory=dict)
    situations: frozenset[str] = frozenset()
    name: str = ""
    email: str = ""
    # Platform slug -> the handle or profile URL of each account, in account order.
    handles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    explanation: str = ""

    @classmethod
    def from_dict(cls, data: Mapping) -> Answers:
        """Build from the session's answers dict; missing or malformed parts become empty."""
        region = data.get("us_state") if data.get("country") == "us" else data.get("country")
        platforms = tuple(p for p in data.get("platforms") or () if isinstance(p, str))
        accounts = {}
        for slug, count in (data.get("accounts") or {}).items():
            if isinstance(count, int) and not isinstance(count, bool):
                accounts[slug] = max(0, min(count, MAX_ACCOUNTS))
        handles = {
            slug: tuple(str(h) for h in values)
            for slug, values in (data.get("handles") or {}).items()
            if isinstance(values, list | tuple)
        }
        return cls(
            region=region or "",
            platforms=platforms,
            accounts=accounts,
            situations=frozenset(s for s in data.get("situations") or () if isinstance(s, str)),
            name=str(data.get("name") or ""),
            email=str(data.get("email") or ""),
            handles=handles,
            explanation=str(data.get("explanation") or ""),
        )

    def account_count(self, platform: str | None) -> int:
        if platform is None:
            return sum(self.accounts.get(p, 0) for p in self.platforms)
        if platform not in self.platforms:
            return 0
        return self.accounts.get(platform, 0)

    def handle(self, platform: str, number: int) -> str:
        values = self.handles.get(platform, ())
        return values[number - 1] if 0 < number <= len(values) else ""

    @property
    def has_any_account(self) -> bool:
        return self.account_count(None) > 0


@dataclass(frozen=True)
class PlanStep:
    key: str
    step: StepInfo

    @property
    def anchor(self) -> str:
        """An HTML id for the step; slugs never contain dots, so this cannot collide."""
        return "step-" + self.key.replace("#", ".").replace(":", ".")


@dataclass(frozen=True)
class PlanItem:
    key: str
    action: ActionInfo
    platform: PlatformInfo | None = None
    account_number: int | None = None
    account_handle: str = ""
    steps: tuple[PlanStep, ...] = ()

    @property
    def is_request(self) -> bool:
        return self.action.kind == "request"

    @property
    def anchor(self) -> str:
        return "item-" + self.key.replace("#", ".")


@dataclass(frozen=True)
class PlanGroup:
    """The items about one platform, or (key `everyone`, no platform) those for everyone."""

    key: str
    platform: PlatformInfo | None
    items: tuple[PlanItem, ...]


@dataclass(frozen=True)
class Plan:
    region: RegionInfo
    jurisdiction: JurisdictionInfo | None
    groups: tuple[PlanGroup, ...]

    @property
    def items(self) -> tuple[PlanItem, ...]:
        return tuple(item for group in self.groups for item in group.items)

    @property
    def steps(self) -> tuple[PlanStep, ...]:
        return tuple(step for item in self.items for step in item.steps)

    @property
    def step_keys(self) -> frozenset[str]:
        return frozenset(step.key for step in self.steps)

    @property
    def law_name(self) -> str:
        return LAW_NAME_BY_CODE.get(self.jurisdiction.law, "") if self.jurisdiction else ""

    def progress(self, done: Iterable[str]) -> tuple[int, int]:
        """(steps done, steps in the plan); keys of steps no longer in the plan do not count, nor do
        alternatives (another way to do the step before them)."""
        keys = frozenset(step.key for step in self.steps if not step.step.alternative)
        return len(keys & set(done)), len(keys)


class UnknownRegion(ValueError):
    """The answers name a region the content does not have (e.g. deleted since they were given)."""


def applies(action: ActionInfo, answers: Answers, jurisdiction: str) -> bool:
    """Whether an action belongs in the initial plan of a person (rules 1 to 4 of the module doc)."""
    if action.is_escalation:
        return False
    if action.jurisdictions and jurisdiction not in action.jurisdictions:
        return False
    if action.audience == "account" and answers.account_count(action.platform) < 1:
        return False
    if action.audience == "no_account" and action.platform and answers.account_count(action.platform) > 0:
        return False
    if action.audience == "no_account" and not action.platform and answers.has_any_account:
        return False
    return not action.situations or bool(action.situations & answers.situations)


def _items(action: ActionInfo, answers: Answers, content: GuideContent) -> list[PlanItem]:
    platform = content.platform(action.platform)
    numbers: list[int | None] = [None]
    if action.per_account and action.platform and answers.account_count(action.platform) > 0:
        numbers = list(range(1, answers.account_count(action.platform) + 1))
    items = []
    for number in numbers:
        key = action.slug if number is None else f"{action.slug}#{number}"
        items.append(
            PlanItem(
                key=key,
                action=action,
                platform=platform,
                account_number=number,
                account_handle=answers.handle(action.platform, number) if number and action.platform else "",
                steps=tuple(PlanStep(key=f"{key}:{step.slug}", step=step) for step in action.steps),
            )
        )
    return items


def build_plan(answers: Answers, content: GuideContent) -> Plan:
    """The person's plan: applicable actions grouped by platform (in platform order), then for everyone.

    Within a group, actions keep the content's order. Raises `UnknownRegion` when the region is gone.
    """
    region = content.region(answers.region)
    if region is None:
        raise UnknownRegion(answers.region)
    by_group: dict[str, list[PlanItem]] = {}
    for action in content.actions:
        if not applies(action, answers, region.jurisdiction):
            continue
        group = EVERYONE if action.audience == "anyone" or not action.platform else action.platform
        by_group.setdefault(group, []).extend(_items(action, answers, content))
    groups = [
        PlanGroup(key=platform.slug, platform=platform, items=tuple(by_group[platform.slug]))
        for platform in content.platforms
        if platform.slug in by_group
    ]
    if EVERYONE in by_group:
        groups.append(PlanGroup(key=EVERYONE, platform=None, items=tuple(by_group[EVERYONE])))
    return Plan(region=region, jurisdiction=content.jurisdictions.get(region.jurisdiction), groups=tuple(groups))


def known_plan(answers: Answers, content: GuideContent) -> Plan | None:
    """The person's plan, or None while the answers name no region, or one the content no longer has."""
    if not answers.region:
        return None
    try:
        return build_plan(answers, content)
    except UnknownRegion:
        return None


def request_items(answers: Answers, content: GuideContent) -> list[PlanItem]:
    """The items of the person's plan that are requests to track ([] without a known region)."""
    plan = known_plan(answers, content)
    return [item for item in plan.items if item.is_request] if plan else []
