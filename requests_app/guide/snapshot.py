"""Guide content as plain data: the frozen snapshot of the guide in one language.

Everything a plan, a wizard question and a letter need from the guide, as frozen dataclasses with
every translated text already resolved. `guide.content.load_content()` builds them from the
database; `planning.build_plan` and the wizard's forms work on them alone, so they can be tested
without a database and a page never queries per step.

Pure: no database, no request; the kinds and audiences are the values of the choices in
`models.guide`, compared as plain strings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# The value of models.ActionKind.ESCALATION (tests/guide/test_snapshot.py keeps the two equal).
ESCALATION = "escalation"


@dataclass(frozen=True)
class JurisdictionInfo:
    slug: str
    name: str
    law: str
    authority_name: str = ""
    authority_url: str = ""
    authority_complaint_url: str = ""
    authority_email: str = ""


@dataclass(frozen=True)
class RegionInfo:
    slug: str
    name: str
    kind: str
    jurisdiction: str
    local_authority_name: str = ""
    local_authority_url: str = ""


@dataclass(frozen=True)
class PlatformInfo:
    slug: str
    name: str
    multiple_accounts: bool = False


@dataclass(frozen=True)
class ControllerInfo:
    name: str
    address: str = ""


@dataclass(frozen=True)
class StepInfo:
    slug: str
    title: str
    body: str = ""
    official_url: str = ""
    source_url: str = ""
    last_verified_on: datetime.date | None = None
    unverified: bool = False
    caveat: str = ""
    alternative: bool = False


@dataclass(frozen=True)
class LetterInfo:
    """A letter template's Jinja2 source, in the language the snapshot was loaded for."""

    language: str
    subject: str
    body: str
    # Whether a person reviewed this translation (English, the source, always is): else people see a note.
    reviewed: bool = True


@dataclass(frozen=True)
class ActionInfo:
    slug: str
    kind: str
    title: str
    platform: str | None = None
    summary: str = ""
    legal_basis: str = ""
    caveat: str = ""
    filing_method: str = "none"
    official_url: str = ""
    email_to: str = ""
    form_fields: tuple[dict, ...] = ()
    audience: str = "anyone"
    per_account: bool = False
    situations: frozenset[str] = frozenset()
    # Empty: the action applies in every jurisdiction.
    jurisdictions: frozenset[str] = frozenset()
    steps: tuple[StepInfo, ...] = ()
    letter: LetterInfo | None = None

    @property
    def is_escalation(self) -> bool:
        return self.kind == ESCALATION


@dataclass(frozen=True)
class GuideContent:
    language: str
    regions: tuple[RegionInfo, ...] = ()
    jurisdictions: dict[str, JurisdictionInfo] = field(default_factory=dict)
    platforms: tuple[PlatformInfo, ...] = ()
    # (platform slug, jurisdiction slug) -> controller
    controllers: dict[tuple[str, str], ControllerInfo] = field(default_factory=dict)
    actions: tuple[ActionInfo, ...] = ()
    # Results computed from this snapshot alone, kept as long as it is (the wizard's answer checks
    # and question choices, wizard/flow.py and wizard/choices.py).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def region(self, slug: str | None) -> RegionInfo | None:
        return next((region for region in self.regions if region.slug == slug), None)

    def platform(self, slug: str | None) -> PlatformInfo | None:
        return next((platform for platform in self.platforms if platform.slug == slug), None)
