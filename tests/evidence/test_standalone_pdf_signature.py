"""tools/verify_evidence.py --pdf-root: the standalone verifier checks the PDF's own signature (and its
timestamp with --tsa-root) offline, run as a person runs it, needing only the published root."""

from __future__ import annotations

import pytest

from requests_app.evidence.export import export_evidence
from requests_app.evidence.pdf import render_evidence_pdf
from requests_app.evidence.pdf_certificate import pem, trusted_roots
from tests.factories import tampering
from tests.factories.evidence import SITE_KEY, filed_request, use_site_key
from tests.factories.tracking import make_guide
from tests.factories.tsa import LocalTSA, use_tsa
from tests.factories.verifier import key_file, run_verifier

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # renders PDFs, runs the verifier
LINKS = {"verify_url": "http://testserver/verify/", "key_url": "http://testserver/.well-known/k.pem"}


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    settings.EVIDENCE_TSA_URL = ""
    make_guide()


def pdf() -> bytes:
    submission = filed_request()
    return render_evidence_pdf(export_evidence(submission.user, [submission.pk]), pack=False, **LINKS)


def check(tmp_path, content: bytes, *extra: str):
    (tmp_path / "evidence.pdf").write_bytes(content)
    (tmp_path / "root.pem").write_text(pem(*trusted_roots()))
    key = key_file(tmp_path, SITE_KEY)
    return run_verifier("evidence.pdf", "--public-key", key, "--pdf-root", "root.pem", *extra, cwd=tmp_path)


def test_a_genuine_pdf_passes_with_its_signer(tmp_path):
    run = check(tmp_path, pdf())
    assert run.code == 0, run.output
    assert "PASS  PDF signature (PAdES): signature 1 (OptOutGuideEvidence) by Common Name: Opt-Out Guide" in run.output
    assert "by the signer's own clock (no timestamp)" in run.output
    assert run.output.rstrip().endswith("VALID")


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (tampering.rewrite_a_visible_word, "is broken: the PDF was changed after it was signed"),
        (tampering.add_a_page_incrementally, "does not cover the whole file"),
        (lambda content: tampering.resign(content, tampering.other_material()), "chains to none of the given roots"),
        (lambda content: content[: content.index(b"%%EOF") + 5] + b"\n", "the PDF itself is not signed"),
        (tampering.append_unsigned_bytes, "bytes follow the signed range"),
    ],
    ids=["word-changed", "page-added", "re-signed", "unsigned", "bytes-appended"],
)
def test_a_tampered_pdf_fails_saying_what(tmp_path, tamper, expected):
    run = check(tmp_path, tamper(pdf()))
    assert run.code == 1
    assert "FAIL  PDF signature (PAdES): " in run.output
    assert expected in run.output
    assert run.output.rstrip().endswith("NOT VALID")


def test_a_timestamp_needs_its_authority_s_root(tmp_path, settings):
    with LocalTSA() as tsa:
        use_tsa(settings, tsa)
        content = pdf()
    (tmp_path / "tsa.pem").write_text(tsa.root_pem)
    trusted = check(tmp_path, content, "--tsa-root", "tsa.pem")
    assert trusted.code == 0, trusted.output
    assert "certified by Common Name: Test time-stamping authority" in trusted.output
    untrusted = check(tmp_path, content)
    assert untrusted.code == 1
    assert "is from an authority not given (Common Name: Test time-stamping authority" in untrusted.output
