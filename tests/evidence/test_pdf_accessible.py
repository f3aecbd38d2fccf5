"""The evidence PDF and the pack are tagged: a structure tree with headings, lists and figures in
reading order, the document's language set, and still PDF/A-3b with the record embedded."""

from __future__ import annotations

import pytest
from django.utils import translation

from requests_app.evidence.export import export_evidence
from requests_app.evidence.pdf import render_evidence_pdf
from tests.factories.evidence import filed_request, second_request, use_site_key
from tests.factories.pdf import embedded_files, marked, pdf_text, pdfa_status, structure
from tests.factories.tracking import make_guide

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # renders PDFs
LINKS = {"verify_url": "http://testserver/verify/", "key_url": "http://testserver/.well-known/k.pem"}


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    make_guide()


def tags(elements):
    return [tag for tag, _alt in elements]


def test_the_evidence_pdf_is_tagged_pdfa_3b_with_its_record(tmp_path):
    submission = filed_request(screenshots=1)
    content = render_evidence_pdf(export_evidence(submission.user, [submission.pk]), pack=False, **LINKS)
    assert pdfa_status(content) == "3B"
    assert "evidence.json" in embedded_files(content)
    assert marked(content)
    lang, elements = structure(content)
    assert lang == "en"
    names = tags(elements)
    assert names.count("H1") == 1
    assert names.index("H1") < names.index("H2")
    assert "Sect" in names
    assert "L" in names  # the numbered "how to check" list
    assert "LI" in names
    figures = [alt for tag, alt in elements if tag == "Figure"]
    assert figures == ["QR code of the address where this record can be checked", "Screenshot 1"]


def test_its_headings_come_in_reading_order(tmp_path):
    submission = filed_request(screenshots=0)
    content = render_evidence_pdf(export_evidence(submission.user, [submission.pk]), pack=False, **LINKS)
    _lang, elements = structure(content)
    headings = [tag for tag in tags(elements) if tag.startswith("H")]
    assert headings[0] == "H1"
    assert set(headings[1:]) == {"H2"}
    text = pdf_text(content, tmp_path)
    order = ["Who and what", "When", "Deadlines and status", "What happened", "Signature"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_the_pack_nests_each_request_under_its_title(tmp_path):
    first = filed_request()
    second_request(first)
    user = first.user
    content = render_evidence_pdf(export_evidence(user), pack=True, **LINKS)
    assert pdfa_status(content) == "3B"
    lang, elements = structure(content)
    assert lang == "en"
    headings = [tag for tag in tags(elements) if tag.startswith("H")]
    assert headings.count("H1") == 1
    assert headings[0] == "H1"
    assert headings.count("H2") >= 3  # the contents and one title per request
    assert "H3" in headings


def test_the_language_is_the_readers(tmp_path):
    submission = filed_request()
    with translation.override("de"):
        content = render_evidence_pdf(export_evidence(submission.user, [submission.pk]), pack=False, **LINKS)
    assert structure(content)[0] == "de"
