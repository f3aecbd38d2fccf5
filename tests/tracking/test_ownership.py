"""Every URL that takes an id: another account gets a 404 for GET and POST, and nothing changes.

The matrix below names every such URL. A URL pattern with a uuid or int converter that is not in
the matrix makes `test_every_url_with_an_id_is_in_the_matrix` fail: add new URLs (the evidence PDF,
for one) to MATRIX with the data a POST to them would send.
"""

from __future__ import annotations

import base64
import datetime
import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RegexPattern

from requests_app.models import Attachment, Event, StatusChange, Submission
from requests_app.tracking import uploads
from requests_app.tracking.services import add_attachment, new_token
from tests.factories.images import png_bytes
from tests.factories.tracking import GERMAN_PLAN, file, make_guide, make_person, track

TOKEN = "abcdefabcdefabcdefabcdefabcdef12"


def _post_data():
    return {
        "filed_at": "2025-01-31T14:30",
        "timezone": "Europe/Berlin",
        "reference": "STOLEN",
        "what": "withdrawn",
        "happened_on": "2025-02-05",
        "reply_text": "intruder",
        "route": "reminder",
        "authority": "lead",
        "token": TOKEN,
        "image": SimpleUploadedFile("x.png", png_bytes(), content_type="image/png"),
    }


# View name -> which of the owner's objects fill its arguments.
MATRIX = {
    "tracking:detail": lambda o: {"submission_id": o["draft"].pk},
    "tracking:record_filing": lambda o: {"submission_id": o["draft"].pk},
    "tracking:record_update": lambda o: {"submission_id": o["filed"].pk},
    "tracking:add_attachment": lambda o: {"submission_id": o["filed"].pk},
    "tracking:attachment": lambda o: {"submission_id": o["filed"].pk, "attachment_id": o["attachment"].pk},
    "tracking:escalate": lambda o: {"submission_id": o["filed"].pk},
    "tracking:deadline_ics": lambda o: {"submission_id": o["filed"].pk},
    "evidence:pdf": lambda o: {"submission_id": o["filed"].pk},
}


def _patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern, namespace


def _takes_an_id(pattern: URLPattern) -> bool:
    converters = getattr(pattern.pattern, "converters", {})
    if any(isinstance(converter, UUIDConverter | IntConverter) for converter in converters.values()):
        return True
    if isinstance(pattern.pattern, RegexPattern):
        return any(name.endswith(("id", "pk")) for name in pattern.pattern.regex.groupindex)
    return False


def id_patterns():
    return [
        (route, f"{namespace}{pattern.name}")
        for route, pattern, namespace in _patterns(get_resolver().url_patterns)
        if _takes_an_id(pattern)
    ]


def test_every_url_with_an_id_is_in_the_matrix():
    found = id_patterns()
    assert found, "the walk found no URL with an id: the introspection is broken"
    missing = [route for route, name in found if name not in MATRIX]
    assert missing == [], f"URLs taking an id with no ownership test: {missing}"


def test_the_matrix_names_only_urls_that_exist():
    names = {name for _route, name in id_patterns()}
    assert set(MATRIX) <= names


@pytest.fixture(autouse=True)
def _signing_key(settings):
    # The evidence PDF signs its record; a fixed test key keeps it off the file system.
    settings.EVIDENCE_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode("ascii")


@pytest.fixture
def owner_objects(db):
    make_guide()
    owner = make_person(
        "owner@example.org", plan={**GERMAN_PLAN, "answers": {**GERMAN_PLAN["answers"], "accounts": {"instagram": 2}}}
    )
    draft = track(owner, item="object-ai-instagram#1")
    filed = file(track(owner, item="object-ai-instagram#2"), now=datetime.datetime(2025, 2, 2, tzinfo=datetime.UTC))
    image = uploads.clean_image(io.BytesIO(png_bytes()), "a.png")
    attachment, _ = add_attachment(submission=filed, image=image, token=new_token())
    return {"owner": owner, "draft": draft, "filed": filed, "attachment": attachment}


def snapshot(user):
    submissions = Submission.objects.filter(user=user).order_by("pk")
    return (
        [(s.pk, s.status, s.reference, s.filed_at, s.extended, s.letter_body, s.updated_at) for s in submissions],
        Event.objects.count(),
        Attachment.objects.count(),
        StatusChange.objects.count(),
        Submission.objects.count(),
    )


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_another_account_gets_a_404_and_changes_nothing(client, owner_objects, name):
    intruder = make_person("intruder@example.org")
    url = reverse(name, kwargs=MATRIX[name](owner_objects))
    before = snapshot(owner_objects["owner"])
    client.force_login(intruder)
    assert client.get(url).status_code == 404
    assert client.post(url, _post_data()).status_code == 404
    assert snapshot(owner_objects["owner"]) == before


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_owner_reaches_every_url_in_the_matrix(client, owner_objects, name):
    url = reverse(name, kwargs=MATRIX[name](owner_objects))
    client.force_login(owner_objects["owner"])
    assert client.get(url).status_code in (200, 302)


def test_an_attachment_of_another_request_of_the_same_owner_is_a_404(client, owner_objects):
    client.force_login(owner_objects["owner"])
    url = reverse(
        "tracking:attachment",
        kwargs={"submission_id": owner_objects["draft"].pk, "attachment_id": owner_objects["attachment"].pk},
    )
    assert client.get(url).status_code == 404


def all_requests_urls(objects):
    urls = [reverse("tracking:dashboard"), reverse("tracking:track")]
    urls += [reverse(name, kwargs=kwargs(objects)) for name, kwargs in MATRIX.items()]
    return urls


def test_anonymous_visitors_are_sent_to_sign_in_from_every_requests_url(client, owner_objects):
    before = snapshot(owner_objects["owner"])
    for url in all_requests_urls(owner_objects):
        assert url.startswith("/requests/")
        for response in (client.get(url), client.post(url, _post_data())):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot(owner_objects["owner"]) == before


def test_logs_of_the_main_flows_hold_no_email_address_and_no_letter_text(client, caplog, db):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.request")
    make_guide()
    owner = make_person("owner@example.org")
    client.force_login(owner)
    client.get("/requests/")
    client.post("/requests/track/", {"item": "object-ai-instagram#1"})
    submission = Submission.objects.get(user=owner)
    letter_lines = [line for line in submission.letter_body.splitlines() if len(line) > 12]
    client.post(
        f"/requests/{submission.pk}/filing/",
        {"filed_at": "2025-01-31T14:30", "timezone": "Europe/Berlin", "reference": "SECRET-REF-9",
         "confirmation_text": "Confirmation for owner@example.org", "token": TOKEN,
         "screenshot": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")},
    )  # fmt: skip
    client.post(f"/requests/{submission.pk}/filing/", {"filed_at": "bad", "reference": "anna@example.org"})
    client.post(
        f"/requests/{submission.pk}/update/",
        {"what": "refused", "happened_on": "2025-02-05", "reply_text": "Dear Anna Muster, no.", "token": "1" * 32},
    )
    client.get(f"/requests/{submission.pk}/")
    client.get(f"/requests/{submission.pk}/deadline.ics")
    client.post(f"/requests/{submission.pk}/escalate/", {"route": "complaint", "authority": "lead", "token": "2" * 32})
    attachment = Attachment.objects.get()
    client.get(f"/requests/{submission.pk}/attachments/{attachment.pk}")
    intruder = make_person("intruder@example.org")
    client.force_login(intruder)
    client.get(f"/requests/{submission.pk}/")
    client.post(f"/requests/{submission.pk}/filing/", {"reference": "owner@example.org"})

    assert Submission.objects.filter(escalates=submission).exists()
    assert caplog.records, "nothing was logged: the capture is not working"
    logged = "\n".join(record.getMessage() + " " + str(record.args) for record in caplog.records)
    for secret in ("owner@example.org", "intruder@example.org", "anna@example.org", "Anna Muster", "SECRET-REF-9",
                   *letter_lines):  # fmt: skip
        assert secret not in logged
