"""The evidence PDF's own signature (PAdES) and timestamp: made on download, checked on /verify/.

Every tampering is a clear "not valid" saying what fails, never a 500.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from requests_app.evidence import pades
from requests_app.evidence.pdf_certificate import pem, signing_material
from tests.factories import tampering
from tests.factories.accounts import PASSWORD
from tests.factories.evidence import filed_request, second_request, use_site_key
from tests.factories.pdf import embedded_files, marked, pdf_pages, pdf_text, pdfa_status, rendered_pages, structure
from tests.factories.tracking import make_guide
from tests.factories.tsa import LocalTSA, down_url, use_tsa

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _setup(settings):
    use_site_key(settings)
    settings.EVIDENCE_TSA_URL = ""
    make_guide()


def genuine_pdf(client, submission=None) -> bytes:
    submission = submission or filed_request()
    assert client.login(username=submission.user.username, password=PASSWORD)
    response = client.get(reverse("evidence:pdf", args=[submission.pk]))
    assert response.status_code == 200
    client.logout()
    return b"".join(response.streaming_content) if response.streaming else response.content


def verify(client, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("evidence.pdf", content, content_type="application/pdf")
    return client.post(reverse("evidence:verify"), {"file": upload})


def pdf_section(response) -> str:
    html = response.content.decode()
    assert 'id="pdf-signature"' in html
    return html[html.index('id="pdf-signature"') : html.index("</section>", html.index('id="pdf-signature"'))]


# --- made ------------------------------------------------------------------------------------------


def test_the_downloaded_pdf_is_signed_over_the_whole_file_and_still_pdfa_with_its_record(client, tmp_path):
    content = genuine_pdf(client)
    assert pdfa_status(content) == "3B"
    assert "evidence.json" in embedded_files(content)
    assert pdf_pages(content, tmp_path) >= 1  # pdftoppm renders every page
    response = verify(client, content)
    assert response.status_code == 200
    assert 'data-verdict="valid"' in response.content.decode()
    section = pdf_section(response)
    assert 'data-pdf-signature="valid"' in section
    assert "Opt-Out Guide evidence PDFs (tests)" in section
    assert "signer&#x27;s own clock" in section


def genuine_pack(client, submission) -> bytes:
    assert client.login(username=submission.user.username, password=PASSWORD)
    response = client.get(reverse("evidence:pack_pdf"))
    assert response.status_code == 200
    client.logout()
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("timestamped", [False, True], ids=["own-clock", "timestamped"])
def test_the_signed_pdf_and_pack_stay_tagged_pdfa_3b_with_their_record_and_render(
    client, settings, tmp_path, timestamped
):
    submission = filed_request()
    second_request(submission)
    with LocalTSA() as tsa:
        if timestamped:
            use_tsa(settings, tsa)
        single, pack = genuine_pdf(client, submission), genuine_pack(client, submission)
    for content, record in ((single, "evidence.json"), (pack, "evidence-pack.json")):
        assert content.count(b"/ByteRange") == 1  # signed, once
        assert pdfa_status(content) == "3B"
        assert record in embedded_files(content)
        assert marked(content)
        _lang, elements = structure(content)  # the StructTreeRoot is still there, walked from the catalogue
        assert [tag for tag, _alt in elements].count("H1") >= 1
        (tmp_path / record).mkdir()
        pages = rendered_pages(content, tmp_path / record)
        assert len(pages) == pdf_pages(content, tmp_path) >= 1
        assert all(page.read_bytes().startswith(b"\x89PNG") for page in pages)
        section = pdf_section(verify(client, content))
        assert 'data-pdf-signature="valid"' in section
        assert ("time certified by" in section) is timestamped


def test_without_an_authority_the_pages_say_their_time_is_the_sites(client, tmp_path):
    text = " ".join(pdf_text(genuine_pdf(client), tmp_path).split())
    assert "rest on Opt-Out Guide's own clock" in text
    assert "time-stamping authority (RFC 3161)" not in text


def test_with_an_authority_the_signature_carries_its_trusted_timestamp(client, settings, tmp_path):
    with LocalTSA() as tsa:
        use_tsa(settings, tsa)
        content = genuine_pdf(client)
        assert tsa.requests >= 1  # pyHanko asks once more to size the signature
    text = " ".join(pdf_text(content, tmp_path).split())
    assert "certified by an independent time-stamping authority (RFC 3161)" in text
    section = pdf_section(verify(client, content))
    assert 'data-pdf-signature="valid"' in section
    assert "time certified by Common Name: Test time-stamping authority" in section


@pytest.mark.parametrize("failure", ["down", "slow", "garbage"])
def test_a_failing_authority_still_gives_a_signed_pdf_on_the_sites_clock(client, settings, tmp_path, caplog, failure):
    with LocalTSA(mode=failure if failure != "down" else "ok", delay=3) as tsa:
        use_tsa(settings, tsa, url=down_url() if failure == "down" else None, timeout=0.5)
        with caplog.at_level(logging.WARNING, logger="requests_app.evidence.pades"):
            content = genuine_pdf(client)
    assert [r.levelname for r in caplog.records if r.name == "requests_app.evidence.pades"] == ["WARNING"]
    assert "REF-123" not in caplog.text
    text = " ".join(pdf_text(content, tmp_path).split())
    assert "rest on Opt-Out Guide's own clock" in text
    assert 'data-pdf-signature="valid"' in pdf_section(verify(client, content))


# --- tampered ----------------------------------------------------------------------------------------


def assert_not_valid(response, *expected: str) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-verdict="invalid"' in html
    section = pdf_section(response)
    assert 'data-pdf-signature="invalid"' in section
    for words in expected:
        assert words in section, section
    return section


def test_a_visible_word_changed_and_the_file_rewritten_breaks_the_signature(client):
    forged = tampering.rewrite_a_visible_word(genuine_pdf(client))
    assert_not_valid(verify(client, forged), "is broken: the PDF was changed after it was signed")


def test_text_drawn_over_a_page_in_an_incremental_update_is_reported(client):
    forged = tampering.append_drawing_incrementally(genuine_pdf(client))
    assert_not_valid(verify(client, forged), "does not cover the whole file")


def test_a_page_added_after_signing_is_reported(client):
    forged = tampering.add_a_page_incrementally(genuine_pdf(client))
    assert_not_valid(verify(client, forged), "does not cover the whole file")


def test_re_signed_with_another_certificate_is_reported(client):
    forged = tampering.resign(genuine_pdf(client), tampering.other_material())
    section = assert_not_valid(verify(client, forged), "Signature 2 is by a certificate this site does not trust")
    assert "Someone else" in section


def test_signed_only_by_someone_else_is_reported(settings, client):
    submission = filed_request()
    content = genuine_pdf(client, submission)
    ours = settings.EVIDENCE_PDF_CERT, settings.EVIDENCE_PDF_KEY
    # The same pages signed by another certificate instead (a rotated-out root no longer listed).
    settings.EVIDENCE_PDF_CERT, settings.EVIDENCE_PDF_KEY = _material_settings(
        tampering.other_material(common_name="Old key")
    )
    other = genuine_pdf(client, submission)
    settings.EVIDENCE_PDF_CERT, settings.EVIDENCE_PDF_KEY = ours
    assert 'data-pdf-signature="valid"' in pdf_section(verify(client, content))
    assert_not_valid(
        verify(client, other), "The signature is by a certificate this site does not trust (Common Name: Old key"
    )


def test_a_retired_root_still_listed_keeps_old_pdfs_valid(settings, client):
    old = tampering.other_material(common_name="Old key")
    settings.EVIDENCE_PDF_CERT, settings.EVIDENCE_PDF_KEY = _material_settings(old)
    content = genuine_pdf(client)
    new = tampering.other_material(common_name="New key")
    settings.EVIDENCE_PDF_CERT, settings.EVIDENCE_PDF_KEY = _material_settings(new)
    assert_not_valid(verify(client, content), "does not trust")
    settings.EVIDENCE_PDF_RETIRED_ROOTS = pem(old.root)
    assert 'data-pdf-signature="valid"' in pdf_section(verify(client, content))


def test_an_expired_certificate_is_reported(client):
    unsigned = genuine_pdf(client)
    forged = tampering.resign(unsigned, tampering.other_material(expired=True, common_name="Expired"))
    assert_not_valid(verify(client, forged), "Signature 2 was made with a certificate that had expired")


def test_a_broken_signature_dictionary_is_reported(client):
    forged = tampering.break_signature_dictionary(genuine_pdf(client))
    assert_not_valid(
        verify(client, forged), "signature cannot be read: the file or its signature dictionary is damaged"
    )


def test_bytes_after_the_signed_range_are_reported(client):
    forged = tampering.append_unsigned_bytes(genuine_pdf(client))
    assert_not_valid(
        verify(client, forged), "does not cover the whole file: 25\xa0bytes were added after the signed range"
    )


def test_a_timestamp_from_an_unknown_authority_is_reported(client, settings):
    with LocalTSA(name="Unknown authority") as tsa:
        use_tsa(settings, tsa)
        content = genuine_pdf(client)
    settings.EVIDENCE_TSA_ROOTS = ""
    assert_not_valid(
        verify(client, content), "comes from an authority this site does not trust (Common Name: Unknown authority"
    )


def test_an_unsigned_pdf_with_a_genuine_record_is_not_valid(client):
    content = genuine_pdf(client)
    # The pages and record without the signature: the revision before it, as qpdf rewrites it.
    first = content[: content.index(b"%%EOF") + len(b"%%EOF")] + b"\n"
    assert_not_valid(verify(client, first), "The PDF itself is not signed")


def test_pades_sign_is_an_incremental_update_of_the_rendered_pdf(client):
    content = genuine_pdf(client)
    first = content[: content.index(b"%%EOF") + len(b"%%EOF")]
    again = pades.sign(first + b"\n", material=signing_material())
    assert again.startswith(first)


def _material_settings(material) -> tuple[str, str]:
    from requests_app.evidence.pdf_certificate import key_pem

    return pem(material.certificate, *material.chain), key_pem(material.key)
