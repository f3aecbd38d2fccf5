"""Which language a page is in, and the links to the same page in the others.

The order Django's LocaleMiddleware already gives (the visitor's choice in the language cookie,
set by the switcher through `set_language`; else the browser's Accept-Language; else English),
plus one thing on top: `?lang=fr` on any URL shows that page in French, for this response only.
That parameter is what the `hreflang` alternates of public pages point at, so a search engine (or
a shared link) reaches each language without a cookie, while every URL the site has stays as it
is: i18n_patterns would have moved every page under /de/, /fr/..., and without a prefix for
English it makes an unprefixed URL English for everyone, whatever their browser asks for.

A code that is not an enabled language (settings.LANGUAGES) is ignored: the page is shown in the
language the visitor would have had anyway, never an error.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.utils import translation

LANGUAGE_PARAMETER = "lang"

# Pages anyone may find and share, the same for everyone in a language: these get alternates.
# Accounts, requests, evidence downloads and the admin are private (PrivateResponseMiddleware keeps
# them out of caches) and get none.
PUBLIC_VIEW_NAMES = frozenset(
    {
        "wizard:home",
        "wizard:start",
        "wizard:question",
        "wizard:check",
        "wizard:plan",
        "evidence:verify",
    }
)


def enabled_language(code: object) -> str | None:
    """`code` if it is one of settings.LANGUAGES (exactly, lower-cased), else None."""
    if not isinstance(code, str):
        return None
    code = code.strip().lower()
    return code if code in dict(settings.LANGUAGES) else None


class LanguageParameterMiddleware:
    """Show a page in the language its `?lang=` names, when that language is enabled.

    Goes after LocaleMiddleware, which sets Content-Language from the active language on the way
    out, so the header follows the parameter too.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        language = enabled_language(request.GET.get(LANGUAGE_PARAMETER))
        if language is not None:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def path_without_parameter(request: HttpRequest) -> str:
    """The request's path and query without `lang`: where the switcher returns to (with `lang` kept,
    the page would stay in the language the visitor just left)."""
    query = request.GET.copy()
    query.pop(LANGUAGE_PARAMETER, None)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def alternates(request: HttpRequest) -> list[tuple[str, str]]:
    """(hreflang, absolute URL) of this page in each enabled language, then `x-default` (the URL
    without `lang`, which follows the browser's languages); none for a page that is not public."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in PUBLIC_VIEW_NAMES:
        return []
    links = []
    for code, _name in settings.LANGUAGES:
        query: QueryDict = request.GET.copy()
        query[LANGUAGE_PARAMETER] = code
        links.append((code, request.build_absolute_uri(f"{request.path}?{query.urlencode()}")))
    links.append(("x-default", request.build_absolute_uri(path_without_parameter(request))))
    return links


def languages(request: HttpRequest) -> dict[str, Any]:
    """Template context: the switcher's return path and the page's alternates (lazily: most
    templates rendered for a request never read them)."""
    return {
        # Part of the header fragment's key: its switcher lists them (settings change in tests).
        "enabled_languages": lambda: tuple(code for code, _name in settings.LANGUAGES),
        "language_return_path": lambda: path_without_parameter(request),
        "language_alternates": lambda: alternates(request),
    }
