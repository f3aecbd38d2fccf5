"""load_content: the guide as plain data, in a constant number of queries."""

from __future__ import annotations

import pytest

from requests_app.guide.content import content_version, load_content, read_content
from requests_app.models import Action, Step
from tests.factories.guide import make_action, make_jurisdiction, make_letter, make_meta_guide, make_platform

pytestmark = pytest.mark.django_db


def test_it_reads_the_whole_guide_in_eight_queries(django_assert_num_queries):
    make_meta_guide()
    # jurisdictions, regions, platforms, controllers, actions, + prefetch: jurisdictions, steps, letters
    with django_assert_num_queries(8):
        small = read_content("en")
    for number in range(30):
        make_action(f"more-{number}", steps=5, jurisdictions=[make_jurisdiction()], platform=make_platform())
    with django_assert_num_queries(8):
        large = read_content("en")
    assert len(large.actions) == len(small.actions) + 30


def test_it_keeps_the_snapshot_while_the_guide_is_unchanged(django_assert_num_queries):
    make_meta_guide()
    first = load_content("en")
    # Only the version check: the newest history record of the guide's tables.
    with django_assert_num_queries(1):
        again = load_content("en")
    assert again is first


def test_any_edit_to_the_guide_gives_a_fresh_snapshot():
    guide = make_meta_guide()
    before = load_content("en")
    step = Step.objects.first()
    step.set_text("en", title="A title an editor just changed")
    after = load_content("en")
    assert after is not before
    assert "A title an editor just changed" in [s.title for a in after.actions for s in a.steps]
    # A deletion is an edit too.
    Action.objects.get(slug="off-meta-activity-facebook").delete()
    assert "off-meta-activity-facebook" not in [a.slug for a in load_content("en").actions]
    assert guide


def test_each_language_has_its_own_snapshot():
    make_meta_guide()
    assert load_content("de").region("germany").name == "Deutschland"
    assert load_content("en").region("germany").name == "Germany"
    assert load_content("de").region("germany").name == "Deutschland"


def test_the_version_is_empty_without_content():
    assert content_version() == ""


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


def test_the_version_is_the_newest_history_record():
    make_meta_guide()
    step = Step.objects.first()
    step.set_text("en", title="Newest")
    newest = step.texts.get(language="en").history.latest("history_date").history_date
    assert content_version() == newest.isoformat()


def test_with_a_ttl_the_version_is_read_once_then_trusted(settings, django_assert_num_queries):
    settings.GUIDE_VERSION_TTL = 60
    make_meta_guide()
    load_content("en")
    with django_assert_num_queries(0):
        load_content("en")


def test_an_edit_in_this_process_is_seen_at_once_despite_the_ttl(settings):
    settings.GUIDE_VERSION_TTL = 60
    make_meta_guide()
    load_content("en")
    step = Step.objects.first()
    step.set_text("en", title="Changed just now")
    assert "Changed just now" in [s.title for a in load_content("en").actions for s in a.steps]
