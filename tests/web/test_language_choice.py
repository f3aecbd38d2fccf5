"""Which language a page is in: the browser's on a first visit, then the visitor's choice; `?lang=`
for one page; the switcher, `<html lang>` and the hreflang alternates, for all nine languages."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings
from django.utils import translation

from tests.factories.accounts import make_user
from tests.factories.languages import NINE, NINE_CODES, TWO
from tests.factories.tracking import make_guide

LOCAL_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "français",
    "es": "español",
    "it": "italiano",
    "nl": "Nederlands",
    "pl": "polski",
    "pt": "Português",
    "sv": "svenska",
}
# Pages anyone can open, an allauth page and an error page among them.
PAGES = [
    "/",
    "/start/",
    "/start/check/",
    "/plan/",
    "/verify/",
    "/accounts/login/",
    "/accounts/signup/",
    "/no-such-page/",
]


def _skip_link(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Skip to main content")


def _html_lang(body: str) -> str:
    return re.search(r'<html lang="([^"]+)"', body).group(1)


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
@pytest.mark.parametrize("language", NINE_CODES)
@pytest.mark.parametrize("path", PAGES)
def test_the_browsers_language_picks_the_page_language(client, path, language):
    make_guide()
    response = client.get(path, headers={"accept-language": f"{language},en;q=0.5"}, follow=True)
    assert response.status_code == (404 if path == "/no-such-page/" else 200)
    body = response.content.decode()
    assert _html_lang(body) == language
    assert response["Content-Language"] == language
    if language != "en" and path != "/no-such-page/":  # the error page has no skip link
        assert _skip_link(language) in body
        assert _skip_link("en") not in body


@override_settings(LANGUAGES=TWO)
@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_a_language_not_enabled_falls_back_to_english(client, path):
    """French is translated but not switched on (LANGUAGES=TWO): a French browser reads English."""
    make_guide()
    body = client.get(path, headers={"accept-language": "fr"}, follow=True).content.decode()
    assert _html_lang(body) == "en"


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
def test_the_visitors_choice_wins_over_the_browser(client, settings):
    make_guide()
    response = client.post("/i18n/setlang/", {"language": "pl", "next": "/verify/"})
    assert response.status_code == 302
    assert response["Location"] == "/verify/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    body = client.get("/verify/", headers={"accept-language": "de"}).content.decode()
    assert _html_lang(body) == "pl"


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
@pytest.mark.parametrize("code", ["xx", "", "de-xx'><script>", "english"])
def test_an_unknown_choice_keeps_the_language_and_never_fails(client, settings, code):
    make_guide()
    response = client.post("/i18n/setlang/", {"language": code, "next": "/"})
    assert response.status_code == 302
    # (Django stores "english" all the same, since gettext reads it as an alias of "en"; it is never used.)
    assert client.cookies.get(settings.LANGUAGE_COOKIE_NAME) is None or code == "english"
    body = client.get("/", headers={"accept-language": "it"}).content.decode()
    assert _html_lang(body) == "it"


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
def test_an_unknown_language_cookie_reads_as_the_browsers(client, settings):
    make_guide()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get("/", headers={"accept-language": "nl"})
    assert response.status_code == 200
    assert _html_lang(response.content.decode()) == "nl"


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
def test_the_switcher_lists_every_language_in_its_own_name(client):
    make_guide()
    body = client.get("/", headers={"accept-language": "fr"}).content.decode()
    buttons = re.findall(
        r'<button type="submit" name="language" value="([a-z]+)" lang="([a-z]+)"[^>]*>([^<]+)</button>', body
    )
    assert [(value, lang, name) for value, lang, name in buttons] == [
        (code, code, LOCAL_NAMES[code]) for code in NINE_CODES
    ]
    current = re.findall(r'value="([a-z]+)" lang="[a-z]+" class="language-choice" aria-current="true"', body)
    assert current == ["fr"]
    assert 'action="/i18n/setlang/" method="post"' in body


@override_settings(LANGUAGES=TWO)
@pytest.mark.django_db
def test_the_switcher_lists_only_the_enabled_languages(client):
    make_guide()
    body = client.get("/", headers={"accept-language": "de"}).content.decode()
    assert re.findall(r'name="language" value="([a-z]+)"', body) == ["en", "de"]
    assert re.findall(r'value="([a-z]+)" lang="[a-z]+" class="language-choice" aria-current="true"', body) == ["de"]


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
def test_lang_in_the_url_shows_that_page_in_that_language(client, settings):
    make_guide()
    response = client.get("/verify/?lang=sv", headers={"accept-language": "de"})
    assert _html_lang(response.content.decode()) == "sv"
    assert response["Content-Language"] == "sv"
    # For that page only: the next one is in the browser's language again, and no cookie was set.
    assert _html_lang(client.get("/verify/", headers={"accept-language": "de"}).content.decode()) == "de"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@override_settings(LANGUAGES=TWO)
@pytest.mark.django_db
@pytest.mark.parametrize("value", ["fr", "xx", "", "DE'", "de&lang=fr"])
def test_lang_naming_no_enabled_language_is_ignored(client, value):
    make_guide()
    response = client.get(f"/?lang={value}", headers={"accept-language": "de"})
    assert response.status_code == 200
    assert _html_lang(response.content.decode()) == "de"


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
def test_the_switcher_returns_to_the_page_without_its_lang(client):
    make_guide()
    body = client.get("/verify/?lang=es&x=1", headers={"accept-language": "de"}).content.decode()
    assert '<input name="next" type="hidden" value="/verify/?x=1">' in body


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
@pytest.mark.parametrize("path", ["/", "/start/", "/verify/", "/plan/"])
def test_public_pages_link_to_each_language(client, path):
    make_guide()
    response = client.get(path, follow=True)
    final = response.request["PATH_INFO"]
    links = re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">', response.content.decode())
    assert links == [(code, f"http://testserver{final}?lang={code}") for code in NINE_CODES] + [
        ("x-default", f"http://testserver{final}")
    ]


@override_settings(LANGUAGES=TWO)
@pytest.mark.django_db
def test_alternates_list_only_the_enabled_languages(client):
    make_guide()
    links = re.findall(r'hreflang="([a-z-]+)"', client.get("/").content.decode())
    assert links == ["en", "de", "x-default"]


@pytest.mark.django_db
@override_settings(LANGUAGES=NINE)
@pytest.mark.parametrize("path", ["/requests/", "/account/", "/accounts/email/", "/no-such-page/"])
def test_private_and_error_pages_have_no_alternates(client, path):
    make_guide()
    client.force_login(make_user())
    body = client.get(path).content.decode()
    assert "hreflang" not in body
    assert "<html lang=" in body
