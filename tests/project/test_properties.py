"""Property-based tests: whatever is typed into any form, or put in any URL, the server never answers 5xx.

The forms are found, not listed: each page below is fetched and every `<form method="post">` on it
is read for its action and field names (inputs, selects, textareas, file inputs). Hypothesis then
posts arbitrary values to every field: empty, huge, unicode (control characters, surrogates'
neighbours, right-to-left marks), numbers, dates, JSON and HTML fragments, repeated and unknown
fields, and random bytes as files. Each example runs in a transaction that is rolled back, and the
cache (rate limits) is cleared, so examples never see each other's effects.
"""

from __future__ import annotations

import base64
import datetime
import io
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_app.tracking import uploads
from requests_app.tracking.services import add_attachment, new_token
from requests_app.wizard.flow import QUESTIONS
from tests.factories.guide import store_answers
from tests.factories.images import png_bytes
from tests.factories.tracking import GERMAN_PLAN, file, make_guide, make_person, track

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # hypothesis

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


class FormParser(HTMLParser):
    """Every POST form of a page: (action, {field name: kind}) with kind "file", "choice" or "text"."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._current = {}
            self.forms.append((attributes.get("action") or "", self._current))
        elif self._current is not None and tag in ("input", "select", "textarea") and attributes.get("name"):
            kind = attributes.get("type") or tag
            self._current[attributes["name"]] = (
                "file" if kind == "file" else "choice" if kind in ("radio", "checkbox", "select") else "text"
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def post_forms(client, path: str) -> list[tuple[str, dict[str, str]]]:
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    parser = FormParser()
    parser.feed(response.content.decode())
    page = response.request["PATH_INFO"]
    return [(action or page, fields) for action, fields in parser.forms]


# Values a person, a broken browser or an attacker might send.
huge = st.sampled_from(["x" * 100_000, "ä" * 30_000, "9" * 5_000, "\U0001f600" * 20_000])
tricky = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\u202e",
        "\ufeff",
        "0",
        "-1",
        "1e309",
        "NaN",
        "2025-02-30",
        "2025-02-28T25:61",
        "9999-12-31T23:59",
        "0001-01-01T00:00",
        "Europe/Atlantis",
        "../../etc/passwd",
        "{{ 7*7 }}",
        "{% debug %}",
        "<script>alert(1)</script>",
        '{"a": [1, 2]}',
        "null",
        "@" * 300,
        "a" * 33,
        "0123456789abcdef0123456789abcdef",
        "instagram",
        "germany",
        "us",
        "complaint",
        "reminder",
        "granted",
        "extended",
    ]
)
value = st.one_of(st.text(max_size=300), tricky, huge, st.integers().map(str))
upload = st.one_of(
    st.builds(
        lambda data, name: (name, data),
        st.binary(max_size=2_000),
        st.sampled_from(["a.png", "b.jpg", "c.pdf", "noextension", "x.PNG.exe"]),
    ),
    st.just(("screenshot.png", png_bytes())),
    st.just(("wrong.jpg", png_bytes())),
)


@st.composite
def form_data(draw, fields: dict[str, str]) -> dict:
    data: dict = {}
    for name, kind in fields.items():
        if name == "csrfmiddlewaretoken" or draw(st.integers(0, 4)) == 0:  # mostly present, sometimes missing
            continue
        if kind == "file":
            if draw(st.booleans()):
                filename, content = draw(upload)
                data[name] = SimpleUploadedFile(filename, content)
            else:
                data[name] = draw(value)
        elif kind == "choice" and draw(st.booleans()):
            data[name] = draw(st.lists(value, max_size=4))
        else:
            data[name] = draw(value)
    # Fields the form does not have.
    for extra in draw(st.lists(st.text(min_size=1, max_size=20), max_size=3)):
        data.setdefault(extra, draw(value))
    return data


def _post(client, action: str, data: dict) -> int:
    cache.clear()
    for item in data.values():
        if isinstance(item, SimpleUploadedFile):
            item.seek(0)
    with transaction.atomic():
        response = client.post(action, data)
        transaction.set_rollback(True)
    return response.status_code


@pytest.fixture(autouse=True)
def _signing_key(settings):
    settings.EVIDENCE_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode("ascii")


@pytest.fixture
def person(db):
    make_guide()
    user = make_person(
        "owner@example.org", plan={**GERMAN_PLAN, "answers": {**GERMAN_PLAN["answers"], "accounts": {"instagram": 2}}}
    )
    draft = track(user, item="object-ai-instagram#1")
    filed = file(track(user, item="object-ai-instagram#2"), now=datetime.datetime(2025, 2, 2, tzinfo=datetime.UTC))
    image = uploads.clean_image(io.BytesIO(png_bytes()), "a.png")
    add_attachment(submission=filed, image=image, token=new_token())
    return {"user": user, "draft": draft, "filed": filed}


def _visitor_pages() -> list[str]:
    return [f"/start/{question}/" for question in QUESTIONS] + ["/start/check/", "/plan/", "/verify/"]


def _account_pages(person: dict) -> list[str]:
    return [
        "/plan/",
        "/requests/",
        f"/requests/{person['draft'].pk}/",
        f"/requests/{person['filed'].pk}/",
        "/account/delete/",
    ]


def _anonymous_pages() -> list[str]:
    return ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]


def test_the_forms_are_found(client, person):
    """The walk finds the forms it should: if a template changes shape, this says so first."""
    store_answers(client, GERMAN_PLAN["answers"])
    visitor = {action for page in _visitor_pages() for action, _ in post_forms(client, page)}
    client.force_login(person["user"])
    account = {action for page in _account_pages(person) for action, _ in post_forms(client, page)}
    client.logout()
    anonymous = {action for page in _anonymous_pages() for action, _ in post_forms(client, page)}
    for expected in ("/start/where/", "/start/details/", "/verify/"):
        assert expected in visitor
    for expected in (
        "/account/delete/",
        f"/requests/{person['draft'].pk}/filing/",
        f"/requests/{person['filed'].pk}/update/",
        f"/requests/{person['filed'].pk}/attachments/",
    ):
        assert expected in account
    assert {"/accounts/signup/", "/accounts/login/"} <= anonymous


def _fuzz_form(client, action: str, fields: dict[str, str]) -> None:
    @EXAMPLES
    @given(data=form_data(fields))
    def post_anything(data):
        status = _post(client, action, data)
        assert status < 500, (action, status)

    post_anything()


def _fuzz_forms(client, forms) -> None:
    fuzzed = []
    for action, fields in forms:
        if "logout" not in action:
            _fuzz_form(client, action, fields)
            fuzzed.append(action)
    assert fuzzed


def test_no_visitor_form_answers_5xx_whatever_is_sent(client, person):
    # The state question is asked only of people in the US.
    store_answers(client, {**GERMAN_PLAN["answers"], "country": "us"})
    forms = dict(post_forms(client, "/start/state/"))
    assert "/start/state/" in forms
    store_answers(client, GERMAN_PLAN["answers"])
    forms |= {action: fields for page in _visitor_pages() for action, fields in post_forms(client, page)}
    _fuzz_forms(client, forms.items())


def test_no_account_form_answers_5xx_whatever_is_sent(client, person):
    client.force_login(person["user"])
    forms = {action: fields for page in _account_pages(person) for action, fields in post_forms(client, page)}
    _fuzz_forms(client, forms.items())


def test_no_sign_up_or_sign_in_form_answers_5xx_whatever_is_sent(client, person):
    forms = {action: fields for page in _anonymous_pages() for action, fields in post_forms(client, page)}
    _fuzz_forms(client, forms.items())


def test_a_well_formed_post_is_accepted(client, person):
    """The negative of the above: the fuzzing client is able to succeed, so 4xx is not all it gets."""
    assert _post(client, "/start/where/", {"country": "germany"}) == 302


# --- GET with anything in the URL ---------------------------------------------------------------------

query = st.dictionaries(st.text(max_size=30), st.one_of(st.text(max_size=200), tricky), max_size=5)
segment = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#"), min_size=1, max_size=60
)


@pytest.mark.slow  # hypothesis
@EXAMPLES
@given(params=query)
def test_no_page_answers_5xx_to_any_query_string(client, person, params):
    client.force_login(person["user"])
    for path in ["/", "/start/", "/start/where/", "/plan/", "/requests/", "/account/", "/verify/"]:
        response = client.get(path, params)
        assert response.status_code < 500, (path, params)


@pytest.mark.slow  # hypothesis
@EXAMPLES
@given(parts=st.lists(segment, min_size=1, max_size=4))
def test_no_path_answers_5xx(client, person, parts):
    for prefix in ("/", "/start/", "/requests/", f"/requests/{person['filed'].pk}/attachments/", "/static/"):
        response = client.get(prefix + "/".join(parts))
        assert response.status_code < 500, prefix + "/".join(parts)
