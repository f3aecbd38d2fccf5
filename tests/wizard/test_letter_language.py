"""The letters' language: offered where every letter of the plan has a template, chosen once on the
details page (default: the page's), used by the plan page and frozen on a tracked request."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from requests_app.models import Plan, Submission
from requests_app.tracking.services import create_submission
from requests_app.wizard import letter_language
from tests.factories.guide import make_answers, make_letter, make_meta_guide, store_answers
from tests.factories.languages import NINE
from tests.factories.tracking import make_person

DETAILS = {
    "name": "Anna Muster",
    "email": "anna@example.org",
    "handle_facebook_1": "facebook.com/anna",
    "handle_instagram_1": "@anna",
    "handle_instagram_2": "@anna_cats",
    "explanation": "",
}


@pytest.fixture
def guide(db):
    guide = make_meta_guide()
    # Every request of the Germany plan has a German letter, the third-party request included.
    make_letter(guide["actions"]["third-party-ai-request"], "de", subject="Informationen Dritter", body="Ich frage.")
    return guide


def _options(body: str) -> list[tuple[str, bool]]:
    select = re.search(r'<select name="letter_language"[^>]*>(.*?)</select>', body, re.S).group(1)
    return [(value, bool(selected)) for value, selected in re.findall(r'<option value="([a-z]+)"( selected)?', select)]


def test_languages_are_offered_where_every_letter_exists(guide):
    assert letter_language.offered(make_answers()) == ["en", "de"]


def test_a_language_missing_one_letter_is_not_offered(guide):
    guide["actions"]["third-party-ai-request"].letter_templates.filter(language="de").delete()
    assert letter_language.offered(make_answers()) == ["en"]


@override_settings(LANGUAGES=NINE)
def test_a_language_is_offered_once_its_letters_exist(guide):
    assert letter_language.offered(make_answers()) == ["en", "de"]
    for slug in ("object-ai-facebook", "object-ai-instagram", "third-party-ai-request"):
        make_letter(guide["actions"][slug], "nl", subject="Bezwaar", body="Ik maak bezwaar.")
    assert letter_language.offered(make_answers()) == ["en", "de", "nl"]


@pytest.mark.parametrize(
    ("answer", "page", "expected"),
    [
        (None, "de", "de"),
        (None, "en", "en"),
        ("de", "en", "de"),
        ("xx", "de", "de"),
        (None, "da", "en"),
        (3, "de", "de"),
    ],
)
def test_the_chosen_language_is_the_answer_else_the_page(answer, page, expected):
    answers = {} if answer is None else {"letter_language": answer}
    assert letter_language.chosen(answers, page) == expected


def test_the_details_page_offers_them_and_defaults_to_the_page(client, guide):
    store_answers(client, make_answers(name="", letter_language=None))
    body = client.get("/start/details/", headers={"accept-language": "de"}).content.decode()
    assert _options(body) == [("en", False), ("de", True)]
    assert ">Deutsch</option>" in body
    assert ">English</option>" in body
    assert "Sprache Ihrer Briefe" in body
    assert 'id="letter-language-note"' not in body
    body = client.get("/start/details/", headers={"accept-language": "en"}).content.decode()
    assert _options(body) == [("en", True), ("de", False)]


@override_settings(LANGUAGES=NINE)
def test_a_page_language_without_letters_says_they_are_in_english(client, guide):
    store_answers(client, make_answers(name=""))
    body = client.get("/start/details/", headers={"accept-language": "fr"}).content.decode()
    assert _options(body) == [("en", True), ("de", False)]
    assert 'id="letter-language-note"' in body
    assert "français" in body  # the note names the page's language (in French)


def test_the_choice_is_kept_in_the_plans_answers(client, guide):
    store_answers(client, make_answers(name=""))
    response = client.post("/start/details/", {**DETAILS, "letter_language": "de"})
    assert response.status_code == 302
    assert client.session["plan"]["answers"]["letter_language"] == "de"


def test_no_choice_keeps_the_page_language(client, guide):
    store_answers(client, make_answers(name=""))
    client.post("/start/details/", DETAILS, headers={"accept-language": "de"})
    assert client.session["plan"]["answers"]["letter_language"] == "de"


@pytest.mark.parametrize("value", ["fr", "xx", "de'><b>"])
def test_a_language_not_offered_is_refused_at_the_field(client, guide, value):
    store_answers(client, make_answers(name=""))
    response = client.post("/start/details/", {**DETAILS, "letter_language": value})
    assert response.status_code == 200
    assert "Select a language from the list" in response.content.decode()
    assert "letter_language" not in client.session["plan"]["answers"]


def test_an_older_plan_without_a_choice_is_still_complete(client, guide):
    store_answers(client, make_answers())
    assert client.get("/plan/").status_code == 200


def test_the_plan_page_writes_the_letters_in_the_chosen_language(client, guide):
    store_answers(client, make_answers(letter_language="de"))
    body = client.get("/plan/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="en"' in body
    assert "Your plan" in body
    assert "ich widerspreche nach Art. 21 Abs. 1 GDPR" in body
    assert "I object under GDPR" not in body
    assert '<pre class="letter" lang="de"' in body
    # The form's labels are for the reader of the page.
    assert "Country of residence" in body
    # ...and the values are in the letter's language.
    assert "Deutschland" in body


def test_without_a_choice_the_letters_follow_the_page(client, guide):
    store_answers(client, make_answers())
    body = client.get("/plan/", headers={"accept-language": "en"}).content.decode()
    assert "I object under GDPR" in body
    assert "ich widerspreche" not in body
    assert '<pre class="letter" lang="en"' in body


def test_a_letter_without_a_template_in_the_chosen_language_is_english_with_a_note(client, guide):
    guide["actions"]["third-party-ai-request"].letter_templates.filter(language="de").delete()
    store_answers(client, make_answers(letter_language="de"))
    body = client.get("/plan/", headers={"accept-language": "en"}).content.decode()
    assert "ich widerspreche" in body
    assert "I, Anna Muster, ask what information about me" in body
    assert body.count("This letter is not available in the language you chose yet: it is in English.") == 1


def test_a_tracked_request_freezes_the_letters_language(guide):
    user = make_person(plan={"version": 1, "answers": make_answers(letter_language="de"), "done": []})
    plan_data = Plan.objects.get(user=user).data
    submission, created = create_submission(
        user=user,
        plan_data=plan_data,
        item_key="object-ai-facebook#1",
        language="en",
        letter_language=letter_language.chosen(plan_data["answers"], "en"),
    )
    assert created
    submission = Submission.objects.get(pk=submission.pk)
    assert submission.language == "de"
    assert submission.letter_body.startswith("An Meta Platforms Ireland Limited")
    # What the English pages show of it stays English.
    assert submission.action_title == "Object to Facebook using your information for AI"


def test_tracking_from_the_plan_uses_the_choice(client, guide):
    user = make_person(plan={"version": 1, "answers": make_answers(letter_language="de"), "done": []})
    client.force_login(user)
    response = client.post("/requests/track/", {"item": "object-ai-facebook#1"}, headers={"accept-language": "en"})
    assert response.status_code == 302
    submission = Submission.objects.get(user=user)
    assert submission.language == "de"
    assert "ich widerspreche" in submission.letter_body
