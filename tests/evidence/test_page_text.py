"""The pages' visible text against the record inside: a PDF whose pages state other facts than its
genuine record is not valid, on /verify/ and in verify_evidence, saying what differs."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from requests_app.evidence import pdf as evidence_pdf
from requests_app.evidence.export import export_evidence
from requests_app.evidence.page_text import check_pages, normalized
from requests_app.evidence.pdf import render_evidence_pdf
from tests.factories.evidence import filed_request, second_request, use_site_key
from tests.factories.tracking import make_guide

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # renders PDFs
LINKS = {"verify_url": "http://testserver/verify/", "key_url": "http://testserver/.well-known/k.pem"}


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    settings.EVIDENCE_TSA_URL = ""
    make_guide()


def render(submission, *, pack: bool = False, signed: bool = True, **changes) -> bytes:
    """The evidence PDF (or pack) as the site makes it; unsigned and with pages changed, as a forger would."""
    items = export_evidence(submission.user, None if pack else [submission.pk])
    original_section = evidence_pdf._section
    original_signed = evidence_pdf.signed_pdf

    def section(item):
        found = original_section(item)
        if item.submission.pk != submission.pk:
            return found
        facts = {**found["facts"], **changes.pop("facts", {})}
        timeline = changes.pop("timeline", None)
        return {**found, **changes, "facts": facts, **({"timeline": timeline(found["timeline"])} if timeline else {})}

    evidence_pdf._section = section
    if not signed:
        evidence_pdf.signed_pdf = lambda render_pages: render_pages(False)
    try:
        return render_evidence_pdf(items, pack=pack, **LINKS)
    finally:
        evidence_pdf._section = original_section
        evidence_pdf.signed_pdf = original_signed


def verify(client, content: bytes):
    upload = SimpleUploadedFile("evidence.pdf", content, content_type="application/pdf")
    response = client.post(reverse("evidence:verify"), {"file": upload})
    assert response.status_code == 200
    return response.content.decode()


def page_section(html: str) -> str:
    start = html.index('id="page-text"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("language", ["en", "de", "pl"])
def test_a_genuine_pdf_s_pages_state_its_record(client, language):
    with translation.override(language):
        content = render(filed_request(replies=1))
    html = verify(client, content)
    assert 'data-verdict="valid"' in html
    assert 'data-page-text="valid"' in page_section(html)


def test_an_unsigned_pdf_whose_pages_changed_the_filing_is_not_valid_saying_what_differs(client):
    submission = filed_request()
    genuine = render(submission)
    filed = submission.filed_at.astimezone(datetime.UTC)
    forged = render(
        submission,
        signed=False,
        filed_utc=filed - datetime.timedelta(days=3),
        facts={"recipient": "Somebody Else Ltd"},
    )
    # The record inside is the genuine one: same facts, still verifying on its own.
    assert 'data-verdict="valid"' in verify(client, genuine)
    html = verify(client, forged)
    assert 'data-verdict="invalid"' in html
    section = page_section(html)
    assert 'data-page-text="invalid"' in section
    assert "Filed, as they state it, in UTC: 31 January 2025, 13:30:00 UTC" in section
    assert "Sent to: Meta Platforms Ireland Limited" in section
    assert "Record id" not in section  # what still matches is not listed
    assert "Reference:" not in section
    assert "What it proves" in html  # the record itself is intact
    assert "The PDF itself is not signed" in html


def test_an_event_shown_at_another_time_is_reported(client):
    submission = filed_request()

    def later(timeline):
        row = timeline[1]
        moved = type(row)(**{**row.__dict__, "at_utc": row.at_utc + datetime.timedelta(minutes=7)})
        return [timeline[0], moved, *timeline[2:]]

    forged = render(submission, signed=False, timeline=later)
    section = page_section(verify(client, forged))
    assert "Event 1: " in section
    assert "Event 2: " not in section


def test_in_a_pack_the_record_whose_pages_differ_is_named(client):
    submission = filed_request()
    second_request(submission)
    forged = render(submission, pack=True, signed=False, facts={"reference": "REF-999"})
    section = page_section(verify(client, forged))
    # The pack lists its records in order; only the one whose page changed is named, by its number.
    assert section.count("The pages do not state what the record does.") == 1
    assert re.search(r"<li>Record [12]: The pages do not state what the record does. Reference: REF-123</li>", section)


def test_verify_evidence_reports_the_pages_differing(tmp_path):
    submission = filed_request()
    path = tmp_path / "forged.pdf"
    path.write_bytes(render(submission, signed=False, facts={"action": "Something else entirely"}))
    out = StringIO()
    with pytest.raises(CommandError, match="NOT VALID"):
        call_command("verify_evidence", "--pdf", str(path), stdout=out)
    assert "Page text: DIFFERS from the record" in out.getvalue()
    assert "Request: Object to Instagram using your information for AI" in out.getvalue()


def test_unreadable_pages_are_a_problem_not_a_crash():
    verdict = check_pages(b"%PDF-1.7\n garbage", [{"submission": {"id": "x"}}])
    assert not verdict.ok
    assert "cannot be read" in verdict.problems[0]


def test_whitespace_line_breaks_and_hyphens_do_not_matter():
    assert normalized("Meta Platforms\nIreland Lim-\nited") == normalized("Meta Platforms Ireland Limited")
    assert normalized("ﬁle") == normalized("file")


def test_without_pdftotext_the_signature_still_decides_and_the_check_warns(client, monkeypatch, caplog):
    from requests_app.evidence import checks, page_text

    monkeypatch.setattr(page_text, "PDFTOTEXT", "pdftotext-not-installed")
    assert [message.id for message in checks.check_pdftotext()] == ["evidence.W001"]
    submission = filed_request()
    genuine = render(submission)
    forged = render(submission, signed=False, facts={"recipient": "Somebody Else Ltd"})
    html = verify(client, genuine)
    assert 'data-verdict="valid"' in html
    assert 'id="page-text"' not in html
    html = verify(client, forged)
    assert 'data-verdict="invalid"' in html  # unsigned: its pages are not vouched for
    assert "The PDF itself is not signed" in html
    assert "pdftotext is not installed" in caplog.text


def test_the_system_check_is_quiet_when_pdftotext_is_there():
    from requests_app.evidence import checks

    assert checks.check_pdftotext() == []
