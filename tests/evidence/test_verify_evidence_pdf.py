"""manage.py verify_evidence --pdf FILE: one PDF checked exactly as /verify/ checks it, with a clear
verdict and a non-zero exit unless it is valid."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from requests_app.evidence.export import export_evidence
from requests_app.evidence.pdf import render_evidence_pdf
from tests.factories import tampering
from tests.factories.evidence import filed_request, second_request, use_site_key
from tests.factories.tracking import make_guide

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # renders and checks PDFs
LINKS = {"verify_url": "http://testserver/verify/", "key_url": "http://testserver/.well-known/k.pem"}


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    settings.EVIDENCE_TSA_URL = ""
    make_guide()


def genuine(pack: bool = False) -> bytes:
    submission = filed_request()
    ids = None
    if pack:
        second_request(submission)
    else:
        ids = [submission.pk]
    return render_evidence_pdf(export_evidence(submission.user, ids), pack=pack, **LINKS)


def check(tmp_path: Path, content: bytes, name: str = "evidence.pdf") -> tuple[bool, str, str]:
    path = tmp_path / name
    path.write_bytes(content)
    out = StringIO()
    try:
        call_command("verify_evidence", "--pdf", str(path), stdout=out)
    except CommandError as error:
        return False, out.getvalue(), str(error)
    return True, out.getvalue(), ""


def test_a_genuine_pdf_is_valid_with_what_it_rests_on(tmp_path):
    ok, out, _error = check(tmp_path, genuine())
    assert ok, out
    lines = out.splitlines()
    assert lines[0] == "evidence.pdf: VALID (evidence record, 1 record)"
    assert "PDF signature: valid" in lines
    assert any("Signed by Common Name: Opt-Out Guide evidence PDFs (tests)" in line for line in lines)
    assert "Record: valid" in lines
    assert any("(this site's key)" in line for line in lines)


def test_a_genuine_pack_is_valid_record_by_record(tmp_path):
    ok, out, _error = check(tmp_path, genuine(pack=True), "pack.pdf")
    assert ok, out
    assert out.splitlines()[0] == "pack.pdf: VALID (evidence pack, 2 records)"
    assert "Record 1: valid" in out
    assert "Record 2: valid" in out


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (tampering.rewrite_a_visible_word, "is broken: the PDF was changed after it was signed"),
        (tampering.add_a_page_incrementally, "does not cover the whole file"),
        (lambda content: tampering.resign(content, tampering.other_material()), "Signature 2 is by a certificate"),
        (lambda content: content[: content.index(b"%%EOF") + 5] + b"\n", "The PDF itself is not signed"),
    ],
    ids=["word-changed", "page-added", "re-signed", "unsigned"],
)
def test_a_tampered_pdf_is_not_valid_saying_what_fails(tmp_path, tamper, expected):
    ok, out, error = check(tmp_path, tamper(genuine()))
    assert not ok
    assert error == "evidence.pdf: NOT VALID (evidence record, 1 record)"
    assert "PDF signature: NOT VALID" in out
    assert expected in out


def test_a_file_that_is_no_evidence_is_not_valid(tmp_path):
    ok, _out, error = check(tmp_path, b"%PDF-1.7\nnot really\n%%EOF\n")
    assert not ok
    assert error.startswith("evidence.pdf: NOT VALID: ")


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("verify_evidence", "--pdf", str(tmp_path / "nothing.pdf"))


def test_the_command_exits_non_zero_on_a_tampered_pdf(tmp_path):
    path = tmp_path / "forged.pdf"
    path.write_bytes(tampering.rewrite_a_visible_word(genuine()))
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_evidence", "--pdf", str(path)],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
        check=False,
    )
    assert result.returncode == 1
    assert "NOT VALID" in result.stderr
