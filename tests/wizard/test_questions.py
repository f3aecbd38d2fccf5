"""The /start/ wizard: one question a page, server-enforced order, errors, check your answers."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_app.models import Region
from requests_app.wizard import choices, plan_session
from tests.factories.guide import make_answers, make_meta_guide, make_region, store_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def guide():
    return make_meta_guide()


def answers_of(client) -> dict:
    return plan_session.answers(client.session)


def test_it_starts_at_the_first_question(client):
    response = client.get("/start/")
    assert response.status_code == 302
    assert response["Location"] == "/start/where/"


def test_it_resumes_at_check_your_answers_when_everything_is_answered(client):
    store_answers(client, make_answers())
    assert client.get("/start/")["Location"] == "/start/check/"


def test_it_asks_where_you_live_with_every_region_kind(client):
    response = client.get("/start/where/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_country" class="label-heading">Where do you live?</label>' in html
    assert 'aria-describedby="id_country_helptext"' in html
    for value in ("germany", "norway", "united-kingdom", "us", "another-country"):
        assert f'value="{value}"' in html
    # US states are asked on their own page, not in the country list.
    assert 'value="us-texas"' not in html
    assert 'href="/" class="back-link"' in html
    assert ">Continue</button>" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_country_list_follows_the_guide_and_the_language(client):
    """The choices are built once per guide snapshot and language (choices.guide_choices), never stale."""
    assert ">Germany</option>" in client.get("/start/where/").content.decode()
    germany = Region.objects.get(slug="germany")
    make_region("iceland", name_en="Iceland", name_de="Island", kind="eu_eea", jurisdiction=germany.jurisdiction)
    html = client.get("/start/where/").content.decode()
    assert ">Iceland</option>" in html
    assert ">Select a country</option>" in html
    german = client.get("/start/where/", headers={"accept-language": "de"}).content.decode()
    assert ">Island</option>" in german
    assert ">Select a country</option>" not in german
    assert ">Iceland</option>" in client.get("/start/where/").content.decode()


def test_countries_are_in_the_order_of_the_readers_alphabet(client):
    gdpr = Region.objects.get(slug="germany").jurisdiction
    for slug, english, german in (("austria", "Austria", "Österreich"), ("denmark", "Denmark", "Dänemark")):
        make_region(slug, name_en=english, name_de=german, kind="eu_eea", jurisdiction=gdpr)
    german = client.get("/start/where/", headers={"accept-language": "de"}).content.decode()
    europe = re.findall(
        r'<option value="[a-z-]+">([^<]+)</option>', german.split('label="Europa"')[1].split("</optgroup>")[0]
    )
    assert europe == sorted(europe, key=choices.alphabetical)
    assert europe.index("Dänemark") < europe.index("Deutschland")
    assert europe.index("Norwegen") < europe.index("Österreich") < europe.index("Vereinigtes Königreich")
    english = client.get("/start/where/").content.decode()
    assert english.index(">Austria<") < english.index(">Denmark<") < english.index(">Germany<")


def test_the_alphabetical_key_files_every_letter_under_its_base_letter():
    names = ["Zypern", "Österreich", "Großbritannien", "Grönland", "Dänemark", "Deutschland", "Færøer", "Łódź"]
    assert sorted(names, key=choices.alphabetical) == [
        "Dänemark",
        "Deutschland",
        "Færøer",
        "Grönland",
        "Großbritannien",
        "Łódź",
        "Österreich",
        "Zypern",
    ]
    assert choices.alphabetical("Großbritannien")[0] == "grossbritannien"
    assert sorted(["Ärger", "Arger", "arger"], key=choices.alphabetical) == ["Arger", "arger", "Ärger"]


def test_it_goes_through_every_question_in_order(client):
    steps = [
        ("/start/where/", {"country": "us"}, "/start/state/"),
        ("/start/state/", {"us_state": "us-texas"}, "/start/platforms/"),
        ("/start/platforms/", {"platforms": ["facebook", "instagram"]}, "/start/accounts/"),
        (
            "/start/accounts/",
            {"has_facebook": "yes", "count_facebook": "1", "has_instagram": "yes", "count_instagram": "2"},
            "/start/situation/",
        ),
        ("/start/situation/", {"situations": ["in_others_posts"]}, "/start/details/"),
        (
            "/start/details/",
            {
                "name": "Tex",
                "email": "tex@example.org",
                "handle_facebook_1": "fb",
                "handle_instagram_1": "@one",
                "handle_instagram_2": "@two",
            },
            "/start/check/",
        ),
    ]
    for url, data, following in steps:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
        assert response["Location"] == following
    stored = answers_of(client)
    assert stored["us_state"] == "us-texas"
    assert stored["accounts"] == {"facebook": 1, "instagram": 2}
    assert stored["handles"] == {"facebook": ["fb"], "instagram": ["@one", "@two"]}
    assert client.get("/start/check/").status_code == 200


def test_it_does_not_ask_for_a_state_outside_the_us(client):
    client.post("/start/where/", {"country": "germany"})
    assert client.get("/start/state/")["Location"] == "/start/platforms/"


def test_it_skips_the_accounts_question_with_no_platform(client):
    store_answers(client, {"country": "germany"})
    response = client.post("/start/platforms/", {"platforms": ["none"]})
    assert response["Location"] == "/start/situation/"
    assert client.get("/start/accounts/")["Location"] == "/start/situation/"


@pytest.mark.parametrize("url", ["/start/platforms/", "/start/situation/", "/start/details/", "/start/check/"])
def test_it_refuses_to_skip_ahead(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/start/where/"


def test_it_sends_a_skipper_to_the_first_unanswered_question(client):
    store_answers(client, {"country": "germany", "platforms": ["instagram"]})
    assert client.get("/start/details/")["Location"] == "/start/accounts/"
    assert client.post("/start/details/", {"name": "x"})["Location"] == "/start/accounts/"


def test_it_answers_404_for_an_unknown_question(client):
    assert client.get("/start/nonsense/").status_code == 404


def test_it_refuses_other_methods(client):
    assert client.put("/start/where/").status_code == 405
    assert client.get("/start/again/").status_code == 405


def test_it_prefills_answers_when_going_back(client):
    store_answers(client, make_answers())
    assert 'value="germany" selected' in client.get("/start/where/").content.decode()
    platforms = client.get("/start/platforms/").content.decode()
    assert 'value="facebook" checked' in platforms
    assert 'value="threads" checked' not in platforms
    accounts = client.get("/start/accounts/").content.decode()
    assert 'name="count_instagram" value="2"' in accounts
    details = client.get("/start/details/").content.decode()
    assert 'value="@anna_cats"' in details
    assert "My posts show my children." in details


def test_it_links_back_to_the_previous_question(client):
    store_answers(client, make_answers())
    assert 'href="/start/situation/" class="back-link"' in client.get("/start/details/").content.decode()
    assert 'href="/start/details/" class="back-link"' in client.get("/start/check/").content.decode()


def test_it_shows_an_error_summary_and_a_field_message_when_nothing_is_chosen(client):
    response = client.post("/start/where/", {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Where do you live?" in html
    assert 'class="error-summary" role="alert"' in html
    assert '<a href="#id_country">Select the country where you live</a>' in html
    assert 'id="id_country_error" class="error-message"' in html
    assert 'aria-describedby="id_country_helptext id_country_error"' in html
    assert 'aria-invalid="true"' in html
    assert answers_of(client) == {}


def test_it_refuses_a_country_that_is_not_in_the_list(client):
    html = client.post("/start/where/", {"country": "atlantis"}).content.decode()
    assert "Select a country from the list" in html


def test_it_refuses_platforms_and_none_together(client):
    store_answers(client, {"country": "germany"})
    html = client.post("/start/platforms/", {"platforms": ["facebook", "none"]}).content.decode()
    assert '<a href="#id_platforms_0">Select platforms, or select “None of these”, not both</a>' in html
    # What was ticked stays ticked.
    assert 'value="facebook" checked' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"has_facebook": "yes", "has_instagram": "no"}, "Enter how many Facebook accounts you have, from 1 to 10"),
        (
            {"has_facebook": "yes", "count_facebook": "11", "has_instagram": "no"},
            "Enter a number of accounts from 1 to 10",
        ),
        (
            {"has_facebook": "yes", "count_facebook": "0", "has_instagram": "no"},
            "Enter a number of accounts from 1 to 10",
        ),
        ({"has_facebook": "yes", "count_facebook": "two", "has_instagram": "no"}, "as a whole number, like 2"),
        ({"has_facebook": "yes", "count_facebook": "1"}, "Select yes if you have an account on Instagram"),
        ({"has_facebook": "maybe", "has_instagram": "no"}, "Select yes or no"),
    ],
)
def test_it_refuses_a_wrong_account_answer(client, data, message):
    store_answers(client, {"country": "germany", "platforms": ["facebook", "instagram"]})
    response = client.post("/start/accounts/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "There is a problem" in html
    if "count_facebook" in data:
        assert f'value="{data["count_facebook"]}"' in html


def test_it_ignores_the_count_of_a_platform_without_an_account(client):
    store_answers(client, {"country": "germany", "platforms": ["facebook"]})
    client.post("/start/accounts/", {"has_facebook": "no", "count_facebook": "99"})
    assert answers_of(client)["accounts"] == {"facebook": 0}


def test_it_needs_a_situation_or_none(client):
    store_answers(client, {"country": "germany", "platforms": []})
    html = client.post("/start/situation/", {}).content.decode()
    assert "Select what applies to you, or select “None of these”" in html
    assert client.post("/start/situation/", {"situations": ["none"]})["Location"] == "/start/details/"
    assert answers_of(client)["situations"] == []


def details_data(**overrides) -> dict:
    data = {
        "name": "Anna",
        "email": "anna@example.org",
        "handle_facebook_1": "fb",
        "handle_instagram_1": "@a",
        "handle_instagram_2": "@b",
        "explanation": "",
    }
    data.update(overrides)
    return data


def test_it_asks_for_one_handle_per_account(client):
    store_answers(client, make_answers(name="", handles={}))
    html = client.get("/start/details/").content.decode()
    assert "Facebook account: username or profile link" in html
    assert "Instagram account 1: username or profile link" in html
    assert "Instagram account 2: username or profile link" in html
    assert "particular situation" in html


@pytest.mark.parametrize(
    ("overrides", "link", "message"),
    [
        ({"name": ""}, "id_name", "Enter your full name"),
        ({"email": "not-an-address"}, "id_email", "Enter an email address in the correct format"),
        ({"handle_instagram_2": " "}, "id_handle_instagram_2", "Enter the username or profile link of this Instagram"),
        ({"name": "x" * 201}, "id_name", "This must be 200 characters or fewer (you entered 201)."),
        ({"explanation": "y" * 2001}, "id_explanation", "This must be 2000 characters or fewer (you entered 2001)."),
    ],
)
def test_it_refuses_wrong_details_and_keeps_what_was_typed(client, overrides, link, message):
    store_answers(client, make_answers(name="", handles={}))
    data = details_data(**overrides)
    html = client.post("/start/details/", data).content.decode()
    assert f'<a href="#{link}">{message}' in html
    assert f'id="{link}_error"' in html
    if overrides.get("explanation"):
        assert data["explanation"] in html
    assert 'value="@a"' in html


def test_it_takes_an_explanation_of_exactly_2000_characters(client):
    store_answers(client, make_answers(name="", handles={}))
    response = client.post("/start/details/", details_data(explanation="z" * 2000))
    assert response["Location"] == "/start/check/"
    assert len(answers_of(client)["explanation"]) == 2000


def test_it_never_turns_typed_text_into_markup(client):
    store_answers(client, make_answers(name="", handles={}))
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    client.post("/start/details/", details_data(name=evil, explanation=evil, handle_facebook_1=evil))
    html = client.get("/start/check/").content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    # Re-rendered in the form as an attribute value, still inert.
    details = client.get("/start/details/").content.decode()
    assert 'value="&lt;script&gt;' in details


def test_it_lists_every_answer_with_a_change_link(client):
    store_answers(client, make_answers())
    html = client.get("/start/check/").content.decode()
    for text in (
        "Germany",
        "Facebook: 1 account",
        "Instagram: 2 accounts",
        "Some of my posts, photos or comments are public",
        "Anna Muster",
        "anna@example.org",
        "@anna_cats",
        "My posts show my children.",
    ):
        assert text in html
    for question in ("where", "platforms", "accounts", "situation", "details"):
        assert f'href="/start/{question}/?return=check"' in html
    assert 'action="/start/again/"' in html


def test_it_returns_to_check_your_answers_after_a_change(client):
    store_answers(client, make_answers())
    response = client.post("/start/situation/?return=check", {"situations": ["meta_ai_showed_info"]})
    assert response["Location"] == "/start/check/"
    assert 'href="/start/check/" class="back-link"' in client.get("/start/situation/?return=check").content.decode()


def test_it_asks_what_a_change_makes_necessary_before_returning(client):
    store_answers(client, make_answers())
    response = client.post("/start/where/?return=check", {"country": "us"})
    assert response["Location"] == "/start/state/?return=check"
    assert client.post("/start/state/?return=check", {"us_state": "us-iowa"})["Location"] == "/start/check/"
    response = client.post("/start/platforms/?return=check", {"platforms": ["facebook", "instagram", "whatsapp"]})
    assert response["Location"] == "/start/accounts/?return=check"
    response = client.post(
        "/start/accounts/?return=check",
        {
            "has_facebook": "yes",
            "count_facebook": "2",
            "has_instagram": "yes",
            "count_instagram": "2",
            "has_whatsapp": "no",
        },
    )
    # A second Facebook account needs its handle.
    assert response["Location"] == "/start/details/?return=check"


def test_it_forgets_the_state_when_moving_out_of_the_us(client):
    store_answers(client, make_answers(country="us", us_state="us-texas"))
    client.post("/start/where/", {"country": "united-kingdom"})
    assert "us_state" not in answers_of(client)


def test_it_starts_again(client):
    store_answers(client, make_answers(), done=["x"])
    response = client.post("/start/again/")
    assert response["Location"] == "/start/"
    assert client.session.get("plan") is None
    assert client.get("/start/")["Location"] == "/start/where/"


def test_it_resets_a_stale_answer_that_the_content_no_longer_has(client):
    store_answers(client, make_answers(country="atlantis"))
    assert client.get("/start/")["Location"] == "/start/where/"


def test_an_answer_checked_before_is_checked_again_once_the_guide_changes(client):
    store_answers(client, make_answers())
    assert client.get("/start/")["Location"] == "/start/check/"  # every answer checked, and kept as valid
    region = Region.objects.get(slug="germany")
    region.slug = "deutschland"
    region.save()  # as an editor would in admin: the guide's version moves on
    assert client.get("/start/")["Location"] == "/start/where/"


def test_it_speaks_german(client):
    client.cookies["django_language"] = "de"
    response = client.get("/start/where/", headers={"accept-language": "de"})
    html = response.content.decode()
    assert "Wo wohnen Sie?" in html
    assert "Weiter" in html


QUESTION_URLS = [
    "/start/where/",
    "/start/state/",
    "/start/platforms/",
    "/start/accounts/",
    "/start/situation/",
    "/start/details/",
]
FIELDS = [
    "country",
    "us_state",
    "platforms",
    "has_facebook",
    "count_facebook",
    "has_instagram",
    "count_instagram",
    "situations",
    "name",
    "email",
    "handle_facebook_1",
    "explanation",
]


@pytest.mark.slow  # hypothesis
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    url=st.sampled_from(QUESTION_URLS),
    data=st.dictionaries(
        st.sampled_from(FIELDS),
        st.one_of(st.text(max_size=300), st.lists(st.text(max_size=20), max_size=3)),
        max_size=6,
    ),
)
def test_it_never_fails_on_arbitrary_input(url, data):
    client = Client()
    store_answers(client, make_answers(country="us", us_state="us-texas"))
    cleaned = {
        k: [v.replace("\x00", "") for v in val] if isinstance(val, list) else val.replace("\x00", "")
        for k, val in data.items()
    }
    response = client.post(url, cleaned)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()


def test_a_name_with_a_control_character_is_refused_at_its_field(client):
    store_answers(client, make_answers())
    response = client.post("/start/details/", {"name": "Anna\x1bMuster", "email": "anna@example.org"})
    page = response.content.decode()
    assert response.status_code == 200  # the question again, answered at the field
    assert "Line 1 holds an invisible control character (U+001B): remove it." in page
    assert answers_of(client)["name"] == "Anna Muster"
