"""Small `make_*` helpers for guide content, and `make_meta_guide()`: a compact copy of the shipped guide.

Each helper takes keyword overrides and fills in the rest, so a test says only what matters to it.
`make_meta_guide()` uses the shipped guide's slugs (regions, jurisdictions, platforms, actions) so
tests written against it keep meaning the same thing once the real guide is loaded.
"""

from __future__ import annotations

import datetime
import itertools

from requests_app.models import (
    Action,
    Jurisdiction,
    LetterTemplate,
    Platform,
    PlatformController,
    Region,
    Step,
    Translated,
)

_counter = itertools.count(1)


def create_translated(model: type[Translated], **fields) -> Translated:
    """Create a content object; `<field>_<language>` keywords (`title_en`, `title_de`) become its text rows."""
    names = set(model.translated_fields())
    texts: dict[str, dict[str, str]] = {}
    for key in [k for k in fields if k.rpartition("_")[0] in names]:
        name, _sep, language = key.rpartition("_")
        texts.setdefault(language, {})[name] = fields.pop(key)
    obj = model.objects.create(**fields)
    for language, values in sorted(texts.items(), key=lambda item: item[0] != "en"):
        obj.set_text(language, **values)
    return obj


VERIFIED = datetime.date(2025, 5, 26)


def make_jurisdiction(slug: str | None = None, **fields) -> Jurisdiction:
    slug = slug or f"jurisdiction-{next(_counter)}"
    fields.setdefault("name_en", slug.upper())
    fields.setdefault("law", "none")
    return create_translated(Jurisdiction, slug=slug, **fields)


def make_region(slug: str | None = None, *, jurisdiction: Jurisdiction | None = None, **fields) -> Region:
    slug = slug or f"region-{next(_counter)}"
    fields.setdefault("name_en", slug.replace("-", " ").title())
    fields.setdefault("kind", "other")
    return create_translated(Region, slug=slug, jurisdiction=jurisdiction or make_jurisdiction(), **fields)


def make_platform(slug: str | None = None, **fields) -> Platform:
    slug = slug or f"platform-{next(_counter)}"
    fields.setdefault("name", slug.title())
    return Platform.objects.create(slug=slug, **fields)


def make_controller(platform: Platform, jurisdiction: Jurisdiction, **fields) -> PlatformController:
    fields.setdefault("name", "Meta Platforms, Inc.")
    return PlatformController.objects.create(platform=platform, jurisdiction=jurisdiction, **fields)


def make_action(
    slug: str | None = None,
    *,
    jurisdictions: list[Jurisdiction] | tuple[Jurisdiction, ...] = (),
    steps: int = 1,
    **fields,
) -> Action:
    """An action with `steps` steps (slugs `<action>-1`, `<action>-2`...)."""
    slug = slug or f"action-{next(_counter)}"
    fields.setdefault("kind", "info")
    fields.setdefault("title_en", f"Title of {slug}")
    action = create_translated(Action, slug=slug, **fields)
    action.jurisdictions.set(jurisdictions)
    for number in range(1, steps + 1):
        make_step(action, slug=f"{slug}-{number}", order=number)
    return action


def make_step(action: Action, slug: str | None = None, **fields) -> Step:
    slug = slug or f"step-{next(_counter)}"
    fields.setdefault("title_en", f"Step {slug}")
    fields.setdefault("body_en", f"Instructions for **{slug}**.")
    fields.setdefault("last_verified_on", VERIFIED)
    return create_translated(Step, action=action, slug=slug, **fields)


def make_letter(action: Action, language: str = "en", **fields) -> LetterTemplate:
    fields.setdefault("subject", "Objection for {{ person.account }}")
    fields.setdefault("body", "I, {{ person.name }} ({{ person.email }}), object.\n\n{{ person.explanation }}")
    return LetterTemplate.objects.create(action=action, language=language, **fields)


OBJECTION_FORMS = {
    "facebook": "https://www.facebook.com/help/contact/712876720715583",
    "instagram": "https://help.instagram.com/contact/767264225370182",
}
WHATSAPP_FORM = "https://www.whatsapp.com/contact/forms/382532939919295"
THIRD_PARTY_FORM = "https://www.facebook.com/help/contact/1266025207620918"

FORM_FIELDS = [
    {"label_en": "Country of residence", "label_de": "Wohnsitzland", "value": "{{ person.country }}"},
    {"label_en": "Email address", "label_de": "E-Mail-Adresse", "value": "{{ person.email }}"},
    {
        "label_en": "Please explain how this processing impacts you",
        "label_de": "Bitte erkläre, wie sich diese Verarbeitung auf dich auswirkt",
        "value": "{{ person.explanation }}",
    },
]

OBJECTION_SUBJECT_EN = "Objection under {{ law.name }} Art. 21(1): {{ platform.name }} account {{ person.account }}"
OBJECTION_BODY_EN = (
    "To {{ controller.name }},\n\n"
    "I object under {{ law.name }} Art. 21(1) to the processing of my personal data for AI at Meta.\n"
    "Account: {{ person.account }}\nName: {{ person.name }}\nEmail: {{ person.email }}\n\n"
    "{{ person.explanation }}"
)
OBJECTION_SUBJECT_DE = "Widerspruch nach Art. 21 Abs. 1 {{ law.name }}: {{ platform.name }}-Konto {{ person.account }}"
OBJECTION_BODY_DE = (
    "An {{ controller.name }},\n\n"
    "ich widerspreche nach Art. 21 Abs. 1 {{ law.name }} der Verarbeitung meiner Daten für KI bei Meta.\n"
    "Konto: {{ person.account }}\nName: {{ person.name }}\nE-Mail: {{ person.email }}\n\n"
    "{{ person.explanation }}"
)


def make_meta_guide() -> dict[str, object]:
    """The shipped Meta guide in miniature: every jurisdiction, region kind, platform and action slug.

    Returns the created objects by slug so tests can change one thing.
    """
    j = {
        "gdpr": make_jurisdiction(
            "gdpr",
            name_en="EU/EEA (GDPR)",
            law="gdpr",
            authority_name_en="Data Protection Commission (Ireland)",
            authority_name_de="Datenschutzkommission (Irland)",
            authority_url="https://www.dataprotection.ie/",
        ),
        "uk-gdpr": make_jurisdiction(
            "uk-gdpr",
            name_en="United Kingdom (UK GDPR)",
            law="uk_gdpr",
            authority_name_en="Information Commissioner's Office",
            authority_url="https://ico.org.uk/",
        ),
        "ccpa": make_jurisdiction(
            "ccpa",
            name_en="California (CCPA/CPRA)",
            law="ccpa",
            authority_name_en="California Privacy Protection Agency",
            authority_url="https://cppa.ca.gov/",
        ),
        "us-state": make_jurisdiction("us-state", name_en="US state privacy law", law="us_state"),
        "us-iowa": make_jurisdiction("us-iowa", name_en="Iowa", law="us_state"),
        "us-none": make_jurisdiction("us-none", name_en="US, no state law", law="none"),
        "none": make_jurisdiction("none", name_en="No comprehensive privacy law", law="none"),
    }
    regions = {
        "germany": make_region(
            "germany", name_en="Germany", name_de="Deutschland", kind="eu_eea", jurisdiction=j["gdpr"]
        ),
        "ireland": make_region("ireland", name_en="Ireland", name_de="Irland", kind="eu_eea", jurisdiction=j["gdpr"]),
        "norway": make_region("norway", name_en="Norway", name_de="Norwegen", kind="eu_eea", jurisdiction=j["gdpr"]),
        "united-kingdom": make_region(
            "united-kingdom",
            name_en="United Kingdom",
            name_de="Vereinigtes Königreich",
            kind="uk",
            jurisdiction=j["uk-gdpr"],
        ),
        "us-california": make_region("us-california", name_en="California", kind="us_state", jurisdiction=j["ccpa"]),
        "us-texas": make_region("us-texas", name_en="Texas", kind="us_state", jurisdiction=j["us-state"]),
        "us-iowa": make_region("us-iowa", name_en="Iowa", kind="us_state", jurisdiction=j["us-iowa"]),
        "us-alabama": make_region("us-alabama", name_en="Alabama", kind="us_state", jurisdiction=j["us-none"]),
        "another-country": make_region(
            "another-country",
            name_en="Another country",
            name_de="Ein anderes Land",
            kind="other",
            jurisdiction=j["none"],
            order=99,
        ),
    }
    p = {
        "facebook": make_platform("facebook", name="Facebook", multiple_accounts=True, order=1),
        "instagram": make_platform("instagram", name="Instagram", multiple_accounts=True, order=2),
        "threads": make_platform("threads", name="Threads", order=3),
        "whatsapp": make_platform("whatsapp", name="WhatsApp", order=4),
        "messenger": make_platform("messenger", name="Messenger", order=5),
    }
    for platform in p.values():
        for jurisdiction in j.values():
            eu = jurisdiction.slug == "gdpr"
            make_controller(
                platform,
                jurisdiction,
                name="Meta Platforms Ireland Limited" if eu else "Meta Platforms, Inc.",
                address="Merrion Road, Dublin 4, D04 X2K5, Ireland" if eu else "1 Meta Way, Menlo Park, CA 94025, USA",
            )
    a = {}
    for order, platform in enumerate(("facebook", "instagram"), start=1):
        slug = f"object-ai-{platform}"
        a[slug] = make_action(
            slug,
            kind="request",
            platform=p[platform],
            title_en=f"Object to {p[platform].name} using your information for AI",
            title_de=f"Widersprich der Nutzung deiner Daten für KI bei {p[platform].name}",
            legal_basis_en="GDPR Art. 21(1)",
            filing_method="form",
            official_url=OBJECTION_FORMS[platform],
            form_fields=FORM_FIELDS,
            audience="account",
            per_account=True,
            jurisdictions=[j["gdpr"], j["uk-gdpr"]],
            steps=2,
            order=order,
        )
        make_letter(a[slug], "en", subject=OBJECTION_SUBJECT_EN, body=OBJECTION_BODY_EN)
        make_letter(a[slug], "de", subject=OBJECTION_SUBJECT_DE, body=OBJECTION_BODY_DE)
        Step.objects.filter(action=a[slug]).update(official_url=OBJECTION_FORMS[platform])
    a["rights-whatsapp"] = make_action(
        "rights-whatsapp",
        kind="request",
        platform=p["whatsapp"],
        title_en="Use the WhatsApp data rights form",
        filing_method="form",
        official_url=WHATSAPP_FORM,
        audience="account",
        caveat_en="No AI objection form was found for WhatsApp; this general data rights form is unverified.",
        caveat_de="Für WhatsApp wurde kein KI-Widerspruchsformular gefunden; dieses allgemeine Formular ist ungeprüft.",
        jurisdictions=[j["gdpr"], j["uk-gdpr"]],
        order=3,
    )
    make_letter(a["rights-whatsapp"], "en", subject="Objection to AI use", body=OBJECTION_BODY_EN)
    a["ai-threads"] = make_action("ai-threads", kind="info", platform=p["threads"], audience="account", order=4)
    a["ai-messenger"] = make_action("ai-messenger", kind="info", platform=p["messenger"], audience="account", order=5)
    a["third-party-ai-request"] = make_action(
        "third-party-ai-request",
        kind="request",
        title_en="Ask about information from other people used for AI",
        title_de="Frag nach Informationen anderer über dich, die für KI genutzt werden",
        filing_method="form",
        official_url=THIRD_PARTY_FORM,
        form_fields=FORM_FIELDS[:2],
        audience="anyone",
        order=6,
    )
    make_letter(
        a["third-party-ai-request"],
        "en",
        subject="Third-party information used for AI",
        body="I, {{ person.name }}, ask what information about me from other people Meta uses for AI.",
    )
    for order, platform in enumerate(("facebook", "instagram"), start=7):
        slug = f"off-meta-activity-{platform}"
        a[slug] = make_action(
            slug, kind="setting", platform=p[platform], audience="account", filing_method="in_app", order=order
        )
    for order, (slug, jurisdiction) in enumerate(
        (("complaint-dpc", "gdpr"), ("complaint-ico", "uk-gdpr"), ("complaint-cppa", "ccpa")), start=10
    ):
        a[slug] = make_action(
            slug, kind="escalation", filing_method="form", jurisdictions=[j[jurisdiction]], order=order
        )
    a["reminder-to-company"] = make_action("reminder-to-company", kind="escalation", filing_method="email", order=20)
    return {"jurisdictions": j, "regions": regions, "platforms": p, "actions": a}


def make_answers(**overrides) -> dict:
    """Complete wizard answers (plan_session's structure): Germany, one Facebook and two Instagram accounts."""
    answers = {
        "country": "germany",
        "platforms": ["facebook", "instagram"],
        "accounts": {"facebook": 1, "instagram": 2},
        "situations": ["public_posts"],
        "name": "Anna Muster",
        "email": "anna@example.org",
        "handles": {"facebook": ["facebook.com/anna"], "instagram": ["@anna", "@anna_cats"]},
        "explanation": "My posts show my children.",
    }
    answers.update(overrides)
    return answers


def store_answers(client, answers: dict, done: list[str] | None = None) -> None:
    """Put answers (and ticked steps) into a test client's session, as the wizard would."""
    session = client.session
    session["plan"] = {"version": 1, "answers": answers, "done": done or []}
    session.save()
