"""End to end: one character changed anywhere in a real evidence PDF's record, and /verify/ rejects it."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from requests_app.evidence.export import export_evidence
from requests_app.evidence.keys import trusted_keys
from requests_app.evidence.pdf import render_evidence_pdf
from requests_app.evidence.upload import UnreadableUpload, verify_upload
from tests.factories.evidence import SITE_KEY, filed_request, use_site_key
from tests.factories.pdf import embedded_files, replace_embedded
from tests.factories.tracking import make_guide

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # mutation: every character of a record changed
TRUSTED = trusted_keys(SITE_KEY)


@pytest.fixture
def real_pdf(settings):
    use_site_key(settings)
    make_guide()
    submission = filed_request(screenshots=1, replies=1)
    items = export_evidence(submission.user, [submission.pk])
    return render_evidence_pdf(items, verify_url="http://testserver/verify/", key_url="k", pack=False)


def mutate(text: str, index: int) -> str:
    """`text` with the character at `index` replaced by a different one of the same kind."""
    char = text[index]
    if char.isdigit():
        replacement = "1" if char != "1" else "2"
    elif char.isalpha():
        replacement = "b" if char != "b" else "c"
    else:
        replacement = "x"
    return text[:index] + replacement + text[index + 1 :]


def rejected(data: bytes | str) -> bool:
    try:
        return not verify_upload(data, TRUSTED).ok
    except UnreadableUpload:
        return True


def test_the_original_record_is_accepted(real_pdf):
    assert not rejected(real_pdf)
    assert not rejected(embedded_files(real_pdf)["evidence.json"])


def test_every_one_character_change_of_the_embedded_record_is_rejected(real_pdf):
    text = embedded_files(real_pdf)["evidence.json"].decode("utf-8")
    accepted = [index for index in range(len(text)) if not rejected(mutate(text, index))]
    assert accepted == []
    assert len(text) > 3000  # a real record, every position of it


def test_changed_records_re_embedded_in_the_pdf_are_rejected_by_verify(client, real_pdf):
    text = embedded_files(real_pdf)["evidence.json"].decode("utf-8")
    step = max(1, len(text) // 40)
    for index in range(0, len(text), step):
        changed = replace_embedded(real_pdf, "evidence.json", mutate(text, index).encode("utf-8"))
        cache.clear()  # /verify/ slows one address after 30 checks a minute; this test is about verdicts
        response = client.post("/verify/", {"file": _file(changed)})
        assert response.status_code in (200, 400), index
        result = response.context.get("result")
        assert result is None or not result.ok, index
        assert b"Valid:" not in response.content, index
    unchanged = replace_embedded(real_pdf, "evidence.json", text.encode("utf-8"))
    response = client.post("/verify/", {"file": _file(unchanged)})
    # The same record still verifies, but the rewritten file is no longer the PDF that was signed.
    result = response.context["result"]
    assert all(verdict.ok for verdict in result.verdicts)
    assert not result.pdf.ok


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("evidence.pdf", content, content_type="application/pdf")
