"""The shipped Meta guide as a person sees it on /plan/: region-specific settings, the AI-ads note,
honest "checked against" lines, and no words meant for editors, in English and German."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils.html import strip_tags

from requests_app.guide.yaml_io import load_guide
from requests_app.models import Action, Region
from tests.factories.guide import make_answers, store_answers

pytestmark = pytest.mark.django_db

ALL_PLATFORMS = {
    "platforms": ["facebook", "instagram", "threads", "whatsapp", "messenger"],
    "accounts": {"facebook": 1, "instagram": 1, "threads": 1, "whatsapp": 1, "messenger": 1},
    "handles": {"facebook": ["fb"], "instagram": ["@ig"], "threads": ["@th"], "whatsapp": ["+1"], "messenger": ["m"]},
    "situations": ["public_posts", "in_others_posts", "meta_ai_showed_info"],
}
# Phrases addressed to the people who keep the guide, never to visitors.
EDITOR_ONLY = re.compile(
    r"(?i:\beditors?\b|\bre-?check(ed)? (it )?(live )?before|(verify|check|confirm)\w* (it |this )?before publish"
    r"|before publishing|\bpublishing\b|internal note|for editors|leave (it )?flagged|\bflagged for\b"
    r"|Redaktion|vor (der )?Veröffentlich|vor dem Veröffentlichen|Redakteur)"
    r"|\bTODO\b|\bFIXME\b|\bXXX\b"
)
OLD_SETTING = "Your activity off Meta technologies"
AI_ADS_EN = "Your conversations with Meta AI are used for ads, with no opt-out"
AI_ADS_DE = "Ihre Gespräche mit Meta AI werden für Werbung genutzt"


@pytest.fixture(autouse=True)
def guide():
    load_guide()


def _plan(client, language: str = "en", **answers) -> str:
    store_answers(client, make_answers(**{**ALL_PLATFORMS, **answers}))
    response = client.get("/plan/", headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


def _texas(client, language: str = "en") -> str:
    return _plan(client, language, country="us", us_state="us-texas")


def test_a_person_in_texas_is_sent_to_activity_from_other_businesses(client):
    html = _texas(client)
    assert "Stop Meta using your activity from other businesses on Facebook" in html
    assert (
        "Accounts Center &gt; Your information and permissions (or Ad preferences) &gt; Activity from other businesses"
        in html
    )
    assert "Disconnect your activity off Meta technologies" not in html


def test_a_person_in_texas_sees_the_old_setting_only_as_removed(client):
    text = strip_tags(_texas(client))
    for sentence in re.split(r"(?<=\.)\s", text):
        if OLD_SETTING in sentence:
            assert "removing" in sentence or "still see" in sentence, sentence


def test_a_person_in_germany_keeps_the_old_setting_with_a_caveat(client):
    html = _plan(client)
    assert "Disconnect your activity off Meta technologies on Facebook" in html
    assert "Stop Meta using your activity from other businesses" not in html
    assert "copy of 22 August 2026" in html


def test_the_uk_gets_the_new_setting(client):
    html = _plan(client, country="united-kingdom")
    assert "Stop Meta using your activity from other businesses on Instagram" in html
    assert "Disconnect your activity off Meta technologies" not in html


def test_the_ai_ads_note_appears_for_a_us_plan(client):
    html = _texas(client)
    assert AI_ADS_EN in html
    assert "16 December 2025" in html
    assert "the only way to avoid it is not to use Meta AI" in html


def test_the_ai_ads_note_does_not_appear_for_germany_or_the_uk(client):
    assert AI_ADS_EN not in _plan(client)
    assert AI_ADS_EN not in _plan(client, country="united-kingdom")


def test_the_ai_ads_note_is_in_german_for_a_german_speaker_in_the_us(client):
    html = _texas(client, "de")
    assert AI_ADS_DE in html
    assert "16. Dezember 2025" in html


def test_the_german_plan_tells_the_2025_story_and_offers_the_newer_form_as_flagged(client):
    html = _plan(client)
    assert "27 May 2025" in html
    assert "15 UKl 2/25" in html
    assert "https://www.facebook.com/help/contact/6359191084165019" in html
    newer = html[html.index("If the form does not open, try the newer link") :]
    assert "Not yet checked in the app." in newer[:3000]


def test_each_step_says_what_it_was_checked_against(client):
    html = _plan(client)
    assert (
        'Checked against <a href="https://github.com/datenanfragen/website/commit/fc5a0da5">Datenanfragen.de</a> on'
        in html
    )
    assert ">dataprotection.ie</a> on 21 May 2025." in html
    assert ">Open Terms Archive</a> on 3 December 2026." in html
    assert "Last checked on" not in html


def test_the_german_page_says_it_in_german(client):
    html = _plan(client, "de")
    assert "Überprüft anhand von <a href=" in html
    assert "Noch nicht in der App überprüft." in html


def test_another_country_gets_switzerland_brazil_and_an_honest_plan(client):
    html = _plan(client, country="another-country")
    assert (
        "In Switzerland, use Meta&#x27;s objection forms" in html
        or "In Switzerland, use Meta's objection forms" in html
    )
    assert "Art. 30(2)(b) and Art. 32(2)" in html
    assert "https://www.gov.br/anpd/" in html
    assert "Meta told the Senate in September 2024 that people cannot opt out" in html
    assert "Where you can object outside the EU" not in _plan(client)


def test_the_third_party_form_is_described_as_it_is_now(client):
    html = _plan(client)
    assert "does not offer access, download, correction or deletion" in html
    assert "Earlier, in 2023, the form offered three options" in html


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("region", ["germany", "united-kingdom", "us-texas", "us-california", "another-country"])
def test_no_plan_shows_words_meant_for_editors(client, language, region):
    answers = {"country": "us", "us_state": region} if region.startswith("us-") else {"country": region}
    html = _plan(client, language, **answers)
    found = EDITOR_ONLY.search(strip_tags(html))
    assert found is None, f"{region}/{language}: {found.group(0)!r}"


def test_every_action_reaches_some_plan(client):
    """The editor-phrase test above covers every action: each one is in at least one of its plans."""
    seen = ""
    for region in ["germany", "united-kingdom", "us-texas", "us-california", "another-country"]:
        answers = {"country": "us", "us_state": region} if region.startswith("us-") else {"country": region}
        seen += _plan(client, **answers)
    missing = [a.slug for a in Action.objects.exclude(kind="escalation") if f'id="item-{a.slug}' not in seen]
    assert missing == []


def test_the_content_itself_has_no_editor_only_words():
    """Escalations are not in a plan; every shipped text row (every model, field and language) and every
    letter is checked here."""
    from requests_app.models import LetterTemplate
    from requests_app.models.guide import TEXT_MODELS

    checked = 0
    for model in TEXT_MODELS:
        for row in model.objects.all():
            for field in model.translated_fields():
                text = getattr(row, field)
                found = EDITOR_ONLY.search(text)
                assert found is None, f"{row} {field}: {found.group(0)!r} in {text[:80]!r}"
                checked += 1
    for letter in LetterTemplate.objects.all():
        assert EDITOR_ONLY.search(f"{letter.subject}\n{letter.body}") is None, letter
    assert checked > 100
    assert Region.objects.filter(slug="us-texas").exists()
