"""The shipped Meta guide states what GUIDE_FACTS.md says, for every region and platform."""

from __future__ import annotations

import datetime

import pytest

from requests_app.guide.yaml_io import load_guide
from requests_app.letters.contract import build_context
from requests_app.letters.render import render_letter
from requests_app.models import Action, ActionKind, Jurisdiction, LetterTemplate, PlatformController, Region, Step

pytestmark = pytest.mark.django_db

FACEBOOK_FORM = "https://www.facebook.com/help/contact/712876720715583"
INSTAGRAM_FORM = "https://help.instagram.com/contact/767264225370182"
EU_EEA = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT"} | {
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
    "IS",
    "LI",
    "NO",
}
US_STATE_LAW = {
    "VA",
    "CO",
    "CT",
    "UT",
    "TX",
    "OR",
    "MT",
    "FL",
    "DE",
    "NH",
    "NJ",
    "TN",
    "MN",
    "MD",
    "IN",
    "KY",
    "RI",
    "NE",
}


@pytest.fixture(autouse=True)
def guide():
    load_guide()


def _jurisdiction_of(subdivision: str) -> Jurisdiction:
    return Region.objects.get(subdivision_code=subdivision).jurisdiction


def test_it_maps_all_thirty_eu_eea_countries_to_gdpr():
    regions = Region.objects.filter(kind="eu_eea")
    assert {r.country_code for r in regions} == EU_EEA
    assert {r.jurisdiction.slug for r in regions} == {"gdpr"}
    # Each names its own national authority (Art. 77), in both languages.
    assert all(
        r.text("local_authority_name", "en", fallback=False)
        and r.text("local_authority_name", "de", fallback=False)
        and r.local_authority_url
        for r in regions
    )
    assert all(r.text("name", "de", fallback=False) for r in regions)


def test_it_does_not_put_the_uk_under_the_eu_gdpr():
    uk = Region.objects.get(country_code="GB")
    assert uk.jurisdiction.slug == "uk-gdpr"
    assert uk.jurisdiction.law == "uk_gdpr"
    assert uk.jurisdiction.next_working_day is True
    assert uk.jurisdiction.holiday_calendar == "GB-ENG"  # England and Wales bank holidays, Easter Monday included
    assert not Jurisdiction.objects.get(slug="gdpr").next_working_day


def test_it_gives_gdpr_one_month_plus_two_and_the_irish_dpc():
    gdpr = Jurisdiction.objects.get(slug="gdpr")
    assert (gdpr.deadline_unit, gdpr.deadline_amount, gdpr.extension_amount) == ("months", 1, 2)
    assert "dataprotection.ie" in gdpr.authority_url
    assert "dataprotection.ie" in gdpr.authority_complaint_url
    assert "object" in gdpr.rights


def test_it_maps_us_states_to_their_laws():
    assert _jurisdiction_of("US-CA").slug == "ccpa"
    assert _jurisdiction_of("US-TX").slug == "us-state"
    assert _jurisdiction_of("US-IA").slug == "us-iowa"
    assert _jurisdiction_of("US-WY").slug == "us-none"
    states = Region.objects.filter(kind="us_state")
    assert states.count() == 51  # 50 states and DC
    for region in states:
        code = region.subdivision_code.removeprefix("US-")
        expected = (
            "ccpa" if code == "CA" else "us-iowa" if code == "IA" else "us-state" if code in US_STATE_LAW else "us-none"
        )
        assert region.jurisdiction.slug == expected, region.subdivision_code


def test_it_gives_the_us_deadlines_from_the_facts():
    ccpa = Jurisdiction.objects.get(slug="ccpa")
    assert (ccpa.deadline_unit, ccpa.deadline_amount, ccpa.extension_amount) == ("days", 45, 45)
    assert ccpa.acknowledge_business_days == 10
    assert "cppa.ca.gov" in ccpa.authority_url
    us_state = Jurisdiction.objects.get(slug="us-state")
    assert (us_state.deadline_amount, us_state.extension_amount) == (45, 45)
    assert Jurisdiction.objects.get(slug="us-iowa").deadline_amount == 90
    assert Jurisdiction.objects.get(slug="us-none").deadline_unit == "none"
    assert Jurisdiction.objects.get(slug="none").deadline_unit == "none"


def test_it_offers_another_country_for_everyone_else():
    other = Region.objects.get(kind="other")
    assert other.jurisdiction.slug == "none"
    assert other.order > Region.objects.get(country_code="GB").order


def test_it_names_meta_ireland_for_the_eu_and_meta_inc_elsewhere():
    eu = PlatformController.objects.get(platform__slug="instagram", jurisdiction__slug="gdpr")
    assert eu.name == "Meta Platforms Ireland Limited"
    assert "D04 X2K5" in eu.address
    us = PlatformController.objects.get(platform__slug="instagram", jurisdiction__slug="ccpa")
    assert us.name == "Meta Platforms, Inc."
    assert "Menlo Park, CA 94025" in us.address
    # Every platform has a controller in every jurisdiction, so no letter lacks an addressee.
    assert PlatformController.objects.count() == 5 * Jurisdiction.objects.count()


def test_it_links_both_objection_forms_exactly():
    facebook = Action.objects.get(slug="object-ai-facebook")
    instagram = Action.objects.get(slug="object-ai-instagram")
    assert facebook.official_url == FACEBOOK_FORM
    assert instagram.official_url == INSTAGRAM_FORM
    for action in (facebook, instagram):
        assert action.kind == "request"
        assert action.per_account is True
        assert action.audience == "account"
        assert action.text("legal_basis", "en", fallback=False) == "Art. 21(1) GDPR (in the UK, Art. 21(1) UK GDPR)"
        assert set(action.jurisdictions.values_list("slug", flat=True)) == {"gdpr", "uk-gdpr"}
        assert [f["value"] for f in action.form_fields] == [
            "{{ person.country }}",
            "{{ person.email }}",
            "{{ person.explanation }}",
        ]


def test_it_does_not_offer_the_objection_forms_in_the_us():
    ccpa = Jurisdiction.objects.get(slug="ccpa")
    assert not ccpa.actions.filter(slug__startswith="object-ai-").exists()


def test_it_says_facebook_pages_cannot_use_the_form():
    steps = " ".join(s.text("body", "en") for s in Step.objects.filter(action__slug="object-ai-facebook"))
    assert "Facebook Pages cannot use this form" in steps
    assert "confirmation code" in steps
    assert "24 hours" in steps


def test_it_keeps_the_third_party_form_open_to_everyone():
    action = Action.objects.get(slug="third-party-ai-request")
    assert action.official_url == "https://www.facebook.com/help/contact/1266025207620918"
    assert action.platform is None
    assert action.audience == "anyone"
    assert action.situations == []
    assert not action.jurisdictions.exists()
    assert "510058597920541" in action.text("caveat", "en", fallback=False)
    assert "unverified" in action.text("caveat", "en", fallback=False)
    assert "does not offer access, download, correction or deletion" in action.text("summary", "en", fallback=False)
    assert "three options" not in action.text("summary", "en", fallback=False)


def test_it_gives_the_exact_off_meta_menu_paths():
    facebook = Step.objects.get(slug="off-meta-facebook-open").text("body", "en", fallback=False)
    instagram = Step.objects.get(slug="off-meta-instagram-open").text("body", "en", fallback=False)
    assert (
        "Settings & privacy > Settings > Accounts Center > Your information and permissions > "
        "Your activity off Meta technologies"
    ) in facebook
    assert "Accounts Center (at the top) > Account settings > Your information and permissions" in instagram


def test_it_has_source_and_date_on_every_step():
    for step in Step.objects.all():
        assert step.source_url.startswith("https://"), step.slug
        assert step.text("title", "de", fallback=False), step.slug
        assert step.text("body", "de", fallback=False), step.slug
        # A date is the day the step was checked against its source; a step nobody could check has none,
        # and is flagged.
        assert isinstance(step.last_verified_on, datetime.date) or step.unverified, step.slug


def test_no_step_claims_a_check_in_the_future_or_before_its_source():
    for step in Step.objects.exclude(last_verified_on=None):
        assert datetime.date(2024, 1, 1) <= step.last_verified_on <= datetime.date.today(), step.slug


def test_the_newer_facebook_form_is_a_flagged_alternative():
    step = Step.objects.get(slug="object-ai-facebook-newer-form")
    assert step.official_url == "https://www.facebook.com/help/contact/6359191084165019"
    assert step.unverified
    assert step.text("caveat", "en", fallback=False)
    assert step.text("caveat", "de", fallback=False)
    assert step.last_verified_on is None
    assert Action.objects.get(slug="object-ai-facebook").official_url == FACEBOOK_FORM


def test_off_site_activity_controls_are_split_by_region():
    for platform in ("facebook", "instagram"):
        old = Action.objects.get(slug=f"off-meta-activity-{platform}")
        new = Action.objects.get(slug=f"activity-other-businesses-{platform}")
        assert set(old.jurisdictions.values_list("slug", flat=True)) == {"gdpr", "none"}
        assert {"uk-gdpr", "us-state", "ccpa", "us-iowa", "us-none"} <= set(
            new.jurisdictions.values_list("slug", flat=True)
        )
        assert "gdpr" not in set(new.jurisdictions.values_list("slug", flat=True))
        assert old.text("caveat", "en", fallback=False).startswith("Unverified")
        assert new.text("caveat", "en", fallback=False).startswith("Unverified")
        assert "9 June 2026" in old.text("summary", "en", fallback=False)
        assert "9 June 2026" in new.text("summary", "en", fallback=False)


def test_the_ai_chats_for_ads_note_excludes_the_eu_and_the_uk():
    action = Action.objects.get(slug="ai-chats-for-ads")
    assert set(action.jurisdictions.values_list("slug", flat=True)) == {
        "ccpa",
        "none",
        "us-iowa",
        "us-none",
        "us-state",
    }
    assert "no setting to turn this off" in action.text("summary", "en", fallback=False)
    assert "EU, the UK and South Korea" in action.text("summary", "en", fallback=False)


def test_it_shows_a_caveat_on_every_unverified_step():
    unverified = Step.objects.filter(unverified=True)
    assert unverified.filter(slug="object-ai-facebook-in-app").exists()
    assert unverified.filter(slug="third-party-ai-later-version").exists()
    for step in unverified:
        assert step.text("caveat", "en", fallback=False), step.slug
        assert step.text("caveat", "de", fallback=False), step.slug


def test_it_marks_the_whatsapp_form_unverified():
    action = Action.objects.get(slug="rights-whatsapp")
    assert action.official_url == "https://www.whatsapp.com/contact/forms/382532939919295"
    assert action.text("caveat", "en", fallback=False).startswith("Unverified")
    assert action.steps.filter(unverified=True).exists()


def test_it_has_letters_in_every_language_of_the_site_for_every_request_and_escalation():
    from django.conf import settings

    filed = Action.objects.filter(kind__in=[ActionKind.REQUEST, ActionKind.ESCALATION])
    assert filed.count() == 8
    languages = {code for code, _name in settings.LANGUAGES}
    assert len(languages) == 9
    for action in filed:
        assert set(action.letter_templates.values_list("language", flat=True)) == languages, action.slug


def test_it_has_no_letters_for_settings_and_information():
    assert not LetterTemplate.objects.exclude(action__kind__in=[ActionKind.REQUEST, ActionKind.ESCALATION]).exists()


def test_it_keeps_unverified_out_of_letter_text():
    for letter in LetterTemplate.objects.all():
        text = f"{letter.subject}\n{letter.body}".lower()
        assert "unverified" not in text
        assert "nicht überprüft" not in text


def test_it_orders_objections_before_escalations():
    slugs = list(Action.objects.values_list("slug", flat=True))
    assert slugs[:2] == ["object-ai-facebook", "object-ai-instagram"]
    assert (
        slugs.index("third-party-ai-request") < slugs.index("off-meta-activity-facebook") < slugs.index("complaint-dpc")
    )


def test_it_translates_every_user_facing_text():
    for action in Action.objects.all():
        assert action.text("title", "de", fallback=False), action.slug
        assert action.text("summary", "de", fallback=False), action.slug
        assert bool(action.text("caveat", "en", fallback=False)) == bool(action.text("caveat", "de", fallback=False)), (
            action.slug
        )
        assert bool(action.text("legal_basis", "en", fallback=False)) == bool(
            action.text("legal_basis", "de", fallback=False)
        ), action.slug
    for jurisdiction in Jurisdiction.objects.all():
        assert jurisdiction.text("name", "de", fallback=False), jurisdiction.slug


def _render(slug: str, language: str, law: str, **person: str):
    template = LetterTemplate.objects.get(action__slug=slug, language=language)
    context = build_context(
        person={"name": "Sam Doe", "email": "sam@example.org", "country": "Texas", **person},
        controller={"name": "Meta Platforms, Inc.", "address": "1 Meta Way\nMenlo Park, CA 94025\nUSA"},
        law={"name": law, "legal_basis": "The data protection law that applies to you"},
        authority={"name": "Texas Attorney General"},
        language=language,
        today=datetime.date(2026, 11, 28),
    )
    return render_letter(template.subject, template.body, context)


@pytest.mark.parametrize("language", ["en", "de"])
def test_it_does_not_cite_gdpr_to_a_texan(language):
    letter = _render("third-party-ai-request", language, "US state law")
    text = f"{letter.subject}\n{letter.body}"
    assert "GDPR" not in text
    assert "DSGVO" not in text
    assert "Art. 12" not in text


def test_it_cites_gdpr_to_someone_in_the_eu():
    letter = _render("third-party-ai-request", "en", "GDPR")
    assert "Art. 12(3) GDPR" in letter.body


def test_it_reads_well_without_an_explanation():
    without = _render("object-ai-instagram", "en", "GDPR").body
    assert "How this processing affects me" not in without
    assert "\n\n\n" not in without
    with_it = _render("object-ai-instagram", "en", "GDPR", explanation="My photos show my children.").body
    assert "How this processing affects me: My photos show my children." in with_it


def test_it_cites_the_objection_articles():
    body = _render("object-ai-facebook", "en", "UK GDPR").body
    for article in ("Art. 21(1) UK GDPR", "Art. 18(1)(d) UK GDPR", "Art. 17(1)(c) UK GDPR", "Art. 12(3) UK GDPR"):
        assert article in body
    german = _render("object-ai-facebook", "de", "GDPR").body
    for article in ("Art. 21 Abs. 1 DSGVO", "Art. 18 Abs. 1 lit. d DSGVO", "Art. 17 Abs. 1 lit. c DSGVO"):
        assert article in german


def test_a_jurisdiction_with_a_rule_deadlines_cannot_apply_is_refused():
    from django.core.exceptions import ValidationError

    from requests_app.models import Jurisdiction

    jurisdiction = Jurisdiction.objects.get(slug="uk-gdpr")
    jurisdiction.holiday_calendar = "XX-NOWHERE"
    with pytest.raises(ValidationError, match="Unknown holiday calendar"):
        jurisdiction.full_clean()
    jurisdiction.holiday_calendar = "GB-SCT"
    jurisdiction.full_clean()


def test_the_whatsapp_letters_name_no_unverified_controller():
    """The EU controller of WhatsApp is unverified (GUIDE_FACTS.md): it stays out of the letter text."""
    for template in LetterTemplate.objects.filter(action__slug="rights-whatsapp"):
        assert "controller" not in template.body
        assert "controller" not in template.subject


@pytest.mark.parametrize(
    ("language", "objection", "copy"), [("en", "I object", "a copy"), ("de", "Ich widerspreche", "Kopie")]
)
def test_the_third_party_letter_leads_with_what_the_form_offers_now(language, objection, copy):
    """The form as it is now is for objecting to or restricting third-party information used for AI."""
    body = _render("third-party-ai-request", language, "US state law").body
    assert objection in body
    assert body.index(objection) < body.index(copy)


UNVERIFIED_IN_GUIDE_FACTS = [
    "https://www.facebook.com/help/contact/6359191084165019",  # the newer Facebook form
    "https://www.facebook.com/help/contact/510058597920541",  # the later third-party form
    "https://www.whatsapp.com/contact/forms/382532939919295",  # WhatsApp's general form
]


@pytest.mark.parametrize("url", UNVERIFIED_IN_GUIDE_FACTS)
def test_every_step_sending_people_to_an_unverified_address_is_flagged(url):
    steps = Step.objects.filter(official_url=url)
    assert steps.exists()
    for step in steps:
        assert step.unverified, step.slug
        assert step.text("caveat", "en", fallback=False), step.slug
        assert step.text("caveat", "de", fallback=False), step.slug


def test_the_brazilian_route_is_flagged_because_its_form_is_unconfirmed():
    step = Step.objects.get(slug="object-ai-brazil")
    assert step.unverified
    assert "https://www.gov.br/anpd/" in step.text("body", "en")
