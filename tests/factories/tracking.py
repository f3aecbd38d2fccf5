"""Tracked requests: a person with a claimed plan, requests tracked and filed through the services, a UK
access request whose clock stops for clarification, and a filed submission made directly in the
database (for reminders and `verify_evidence`)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from requests_app.models import Plan, Submission
from requests_app.tracking import rules
from requests_app.tracking.services import create_submission, new_token, record_filing
from tests.factories.accounts import make_user
from tests.factories.guide import make_letter, make_meta_guide

GERMAN_PLAN = {
    "version": 1,
    "answers": {
        "country": "germany",
        "platforms": ["instagram"],
        "accounts": {"instagram": 1},
        "situations": ["public_posts"],
        "name": "Anna Muster",
        "email": "anna@example.org",
        "handles": {"instagram": ["@anna_cats"]},
        "explanation": "Meine Fotos zeigen meine Kinder.",
    },
    "done": [],
}
ITEM = "object-ai-instagram#1"
# A UK person with WhatsApp: its data rights form carries an access request, whose clock stops while
# Meta asks for clarification (UK GDPR Art. 12A), once content says so (`uk_access_requests_pause`).
UK_PLAN = {
    "version": 1,
    "answers": {
        "country": "united-kingdom",
        "platforms": ["whatsapp"],
        "accounts": {"whatsapp": 1},
        "handles": {"whatsapp": ["+44 7700 900123"]},
        "name": "Sam Taylor",
        "email": "sam@example.org",
    },
    "done": [],
}
UK_ITEM = "rights-whatsapp"
UK_PAUSE_FROM = datetime.date(2026, 2, 5)
STARTED = datetime.datetime(2025, 1, 20, 9, 0, tzinfo=datetime.UTC)


def make_guide() -> dict:
    """The miniature Meta guide with the shipped deadline rules, authorities and escalation letters."""
    guide = make_meta_guide()
    j = guide["jurisdictions"]
    for slug in ("gdpr", "uk-gdpr"):
        j[slug].deadline_unit, j[slug].deadline_amount, j[slug].extension_amount = "months", 1, 2
    j["uk-gdpr"].next_working_day, j["uk-gdpr"].holiday_calendar = True, "GB"
    j["gdpr"].authority_email = "info@dataprotection.ie"
    j["ccpa"].deadline_unit, j["ccpa"].deadline_amount, j["ccpa"].extension_amount = "days", 45, 45
    j["ccpa"].acknowledge_business_days, j["ccpa"].holiday_calendar = 10, "US-CA"
    for jurisdiction in j.values():
        jurisdiction.save()
    germany = guide["regions"]["germany"]
    germany.country_code = "DE"
    germany.local_authority_url = "https://www.bfdi.bund.de/"
    germany.save()
    germany.set_text("en", local_authority_name="Federal Commissioner for Data Protection (BfDI)")
    a = guide["actions"]
    make_letter(
        a["complaint-dpc"],
        "en",
        subject="Complaint about {{ controller.name }}",
        body='To {{ authority.name }},\n\nI filed "{{ original.subject }}" on {{ original.filed_on }} '
        "(reference {{ original.reference }}); the answer was due on {{ original.due_on }}.\n\n{{ person.name }}",
    )
    make_letter(
        a["reminder-to-company"],
        "en",
        subject="Reminder: {{ original.subject }}",
        body="To {{ controller.name }},\n\nMy request of {{ original.filed_on }} was due on {{ original.due_on }}.",
    )
    return guide


def make_person(email: str = "anna@example.org", *, plan: dict | None = None, started: datetime.datetime = STARTED):
    """A verified user whose plan (German, one Instagram account) was made on `started`."""
    user = make_user(email)
    Plan.objects.create(user=user, data=plan or GERMAN_PLAN, created_at=started)
    return user


def uk_access_requests_pause(monkeypatch) -> None:
    """Give UK access requests (WhatsApp's rights form here) the clarification pause, as content will
    (tracking/rules.py, `clarification_pause`), for requests received from 5 February 2026."""

    def pause(submission, jurisdiction):
        if jurisdiction.law == "uk_gdpr" and submission.action_slug == UK_ITEM:
            return True, UK_PAUSE_FROM
        return False, None

    monkeypatch.setattr(rules, "clarification_pause", pause)


def track(user, item: str = ITEM, language: str = "en", now: datetime.datetime | None = None) -> Submission:
    submission, _created = create_submission(
        user=user,
        plan_data=Plan.objects.get(user=user).data,
        item_key=item,
        language=language,
        now=now or STARTED + datetime.timedelta(days=1),
    )
    return submission


def file(
    submission: Submission,
    when: datetime.datetime = datetime.datetime(2025, 1, 31, 14, 30),
    zone: str = "Europe/Berlin",
    reference: str = "REF-123",
    now: datetime.datetime | None = None,
) -> Submission:
    filed, _recorded = record_filing(
        submission=submission,
        filed_at_local=when,
        timezone_name=zone,
        reference=reference,
        confirmation_text="Thanks, we received your objection.",
        token=new_token(),
        now=now or timezone.now(),
    )
    return filed


# A filed submission made directly, as reminders and verify_evidence see them. Noon UTC on a
# Wednesday: every person's "today" is 2025-02-21 unless a test says otherwise.
SUBMISSION_NOW = datetime.datetime(2025, 2, 21, 12, 0, tzinfo=datetime.UTC)
SUBMISSION_TODAY = SUBMISSION_NOW.date()
SUBMISSION_LETTER = "I object under GDPR Art. 21(1) to the processing of my personal data. Account: @anna_secret"


def make_submission(*, due_in: int, user=None, **fields) -> Submission:
    """A filed Instagram objection whose answer is due `due_in` days after SUBMISSION_TODAY."""
    fields.setdefault("status", "filed")
    fields.setdefault("language", "en")
    fields.setdefault("filed_timezone", "Europe/Berlin")
    fields.setdefault("letter_body", SUBMISSION_LETTER)
    return Submission.objects.create(
        user=user or make_user(f"person-{Submission.objects.count()}@example.org"),
        plan_item_key=f"object-ai-instagram#{Submission.objects.count()}",
        action_slug="object-ai-instagram",
        action_title="Object to Instagram using your information for AI",
        platform_name="Instagram",
        region_slug="germany",
        region_name="Germany",
        jurisdiction_slug="gdpr",
        law="gdpr",
        recipient="Meta Platforms Ireland Limited",
        account="@anna_secret",
        letter_subject="Objection: Instagram account @anna_secret",
        filed_at=SUBMISSION_NOW - datetime.timedelta(days=20),
        due_on=SUBMISSION_TODAY + datetime.timedelta(days=due_in),
        **fields,
    )
