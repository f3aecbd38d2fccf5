"""/account/export.zip: everything the account holds, as JSON beside the uploaded files, and no secrets."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile

import pikepdf
import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from requests_app.accounts.mfa_secrets import seal
from requests_app.evidence.record import verify_record
from requests_app.evidence.signing_key import trusted_public_keys
from requests_app.tracking import uploads
from requests_app.tracking.services import CLARIFICATION_ASKED, add_attachment, new_token, record_update
from tests.factories.accounts import make_user
from tests.factories.images import png_bytes
from tests.factories.tracking import UK_ITEM, UK_PLAN, file, make_guide, make_person, track, uk_access_requests_pause

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    user = make_user()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": seal("JBSWY3DPEHPK3PXP")})
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": seal("7365637265747365656473"), "used_mask": 0}
    )
    return user


def download(client) -> tuple[dict, zipfile.ZipFile]:
    response = client.get("/account/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("opt-out-guide.json")), archive


def test_it_downloads_everything_as_a_zip(alice):
    client = Client(HTTP_USER_AGENT="Test Browser")
    client.force_login(alice)
    # allauth.usersessions records the session on the first signed-in request.
    client.get("/account/")
    response = client.get("/account/export.zip")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="opt-out-guide-export.zip"'
    assert "no-store" in response["Cache-Control"]

    data, _archive = download(client)
    assert data["account"]["email"] == "alice@example.org"
    assert data["email_addresses"] == [{"email": "alice@example.org", "verified": True, "primary": True}]
    assert [a["type"] for a in data["two_factor_authentication"]] == ["totp", "recovery_codes"]
    assert [s["user_agent"] for s in data["sessions"]] == ["Test Browser"]
    assert data["sessions"][0]["ip"] == "127.0.0.1"
    assert data["plan"] is None
    assert data["submissions"] == []


def test_it_contains_the_plan_submissions_events_and_files(client):
    make_guide()
    user = make_person()
    submission = file(track(user))
    image = uploads.clean_image(io.BytesIO(png_bytes()), "proof.png")
    add_attachment(submission=submission, image=image, token=new_token())
    client.force_login(user)

    data, archive = download(client)
    assert data["plan"]["answers"]["name"] == "Anna Muster"
    [exported] = data["submissions"]
    assert exported["id"] == str(submission.pk)
    assert exported["reference"] == "REF-123"
    assert exported["letter"]["body"] == submission.letter_body
    assert [event["type"] for event in exported["events"]][:3] == ["created", "letter_frozen", "filed"]
    assert exported["events"][-1]["type"] == "exported"
    [attachment] = exported["attachments"]
    content = archive.read(attachment["file"])
    assert hashlib.sha256(content).hexdigest() == attachment["sha256"]
    pack = pikepdf.open(io.BytesIO(archive.read("evidence-pack.pdf")))
    record = json.loads(pack.attachments["evidence-pack.json"].get_file().read_bytes())
    [item] = record["records"]
    assert verify_record(item, trusted_public_keys()).ok


def test_it_says_when_each_filing_was_recorded_and_when_the_clock_stopped(client, monkeypatch):
    make_guide()
    uk_access_requests_pause(monkeypatch)
    user = make_person("sam@example.org", plan=UK_PLAN)
    recorded = datetime.datetime(2026, 3, 20, 12, tzinfo=datetime.UTC)
    submission = file(
        track(user, item=UK_ITEM), when=datetime.datetime(2026, 3, 2, 10), zone="Europe/London", now=recorded
    )
    record_update(
        submission=submission, what=CLARIFICATION_ASKED, happened_on=datetime.date(2026, 3, 3), note="",
        reply_text="", token=new_token(), now=recorded,
    )  # fmt: skip
    client.force_login(user)
    data, _archive = download(client)
    [exported] = data["submissions"]
    assert exported["filed_at"] == "2026-03-02T10:00:00+00:00"
    assert exported["filing_recorded_at"] == "2026-03-20T12:00:00+00:00"
    assert exported["clarification_pauses"] == [{"asked_on": "2026-03-03", "answered_on": None}]
    assert exported["paused_since"] == "2026-03-03"


def test_it_holds_nothing_of_another_account(client):
    make_guide()
    file(track(make_person("anna@example.org")), reference="ANNAS-REF")
    ben = make_user("ben@example.org")
    client.force_login(ben)
    data, archive = download(client)
    assert data["submissions"] == []
    assert archive.namelist() == ["opt-out-guide.json"]
    assert "ANNAS-REF" not in archive.read("opt-out-guide.json").decode()


def test_it_contains_no_secrets(alice, client):
    client.force_login(alice)
    body = client.get("/account/export.zip").content
    text = zipfile.ZipFile(io.BytesIO(body)).read("opt-out-guide.json").decode()
    for secret in ("JBSWY3DPEHPK3PXP", "7365637265747365656473", alice.password, "secret", "seed", "session_key"):
        assert secret not in text
    for authenticator in Authenticator.objects.filter(user=alice):
        assert not any(str(value) in text for value in authenticator.data.values() if value), "nor sealed"
    assert client.session.session_key not in text


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/account/export.zip")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
