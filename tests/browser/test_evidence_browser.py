"""In Chromium: download a request's evidence PDF, check it at /verify/, and see a changed copy rejected."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client

from tests.factories.evidence import filed_request, use_site_key
from tests.factories.pdf import embedded_files, replace_embedded
from tests.factories.tracking import make_guide

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def assert_accessible(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def check(page, live_server, path) -> None:
    page.goto(live_server.url + "/verify/")
    page.get_by_label("Upload the evidence PDF or its JSON file").set_input_files(str(path))
    page.get_by_role("button", name="Check the record").click()
    page.wait_for_load_state()


def test_download_the_evidence_pdf_and_check_it(live_server, page, settings, tmp_path):
    use_site_key(settings)
    make_guide()
    submission = filed_request()
    page.set_default_timeout(10000)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((live_server.url, "data:")) else outside.append(r.url))
    sign_in(page, live_server, submission.user)

    page.goto(f"{live_server.url}/requests/{submission.pk}/")
    link = page.get_by_role("link", name=re.compile("evidence", re.IGNORECASE))
    if link.count():
        with page.expect_download() as info:
            link.first.click()
        original = tmp_path / "evidence.pdf"
        info.value.save_as(original)
        content = original.read_bytes()
    else:
        # The request page has no link to the evidence PDF yet: fetch the URL the link will point to.
        response = page.request.get(f"{live_server.url}/requests/{submission.pk}/evidence.pdf")
        assert response.status == 200
        assert response.headers["content-disposition"].startswith("attachment;")
        content = response.body()
        original = tmp_path / "evidence.pdf"
        original.write_bytes(content)
    assert content.startswith(b"%PDF-")

    check(page, live_server, original)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().startswith("Valid:")
    assert page.get_by_text(str(submission.pk)).first.is_visible()
    assert_accessible(page)

    record = embedded_files(content)["evidence.json"].decode()
    position = record.index('"reference":"REF-123"') + len('"reference":"REF-12')
    changed = record[:position] + "4" + record[position + 1 :]
    edited = tmp_path / "edited.pdf"
    edited.write_bytes(replace_embedded(content, "evidence.json", changed.encode()))
    check(page, live_server, edited)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Not valid:")
    assert page.get_by_text("signature: does not match the record").is_visible()
    assert_accessible(page)
    assert outside == []


def test_verdicts_on_bad_input_are_accessible(live_server, page, settings, tmp_path):
    use_site_key(settings)
    page.set_default_timeout(10000)
    page.goto(live_server.url + "/verify/")
    assert page.get_by_role("heading", level=1).inner_text() == "Check an evidence record"
    assert_accessible(page)

    page.get_by_role("button", name="Check the record").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)

    not_ours = tmp_path / "notes.txt"
    not_ours.write_text("hello")
    check(page, live_server, not_ours)
    assert page.get_by_role("link", name=re.compile("not an evidence record")).is_visible()
    assert_accessible(page)
