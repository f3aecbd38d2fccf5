"""Security headers on every page, private pages kept out of caches, and floods slowed rather than crashed.

The walks below take every URL pattern of the project, so a page added later is covered without
anyone remembering to add it here.
"""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from requests_app.tracking import uploads
from requests_app.tracking.services import add_attachment, new_token
from tests.factories.images import png_bytes
from tests.factories.tracking import GERMAN_PLAN, file, make_guide, make_person, track

pytestmark = pytest.mark.django_db


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _fill(route: str, objects: dict) -> str | None:
    """A path for `route` with the owner's own ids; None for a route with arguments we cannot fill."""
    path = route.replace("<uuid:submission_id>", str(objects["filed"].pk))
    path = path.replace("<uuid:attachment_id>", str(objects["attachment"].pk))
    path = path.replace("<slug:question>", "where")
    if "<" in path or "^" in path or "(?P" in path:
        return None
    return "/" + path


@pytest.fixture(autouse=True)
def _signing_key(settings):
    # Evidence PDFs sign their record: a fixed test key keeps it off the file system.
    settings.EVIDENCE_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode("ascii")


@pytest.fixture
def owner(db):
    make_guide()
    person = make_person(
        "owner@example.org", plan={**GERMAN_PLAN, "answers": {**GERMAN_PLAN["answers"], "accounts": {"instagram": 2}}}
    )
    filed = file(track(person, item="object-ai-instagram#2"), now=datetime.datetime(2025, 2, 2, tzinfo=datetime.UTC))
    image = uploads.clean_image(io.BytesIO(png_bytes()), "a.png")
    attachment, _ = add_attachment(submission=filed, image=image, token=new_token())
    return {"user": person, "filed": filed, "attachment": attachment}


def own_paths(objects: dict) -> list[str]:
    paths = [_fill(route, objects) for route, _pattern in _patterns(get_resolver().url_patterns)]
    return sorted({path for path in paths if path})


PRIVATE_PREFIXES = ("/plan", "/requests/", "/account/", "/accounts/")


def test_the_walk_finds_the_private_pages(owner):
    paths = own_paths(owner)
    for expected in ("/plan/", "/plan.pdf", "/requests/", f"/requests/{owner['filed'].pk}/evidence.pdf", "/account/"):
        assert expected in paths


def test_every_private_page_and_download_is_never_stored(client, owner):
    client.force_login(owner["user"])
    checked = []
    for path in own_paths(owner):
        if not path.startswith(PRIVATE_PREFIXES) or path.startswith("/accounts/logout"):
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        assert "no-store" in response.get("Cache-Control", ""), path
        checked.append(path)
    assert len(checked) >= 15


def test_a_public_page_may_be_cached_for_a_visitor(client):
    """The negative: no-store is not put on everything, only on what is private."""
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_every_page_carries_the_strict_csp(client, owner):
    client.force_login(owner["user"])
    for path in own_paths(owner):
        if path.startswith("/accounts/logout"):
            continue
        response = client.get(path)
        assert response.status_code < 500, path
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy, path
        assert "frame-ancestors 'none'" in policy, path
        # No third-party origin and nothing unsafe, anywhere.
        for forbidden in ("http", "unsafe", "*"):
            assert forbidden not in policy, path


def test_static_files_carry_the_csp_too(client):
    response = client.get("/static/css/site.css")
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_every_page_says_nosniff_and_denies_framing(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def _sign_up(client, number: int):
    return client.post(
        reverse("account_signup"),
        {
            "email": f"flood{number}@example.org",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )


def test_a_flood_of_sign_ups_from_one_address_is_slowed_not_crashed(client):
    statuses = [_sign_up(client, number).status_code for number in range(30)]

    assert all(status < 500 for status in statuses)
    assert statuses[:20] == [302] * 20
    assert set(statuses[20:]) == {429}
    # Still up for everyone else.
    assert client.get("/healthz").status_code == 200


def test_sign_ups_below_the_limit_are_not_slowed(client):
    assert {_sign_up(client, number).status_code for number in range(5)} == {302}


def test_a_flood_of_logins_from_one_address_is_slowed_not_crashed(client):
    statuses = [
        client.post(reverse("account_login"), {"login": f"nobody{number}@example.org", "password": "wrong"}).status_code
        for number in range(35)
    ]

    assert all(status < 500 for status in statuses)
    assert statuses[0] == 200
    assert statuses[-1] == 429
    assert client.get("/healthz").status_code == 200


def test_a_flood_of_form_fields_is_refused_not_crashed(client):
    fields = "&".join(f"f{number}=x" for number in range(500))
    response = client.generic("POST", "/start/where/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_a_form_with_its_usual_fields_is_read(client):
    response = client.generic("POST", "/start/where/", "country=", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_every_page_denies_the_browser_features_the_site_never_uses(client, owner):
    client.force_login(owner["user"])
    for path in own_paths(owner):
        if path.startswith("/accounts/logout"):
            continue
        policy = client.get(path)["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy, path


def test_error_responses_deny_the_features_too(client):
    """A 404, a 400 from a bad Host header (made outside the view middleware) and a static file."""
    assert "camera=()" in client.get("/no-such-page/")["Permissions-Policy"]
    assert "camera=()" in client.get("/", headers={"host": "evil.example"})["Permissions-Policy"]
    assert "camera=()" in client.get("/static/css/site.css")["Permissions-Policy"]
