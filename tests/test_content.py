"""load_content: the guide as plain data, in a constant number of queries."""

from __future__ import annotations

import pytest

from requests_app.content import load_content

from .factories import make_action, make_jurisdiction, make_letter, make_meta_guide, make_platform

pytestmark = pytest.mark.django_db


def test_it_reads_the_whole_guide_in_eight_queries(django_assert_num_queries):
    make_meta_guide()
    # jurisdictions, regions, platforms, controllers, actions, + prefetch: jurisdictions, steps, letters
    with django_assert_num_queries(8):
        small = load_content("en")
    for number in range(30):
        make_action(f"more-{number}", steps=5, jurisdictions=[make_jurisdiction()], platform=make_platform())
    with django_assert_num_queries(8):
        large = load_content("en")
    assert len(large.actions) == len(small.actions) + 30


def test_it_resolves_text_in_the_language_asked_for(django_assert_num_queries):
    guide = make_meta_guide()
    german = load_content("de")
    assert german.region("germany").name == "Deutschland"
    assert german.jurisdictions["gdpr"].authority_name == "Datenschutzkommission (Irland)"
    objection = next(a for a in german.actions if a.slug == "object-ai-facebook")
    assert objection.title.startswith("Widersprich")
    assert objection.letter.language == "de"
    assert guide["actions"]["object-ai-facebook"].text("title", "en") != objection.title


def test_it_falls_back_to_english_text_and_letters():
    make_meta_guide()
    german = load_content("de")
    region = german.region("us-texas")
    assert region.name == "Texas"
    whatsapp = next(a for a in german.actions if a.slug == "rights-whatsapp")
    assert whatsapp.letter.language == "en"


def test_it_has_no_letter_for_an_action_without_templates():
    make_meta_guide()
    content = load_content("en")
    assert next(a for a in content.actions if a.slug == "ai-threads").letter is None


def test_it_keeps_steps_in_order_and_jurisdictions_and_controllers():
    make_meta_guide()
    content = load_content("en")
    objection = next(a for a in content.actions if a.slug == "object-ai-instagram")
    assert [s.slug for s in objection.steps] == ["object-ai-instagram-1", "object-ai-instagram-2"]
    assert objection.jurisdictions == {"gdpr", "uk-gdpr"}
    assert objection.platform == "instagram"
    assert content.controllers[("instagram", "gdpr")].name == "Meta Platforms Ireland Limited"
    assert content.controllers[("instagram", "uk-gdpr")].name == "Meta Platforms, Inc."


def test_it_ignores_malformed_form_fields():
    action = make_action("odd", form_fields=[{"label_en": "A", "value": "x"}, "junk", 3])
    make_letter(action)
    content = load_content("en")
    assert content.actions[0].form_fields == ({"label_en": "A", "value": "x"},)
