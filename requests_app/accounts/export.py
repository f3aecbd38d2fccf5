"""Everything an account holds, as one zip: the data as JSON, the uploaded files and the evidence.

`export_account` says what the account itself holds (never its secrets); `export_data` adds the
plan, every submission with its status changes, clarification pauses, reminders, evidence events and
attachments' metadata; `export_archive` puts each uploaded file in the archive under `attachments/`, beside the
evidence pack. Built in memory: a person has at most a few dozen submissions of at most ten 10 MB
images each.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from ..evidence.export import export_evidence
from ..evidence.pdf import render_evidence_pdf
from ..models import AccountSettings, Attachment, Event, Plan, Submission
from ..tracking.uploads import FILE_EXTENSIONS


def export_account(user: AbstractBaseUser) -> dict[str, Any]:
    """Everything the site holds about `user`, as plain JSON-ready data, with no secrets.

    Never included: password hashes, TOTP secrets, recovery codes, session keys.
    `export_data` adds the plan and submissions; `export_archive` zips it with the uploaded files.
    """
    return {
        "format": "opt-out-guide-account-export",
        "version": 1,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_authentication": [
            {
                "type": authenticator.type,
                "created_at": authenticator.created_at.isoformat(),
                "last_used_at": authenticator.last_used_at.isoformat() if authenticator.last_used_at else None,
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "ip": session.ip,
                "user_agent": session.user_agent,
                "created_at": session.created_at.isoformat(),
                "last_seen_at": session.last_seen_at.isoformat(),
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _attachment_path(attachment: Attachment) -> str:
    return (
        f"attachments/{attachment.submission_id}/{attachment.pk}.{FILE_EXTENSIONS.get(attachment.content_type, 'bin')}"
    )


def _submission(submission: Submission, events: list[Event]) -> dict[str, Any]:
    return {
        "id": str(submission.pk),
        "escalates": str(submission.escalates_id) if submission.escalates_id else None,
        "action": submission.action_slug,
        "action_title": submission.action_title,
        "platform": submission.platform_name,
        "region": submission.region_name,
        **submission.guide_facts(),
        "account": submission.account,
        "letter": {"subject": submission.letter_subject, "body": submission.letter_body},
        "form_fields": submission.form_fields,
        "status": submission.status,
        "filed_at": _iso(submission.filed_at),
        "filed_timezone": submission.filed_timezone,
        "filing_recorded_at": _iso(submission.filing_recorded_at),
        **submission.filing_facts(),
        "created_at": _iso(submission.created_at),
        "status_changes": [
            {
                "status": change.status,
                "happened_on": _iso(change.happened_on),
                "note": change.note,
                "reply_text": change.reply_text,
            }
            for change in submission.status_changes.all()
        ],
        "clarification_pauses": [
            {"asked_on": _iso(pause.asked_on), "answered_on": _iso(pause.answered_on)}
            for pause in submission.clarification_pauses.all()
        ],
        "attachments": [
            {
                "file": _attachment_path(attachment),
                "content_type": attachment.content_type,
                "size": attachment.size,
                "width": attachment.width,
                "height": attachment.height,
                "sha256": attachment.sha256,
                "created_at": _iso(attachment.created_at),
            }
            for attachment in submission.attachments.all()
        ],
        "reminders": [
            {"kind": reminder.kind, "due_on": _iso(reminder.due_on), "sent_at": _iso(reminder.sent_at)}
            for reminder in submission.reminders.all()
        ],
        "events": [
            {
                "seq": event.seq,
                "type": event.type,
                "at": _iso(event.at),
                "data": event.data,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            }
            for event in events
        ],
    }


def export_data(user: Any) -> dict[str, Any]:
    """The account's export with its plan and submissions (a fixed number of queries)."""
    data = export_account(user)
    plan = Plan.objects.filter(user=user).first()
    data["plan"] = plan.data if plan else None
    data["settings"] = {"reminder_emails": AccountSettings.reminders_wanted(user)}
    submissions = list(
        Submission.objects.for_user(user)
        .order_by("created_at", "pk")
        .prefetch_related("status_changes", "clarification_pauses", "attachments", "reminders")
        .defer("attachments__content")
    )
    events: dict[Any, list[Event]] = {}
    for event in Event.objects.filter(submission_id__in=[s.pk for s in submissions]).order_by("submission_id", "seq"):
        events.setdefault(event.submission_id, []).append(event)
    data["submissions"] = [_submission(s, events.get(s.pk, [])) for s in submissions]
    return data


def export_archive(user: Any, *, verify_url: str, key_url: str) -> bytes:
    """A zip with `opt-out-guide.json`, every uploaded file at the path the JSON names, and the
    signed evidence pack of all the person's requests (`evidence-pack.pdf`) when there are any."""
    # The evidence first: it appends an `exported` event to each chain, which the JSON then lists.
    evidence = export_evidence(user)
    data = export_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("opt-out-guide.json", json.dumps(data, indent=2, ensure_ascii=False))
        if evidence:
            pdf = render_evidence_pdf(evidence, pack=True, verify_url=verify_url, key_url=key_url)
            archive.writestr("evidence-pack.pdf", pdf, zipfile.ZIP_STORED)
        for attachment in Attachment.objects.filter(submission__user=user).order_by("created_at").iterator():
            # Images are already compressed: store them as they are.
            archive.writestr(_attachment_path(attachment), bytes(attachment.content), zipfile.ZIP_STORED)
    return buffer.getvalue()
