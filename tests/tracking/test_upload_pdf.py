"""The evidence PDF of a request holding the most screenshots it can, each as large as it is kept (#16)."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.urls import reverse

from requests_app.tracking import uploads
from requests_app.tracking.services import add_attachment, new_token
from tests.factories.evidence import filed_request, use_site_key
from tests.factories.images import screenshot_png
from tests.factories.pdf import pdf_text
from tests.factories.tracking import make_guide

pytestmark = pytest.mark.django_db


def _images(content: bytes, tmp_path) -> list[tuple[int, int]]:
    path = tmp_path / "images.pdf"
    path.write_bytes(content)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    return [(int(row[3]), int(row[4])) for row in rows if row[2] == "image"]


@pytest.mark.slow  # renders ten 4-megapixel screenshots
def test_the_evidence_pdf_with_ten_maximum_size_screenshots_renders(client, settings, tmp_path):
    use_site_key(settings)
    make_guide()
    submission = filed_request(screenshots=0)
    for seed in range(uploads.MAX_FILES_PER_SUBMISSION):
        data = screenshot_png((uploads.MAX_SIDE + 400,) * 2, seed=seed)  # kept at MAX_SIDE
        image = uploads.clean_image(io.BytesIO(data), "screen.png", len(data))
        assert (image.width, image.height) == (uploads.MAX_SIDE, uploads.MAX_SIDE)
        add_attachment(submission=submission, image=image, token=new_token())
    client.force_login(submission.user)
    response = client.get(reverse("evidence:pdf", args=[submission.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert _images(content, tmp_path) == [(2000, 2000)] * 10
    text = " ".join(pdf_text(content, tmp_path).split())
    assert "Screenshot 10, 2000 × 2000 pixels" in text
