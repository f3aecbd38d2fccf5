"""The app's models, one module per kind of data, all re-exported here.

`guide` is the content editors maintain, `tracking` a person's tracked requests and their
evidence, `accounts` what else an account holds. One app label, one set of migrations and tables:
`from requests_app.models import Submission` works as it always did, and so do the migrations'
references (such as `requests_app.models.new_evidence_key`).
"""

from __future__ import annotations

from .accounts import AccountSettings, Plan
from .guide import (
    SOURCE_LANGUAGE,
    STALE_AFTER_DAYS,
    TEXT_MODELS,
    Action,
    ActionKind,
    ActionText,
    Audience,
    DeadlineUnit,
    FilingMethod,
    Jurisdiction,
    JurisdictionText,
    Law,
    LetterTemplate,
    Platform,
    PlatformController,
    Region,
    RegionKind,
    RegionText,
    Situation,
    Step,
    StepText,
    Translated,
    check_language,
)
from .tracking import (
    ANSWERED_STATUSES,
    WAITING_STATUSES,
    Attachment,
    ClarificationPause,
    Event,
    EventQuerySet,
    EventType,
    Reminder,
    ReminderKind,
    StatusChange,
    Submission,
    SubmissionQuerySet,
    SubmissionStatus,
    new_evidence_key,
)

__all__ = [
    "ANSWERED_STATUSES",
    "STALE_AFTER_DAYS",
    "AccountSettings",
    "SOURCE_LANGUAGE",
    "TEXT_MODELS",
    "Action",
    "ActionKind",
    "ActionText",
    "Attachment",
    "Audience",
    "ClarificationPause",
    "DeadlineUnit",
    "Event",
    "EventQuerySet",
    "EventType",
    "FilingMethod",
    "Jurisdiction",
    "JurisdictionText",
    "Law",
    "LetterTemplate",
    "Plan",
    "Platform",
    "PlatformController",
    "Region",
    "RegionKind",
    "RegionText",
    "Reminder",
    "ReminderKind",
    "Situation",
    "StatusChange",
    "Step",
    "StepText",
    "Submission",
    "SubmissionQuerySet",
    "SubmissionStatus",
    "Translated",
    "WAITING_STATUSES",
    "check_language",
    "new_evidence_key",
]
