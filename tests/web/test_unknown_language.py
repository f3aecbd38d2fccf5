"""An unknown language code, wherever it comes from (`?lang=`, the language cookie, a form field),
gives the default language (English, settings.LANGUAGE_CODE), never an error: on every kind of page,
with the site's two languages and with all nine switched on. (A cookie whose first part is an
enabled language, "de-AT", reads as that language: Django's rule for variants.)"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings

from tests.factories.guide import make_answers, store_answers
from tests.factories.languages import NINE
from tests.factories.tracking import make_guide

pytestmark = pytest.mark.django_db

PAGES = ["/", "/start/", "/start/details/", "/plan/", "/verify/", "/accounts/login/", "/no-such-page/"]
CODES = ["xx", "", "zz-ZZ", "xx-de'><script>", "../../etc/passwd", "x" * 300, "%00", "fr;q=1", "EN_us"]
BOTH = [pytest.param(None, id="two-languages"), pytest.param(NINE, id="nine-languages")]


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def _get(client, path: str, **kwargs):
    response = client.get(path, follow=True, **kwargs)
    assert response.status_code in (200, 404), (path, response.status_code)
    return response


@pytest.fixture(params=BOTH)
def languages(request):
    if request.param is None:
        yield
    else:
        with override_settings(LANGUAGES=request.param):
            yield


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("code", CODES)
def test_an_unknown_lang_in_the_url_gives_the_default_language(client, languages, path, code):
    make_guide()
    response = _get(client, path, query_params={"lang": code})
    assert _html_lang(response) == settings.LANGUAGE_CODE
    assert response["Content-Language"] == settings.LANGUAGE_CODE


def test_repeated_or_odd_lang_parameters_never_fail(client, languages):
    make_guide()
    for query in ("lang=xx&lang=yy", "lang[]=de", "lang=%ff%fe", "lang=de%00", "lang"):
        response = _get(client, f"/?{query}")
        assert _html_lang(response) == settings.LANGUAGE_CODE


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("code", CODES)
def test_an_unknown_language_cookie_gives_the_default_language(client, languages, path, code):
    make_guide()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    response = _get(client, path)
    assert _html_lang(response) == settings.LANGUAGE_CODE


@pytest.mark.parametrize("code", ["de-AT", "de-xx'><script>"])
def test_a_cookie_naming_a_variant_of_an_enabled_language_reads_as_that_language(client, languages, code):
    """Django's rule (get_supported_language_variant): the cookie's first part is an enabled language.
    The cookie's value itself is never written into the page."""
    make_guide()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    response = _get(client, "/")
    assert _html_lang(response) == "de"
    assert "'><script>" not in response.content.decode()


@pytest.mark.parametrize("code", CODES)
def test_an_unknown_language_in_the_switcher_form_gives_the_default_language(client, languages, code):
    make_guide()
    response = client.post("/i18n/setlang/", {"language": code, "next": "/verify/"})
    assert response.status_code == 302
    assert _html_lang(_get(client, "/verify/")) == settings.LANGUAGE_CODE


@pytest.mark.parametrize("code", CODES)
def test_an_unknown_letter_language_in_the_details_form_is_refused_not_an_error(client, languages, code):
    make_guide()
    store_answers(client, make_answers(name=""))
    details = {"name": "Anna Muster", "email": "anna@example.org", "explanation": "", "letter_language": code}
    details |= {"handle_facebook_1": "facebook.com/anna", "handle_instagram_1": "@anna", "handle_instagram_2": "@b"}
    response = client.post("/start/details/", details)
    if code == "":
        # No choice: the page's language, as when the field is left alone.
        assert response.status_code == 302
        assert client.session["plan"]["answers"]["letter_language"] == settings.LANGUAGE_CODE
        return
    assert response.status_code == 200
    assert _html_lang(response) == settings.LANGUAGE_CODE
    assert "Select a language from the list" in response.content.decode()


@pytest.mark.parametrize("code", ["xx", "", 7, None, ["de"], {"de": 1}])
def test_an_unknown_letter_language_stored_in_a_plan_gives_the_pages_language(client, languages, code):
    make_guide()
    store_answers(client, make_answers(letter_language=code))
    assert _get(client, "/start/details/").status_code == 200
    assert _get(client, "/start/check/").status_code == 200
    response = _get(client, "/plan/")
    assert _html_lang(response) == settings.LANGUAGE_CODE
    assert "Widerspruch" not in response.content.decode()
    assert _get(client, "/plan.pdf").status_code == 200


def test_an_unknown_accept_language_gives_the_default_language(client, languages):
    make_guide()
    for header in ("xx", "xx-YY, zz;q=0.9", "*", ";;;", "de;q=abc", "x" * 500):
        response = _get(client, "/", headers={"accept-language": header})
        assert _html_lang(response) == settings.LANGUAGE_CODE
