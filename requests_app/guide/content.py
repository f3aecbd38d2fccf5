"""The guide's content read from the database: one snapshot per language, kept while it is unchanged.

`load_content()` reads regions, jurisdictions, platforms, controllers, actions, their steps and their
letter templates in a fixed number of queries, whatever the size of the guide, and returns the frozen
dataclasses of `guide.snapshot` with every translated text already resolved.

The snapshot is kept per process and language while the guide does not change. Whether it changed
is one query, `content_version()`: every edit of guide content, in admin or by `load_guide`, adds a
history record (django-simple-history), so the newest history date names the version. Being read
from the database, it is right on every server at once, with no cache to invalidate; a process
reads it at most every GUIDE_VERSION_TTL seconds (edits in the same process are seen at once).
"""

from __future__ import annotations

import datetime
import logging
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation
from django.utils.translation import gettext

from ..letters.render import in_language
from ..models import (
    TEXT_MODELS,
    Action,
    Jurisdiction,
    LetterTemplate,
    Platform,
    PlatformController,
    Region,
    Step,
)
from ..web.text import strings_in, unshowable_problem
from .snapshot import (
    ActionInfo,
    ControllerInfo,
    GuideContent,
    JurisdictionInfo,
    LetterInfo,
    PlatformInfo,
    RegionInfo,
    StepInfo,
)

logger = logging.getLogger(__name__)


def _showable(text: str, language: str, where: str) -> str:
    """`text`, or a short "could not be shown" in its place when it holds what no page can show.

    Admin and load_guide refuse such text (web/text.py), but a row written past them (a migration, a
    shell) must not answer 500 on every page that shows it: one part is replaced, the rest of the page
    stands, and the log tells editors which content to fix (content only, never a person's data).
    """
    if not text or unshowable_problem(text) is None:
        return text
    logger.warning("Guide content %s in %s cannot be shown (%s)", where, language, unshowable_problem(text))
    with translation.override(language):
        return gettext("This part could not be shown.")


def _letter(templates: list[LetterTemplate], language: str) -> LetterInfo | None:
    template = in_language(templates, language)
    if template is None:
        return None
    return LetterInfo(
        language=template.language, subject=template.subject, body=template.body, reviewed=template.is_reviewed
    )


CONTENT_MODELS = (Jurisdiction, Region, Platform, PlatformController, Action, Step, LetterTemplate, *TEXT_MODELS)

_snapshots: dict[str, tuple[str, GuideContent]] = {}
_snapshots_lock = threading.Lock()
# (when this process last read the version, the version); see `current_version`.
_last_version: tuple[float, str] = (0.0, "")


def content_version() -> str:
    """When the guide content last changed (the newest history record), as an ISO 8601 string.

    One query: the newest `history_date` (an indexed column) of each history table of everything a
    plan, a request's facts and a letter come from; "" while there is no content.
    """
    quote = connection.ops.quote_name
    newest = " UNION ALL ".join(
        f"SELECT MAX({quote('history_date')}) AS newest FROM {quote(model.history.model._meta.db_table)}"  # noqa: S608 (table names from model metadata)
        for model in CONTENT_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(newest) FROM ({newest}) AS versions")  # noqa: S608
        (value,) = cursor.fetchone()
    if value is None:
        return ""
    if isinstance(value, str):  # SQLite hands back text from a compound query
        value = datetime.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat()


def current_version() -> str:
    """The guide's version, read again at most every GUIDE_VERSION_TTL seconds in this process.

    An edit made in this process forgets the last reading at once (`forget_version`, connected to
    the content models' signals); other processes see it within the TTL.
    """
    global _last_version
    ttl = settings.GUIDE_VERSION_TTL
    read_at, version = _last_version
    now = time.monotonic()
    if version and now - read_at < ttl:
        return version
    version = content_version()
    _last_version = (now, version)
    return version


def _forget_last_version() -> None:
    global _last_version
    _last_version = (0.0, "")


def forget_version(**kwargs: object) -> None:
    """Signal receiver: guide content changed, so read its version again on the next request."""
    _forget_last_version()
    # Again once the edit is committed: a request that read the old version meanwhile keeps it no longer.
    transaction.on_commit(_forget_last_version)


for _model in CONTENT_MODELS:
    post_save.connect(forget_version, sender=_model, dispatch_uid=f"guide-version-save-{_model.__name__}")
    post_delete.connect(forget_version, sender=_model, dispatch_uid=f"guide-version-delete-{_model.__name__}")
m2m_changed.connect(forget_version, sender=Action.jurisdictions.through, dispatch_uid="guide-version-m2m")


def load_content(language: str | None = None) -> GuideContent:
    """The guide for `language` (default: the active one): the kept snapshot while the guide is
    unchanged (at most 1 query), else a fresh one (9 queries, whatever the size of the guide)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    version = current_version()
    kept = _snapshots.get(language)
    if version and kept and kept[0] == version:
        return kept[1]
    content = read_content(language)
    if version:
        with _snapshots_lock:
            _snapshots[language] = (version, content)
    return content


def read_content(language: str) -> GuideContent:
    """Snapshot the guide for `language` from the database.

    Queries, whatever the size of the guide: jurisdictions, regions, platforms, controllers, actions,
    and the prefetched action jurisdictions, steps and letter templates (8). The text rows in
    `language` and in English are joined into the queries that need them (`with_texts`), not
    fetched apart.
    """
    jurisdictions = {
        j.slug: JurisdictionInfo(
            slug=j.slug,
            name=_showable(j.text("name", language), language, f"jurisdiction {j.slug} name"),
            law=j.law,
            authority_name=_showable(
                j.text("authority_name", language), language, f"jurisdiction {j.slug} authority_name"
            ),
            authority_url=j.authority_url,
            authority_complaint_url=j.authority_complaint_url,
            authority_email=j.authority_email,
        )
        for j in Jurisdiction.objects.with_texts(language)
    }
    regions = tuple(
        RegionInfo(
            slug=r.slug,
            name=_showable(r.text("name", language), language, f"region {r.slug} name"),
            kind=r.kind,
            jurisdiction=r.jurisdiction.slug,
            local_authority_name=_showable(
                r.text("local_authority_name", language), language, f"region {r.slug} local_authority_name"
            ),
            local_authority_url=r.local_authority_url,
        )
        for r in Region.sorted_by_name(Region.objects.with_texts(language).select_related("jurisdiction"))
    )
    platforms = Platform.objects.all()
    platform_slugs = {p.pk: p.slug for p in platforms}
    controllers = {
        (c.platform.slug, c.jurisdiction.slug): ControllerInfo(
            name=_showable(c.name, language, f"controller {c.pk} name"),
            address=_showable(c.address, language, f"controller {c.pk} address"),
        )
        for c in PlatformController.objects.select_related("platform", "jurisdiction")
    }
    actions = Action.objects.with_texts(language).prefetch_related(
        Prefetch("jurisdictions", queryset=Jurisdiction.objects.only("slug").prefetch_related(None)),
        Prefetch("steps", queryset=Step.objects.with_texts(language).order_by("order", "pk")),
        "letter_templates",
    )
    return GuideContent(
        language=language,
        regions=regions,
        jurisdictions=jurisdictions,
        platforms=tuple(
            PlatformInfo(
                slug=p.slug,
                name=_showable(p.name, language, f"platform {p.slug} name"),
                multiple_accounts=p.multiple_accounts,
            )
            for p in platforms
        ),
        controllers=controllers,
        actions=tuple(_action(a, platform_slugs, language) for a in actions),
    )


def _action(action: Action, platform_slugs: dict[int, str], language: str) -> ActionInfo:
    return ActionInfo(
        slug=action.slug,
        kind=action.kind,
        title=_showable(action.text("title", language), language, f"action {action.slug} title"),
        platform=platform_slugs.get(action.platform_id),
        summary=_showable(action.text("summary", language), language, f"action {action.slug} summary"),
        legal_basis=_showable(action.text("legal_basis", language), language, f"action {action.slug} legal_basis"),
        caveat=_showable(action.text("caveat", language), language, f"action {action.slug} caveat"),
        filing_method=action.filing_method,
        official_url=action.official_url,
        email_to=action.email_to,
        form_fields=_showable_fields(action, language),
        audience=action.audience,
        per_account=action.per_account,
        situations=frozenset(action.situations or []),
        jurisdictions=frozenset(j.slug for j in action.jurisdictions.all()),
        steps=tuple(
            StepInfo(
                slug=s.slug,
                title=_showable(s.text("title", language), language, f"step {s.slug} title"),
                body=_showable(s.text("body", language), language, f"step {s.slug} body"),
                official_url=s.official_url,
                source_url=s.source_url,
                last_verified_on=s.last_verified_on,
                unverified=s.unverified,
                alternative=s.alternative,
                caveat=_showable(s.text("caveat", language), language, f"step {s.slug} caveat"),
            )
            for s in action.steps.all()
        ),
        letter=_letter(list(action.letter_templates.all()), language),
    )


def _showable_fields(action: Action, language: str) -> tuple[dict, ...]:
    """The action's form fields, without one whose text no page could show (logged like `_showable`)."""
    kept = []
    for index, field in enumerate(action.form_fields or []):
        if not isinstance(field, dict):
            continue
        problems = [problem for text in strings_in(field) if (problem := unshowable_problem(text))]
        if problems:
            logger.warning(
                "Guide content action %s form field %s cannot be shown (%s)", action.slug, index, problems[0]
            )
            continue
        kept.append(field)
    return tuple(kept)
