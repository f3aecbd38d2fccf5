"""/verify/ and the published key: anyone checks an evidence PDF or record; bad input gets a clear verdict."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from requests_app.evidence import views as evidence_views
from requests_app.evidence.canonical import canonical_json
from requests_app.evidence.export import export_evidence
from requests_app.evidence.keys import key_id, private_key_pem, public_key_pem
from requests_app.evidence.pdf import render_evidence_pdf
from requests_app.web import pdf
from tests.factories.evidence import SITE_KEY, filed_request, signed, use_site_key
from tests.factories.pdf import embedded_files, replace_embedded
from tests.factories.tracking import make_guide

pytestmark = pytest.mark.django_db
URL = "/verify/"


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)


@pytest.fixture
def evidence_pdf():
    make_guide()
    items = export_evidence(filed_request().user)
    return render_evidence_pdf(items, verify_url="http://testserver/verify/", key_url="k", pack=False)


@pytest.fixture
def pack_pdf():
    make_guide()
    submission = filed_request()
    items = export_evidence(submission.user)
    return render_evidence_pdf(items, verify_url="http://testserver/verify/", key_url="k", pack=True)


def upload(client, content: bytes, name: str = "evidence.pdf", content_type: str = "application/pdf"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content, content_type=content_type)})


def verdict_of(response) -> str:
    return response.context["result"] and ("valid" if response.context["result"].ok else "invalid")


# --- the page -------------------------------------------------------------------------------------


def test_it_shows_the_form_to_anyone(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert key_id(SITE_KEY).encode() in response.content
    assert "no-store" in response["Cache-Control"]


def test_it_accepts_an_evidence_pdf(client, evidence_pdf):
    response = upload(client, evidence_pdf)
    assert response.status_code == 200
    assert verdict_of(response) == "valid"
    record = json.loads(embedded_files(evidence_pdf)["evidence.json"])
    page = response.content.decode()
    assert "Valid: this evidence record is intact and signed by Opt-Out Guide" in page
    assert record["submission"]["id"] in page
    assert record["head"]["hash"] in page
    assert key_id(SITE_KEY) in page
    assert "Instagram" in page
    assert "2025-01-31T13:30:00.000000Z" in page


def test_it_accepts_the_json_file_and_pasted_json(client, evidence_pdf):
    data = embedded_files(evidence_pdf)["evidence.json"]
    as_file = upload(client, data, "evidence.json", "application/json")
    pasted = client.post(URL, {"record": data.decode()})
    assert verdict_of(as_file) == "valid"
    assert verdict_of(pasted) == "valid"


def test_it_accepts_an_evidence_pack_and_its_json(client, pack_pdf):
    response = upload(client, pack_pdf)
    assert verdict_of(response) == "valid"
    assert response.context["result"].found.kind == "pack"
    assert b"Valid: the record in this evidence pack is intact" in response.content
    pasted = client.post(URL, {"record": embedded_files(pack_pdf)["evidence-pack.json"].decode()})
    assert verdict_of(pasted) == "valid"


def test_it_rejects_a_pack_with_one_changed_record(client, pack_pdf):
    pack = json.loads(embedded_files(pack_pdf)["evidence-pack.json"])
    pack["records"][0]["submission"]["reference"] = "REF-999"
    response = client.post(URL, {"record": json.dumps(pack)})
    assert verdict_of(response) == "invalid"
    assert b"Not valid: 1 of 1 records in this evidence pack fail the check" in response.content


def test_it_rejects_an_edited_record_inside_a_pdf_and_says_what_fails(client, evidence_pdf):
    record = json.loads(embedded_files(evidence_pdf)["evidence.json"])
    record["submission"]["filed_at"] = "2025-01-30T13:30:00.000000Z"
    edited = replace_embedded(evidence_pdf, "evidence.json", canonical_json(record))
    response = upload(client, edited)
    assert response.status_code == 200
    assert verdict_of(response) == "invalid"
    assert "signature: does not match the record" in response.content.decode().replace("&#x27;", "'")


def test_it_rejects_a_record_signed_with_another_key(client, evidence_pdf):
    record = json.loads(embedded_files(evidence_pdf)["evidence.json"])
    forged = signed(record)
    response = client.post(URL, {"record": canonical_json(forged).decode()})
    assert verdict_of(response) == "invalid"
    result = response.context["result"].verdicts[0]
    assert result.signature_valid
    assert not result.trusted_key
    assert any("not one of this site's keys" in problem for problem in result.problems)


def test_it_rejects_a_record_whose_signature_was_replaced(client, evidence_pdf):
    record = json.loads(embedded_files(evidence_pdf)["evidence.json"])
    record["signature"]["value"] = signed(record)["signature"]["value"]
    response = client.post(URL, {"record": json.dumps(record)})
    assert verdict_of(response) == "invalid"
    assert not response.context["result"].verdicts[0].signature_valid


# --- what is not a record -------------------------------------------------------------------------


def test_a_pdf_that_is_not_ours_holds_no_record(client):
    response = upload(client, pdf.render_pdf("<p>An invoice</p>"))
    assert response.status_code == 400
    assert "holds no evidence record" in response.context["unreadable"]
    assert b"There is a problem" in response.content
    assert response.context["form"].errors["file"]


def test_a_truncated_pdf_cannot_be_read(client, evidence_pdf):
    response = upload(client, evidence_pdf[: len(evidence_pdf) // 2])
    assert response.status_code == 400
    assert "cannot be read as a PDF" in response.context["unreadable"]


@pytest.mark.slow  # mutation
def test_a_pdf_with_damaged_bytes_is_never_accepted(client, evidence_pdf):
    for start in range(200, len(evidence_pdf) - 200, len(evidence_pdf) // 25):
        damaged = (
            evidence_pdf[:start]
            + bytes(b ^ 0x55 for b in evidence_pdf[start : start + 64])
            + evidence_pdf[start + 64 :]
        )
        response = upload(client, damaged)
        assert response.status_code in (200, 400)
        result = response.context.get("result")
        # The PDF's own signature covers every byte but its own zero padding: damage anywhere else
        # fails, even outside the record.
        if result is not None and _inside_signature_padding(evidence_pdf, start, start + 64):
            continue
        assert result is None or not result.ok, start
        if result is not None and embedded_or_none(damaged) == embedded_files(evidence_pdf)["evidence.json"]:
            assert result.pdf is not None
            assert not result.pdf.ok


def _inside_signature_padding(content: bytes, start: int, end: int) -> bool:
    """Whether bytes start..end lie in the zeros that pad the signature's /Contents (signed by nothing)."""
    match = re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)", content)
    gap_start, gap_end = int(match[1]) + int(match[2]), int(match[3])
    blob = content[gap_start:gap_end]
    padding_start = gap_start + len(blob.rstrip(b"0>")) + 1
    return padding_start <= start and end <= gap_end


def embedded_or_none(content: bytes) -> bytes | None:
    try:
        return embedded_files(content).get("evidence.json")
    except Exception:
        return None


def test_text_that_is_not_json_is_not_a_record(client):
    response = client.post(URL, {"record": "hello"})
    assert response.status_code == 400
    assert "not valid JSON" in response.context["unreadable"]
    assert response.context["form"].errors["record"]


def test_an_empty_form_asks_for_a_file(client):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Choose an evidence PDF or JSON file, or paste a record"]
    assert b"There is a problem" in response.content


def test_a_file_and_a_paste_together_are_refused(client, evidence_pdf):
    response = client.post(URL, {"file": SimpleUploadedFile("e.pdf", evidence_pdf, "application/pdf"), "record": "{}"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Upload a file or paste a record, not both"]


def test_an_enormous_upload_is_refused_before_it_is_read(monkeypatch):
    """Decided on the declared length alone: the body (here a few bytes) is never parsed."""

    def never(*args, **kwargs):
        raise AssertionError("the upload was parsed")

    request = RequestFactory().post(URL, data=b"x" * 10, content_type="multipart/form-data; boundary=b")
    request.META["CONTENT_LENGTH"] = str(21 * 1024 * 1024)
    monkeypatch.setattr(type(request), "_load_post_and_files", never)
    response = evidence_views.verify(request)
    assert response.status_code == 413
    assert "larger than 20 MB" in response.context_data["unreadable"]


def test_an_upload_over_the_limit_is_refused(client):
    response = upload(client, b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024 + 300 * 1024))
    assert response.status_code == 413
    assert b"larger than 20 MB" in response.content
    assert b"There is a problem" in response.content


def test_a_far_larger_upload_is_refused_by_the_sites_body_limit(client):
    response = upload(client, b"%PDF-1.7\n" + b"0" * (22 * 1024 * 1024))
    assert response.status_code == 413
    assert b"too large" in response.content


def test_an_upload_under_the_limit_is_read(client):
    response = upload(client, b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 400
    assert "cannot be read as a PDF" in response.context["unreadable"]


def test_an_enormous_paste_is_refused(client):
    response = client.post(URL, {"record": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "upload it as a file instead" in response.context["unreadable"]


def test_no_upload_is_written_to_disk(client, evidence_pdf, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("an upload was written to a temporary file")

    monkeypatch.setattr(TemporaryUploadedFile, "__init__", never)
    # JSON allows trailing whitespace: a valid record above FILE_UPLOAD_MAX_MEMORY_SIZE (2 MB).
    padded = embedded_files(evidence_pdf)["evidence.json"] + b" " * (3 * 1024 * 1024)
    response = upload(client, padded, "evidence.json", "application/json")
    assert response.status_code == 200
    assert verdict_of(response) == "valid"


def test_other_methods_are_refused(client):
    assert client.put(URL).status_code == 405


# --- the public key -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/.well-known/opt-out-guide-evidence-key.pem", "/verify/key.pem"])
def test_it_publishes_the_public_key(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == public_key_pem(SITE_KEY)
    assert reverse("evidence:public_key_well_known") == "/.well-known/opt-out-guide-evidence-key.pem"


def test_the_published_key_is_never_the_private_one(client):
    content = client.get("/.well-known/opt-out-guide-evidence-key.pem").content.decode()
    assert "PRIVATE" not in content
    assert private_key_pem(SITE_KEY) not in content


def test_the_key_cannot_be_posted_to(client):
    assert client.post("/verify/key.pem").status_code == 405


def test_many_checks_from_one_address_are_slowed_not_crashed(client):
    statuses = [client.post("/verify/", {"record": "{}"}).status_code for _ in range(35)]
    assert all(status < 429 for status in statuses[:30])
    assert statuses[30:] == [429] * 5
    # Reading the page stays possible.
    assert client.get("/verify/").status_code == 200
