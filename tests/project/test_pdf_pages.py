"""The PDFs as a person sees them: rendered to PNG pages with pdftoppm, each page A4, nothing drawn
in the outer margin (where anything clipped or overflowing would land), long content on more pages."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from requests_app.models import Submission
from requests_app.tracking.services import add_attachment, new_token
from tests.factories.accounts import PASSWORD
from tests.factories.evidence import filed_request, screenshot, use_site_key
from tests.factories.guide import make_answers, make_meta_guide, store_answers
from tests.factories.tracking import make_guide

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,  # renders PDFs to PNG pages
    # Skipped with a reason where poppler is missing; in CI (which installs it) a missing pdftoppm fails.
    pytest.mark.skipif(
        shutil.which("pdftoppm") is None and os.environ.get("CI") != "true",
        reason="needs pdftoppm (apt-get install poppler-utils)",
    ),
]

DPI = 30
A4_PIXELS = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))  # (248, 351)
MARGIN_PIXELS = round(6 / 25.4 * DPI)  # 6 mm: our pages keep at least 15 mm clear


def pages(content: bytes, tmp_path: Path) -> list[Image.Image]:
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(tmp_path / "page")], check=True)
    return [Image.open(path).convert("L") for path in sorted(tmp_path.glob("page-*.png"))]


def ink_in_margin(page: Image.Image) -> list[str]:
    """Which edges of the page have anything darker than light grey within MARGIN_PIXELS."""
    width, height = page.size
    bands = {
        "top": (0, 0, width, MARGIN_PIXELS),
        "bottom": (0, height - MARGIN_PIXELS, width, height),
        "left": (0, 0, MARGIN_PIXELS, height),
        "right": (width - MARGIN_PIXELS, 0, width, height),
    }
    return [edge for edge, box in bands.items() if page.crop(box).getextrema()[0] < 200]


def assert_a4_and_unclipped(images: list[Image.Image]) -> None:
    assert images
    for number, page in enumerate(images, start=1):
        # pdftoppm rounds up part of a pixel: A4 is 248.03 × 350.79 pixels at 30 dpi.
        assert all(abs(got - a4) <= 1 for got, a4 in zip(page.size, A4_PIXELS, strict=True)), (
            f"page {number} is {page.size}, not A4"
        )
        assert ink_in_margin(page) == [], f"page {number} has ink at its edge: {ink_in_margin(page)}"


def test_the_evidence_pdf_is_a4_with_nothing_clipped_and_long_content_on_more_pages(client, settings, tmp_path):
    use_site_key(settings)
    make_guide()
    submission = filed_request(screenshots=0)
    lines = [f"Paragraph {n}: " + "the processing of my photos for AI harms me. " * 4 for n in range(60)]
    lines.append("An unbroken line: " + "x" * 400)
    Submission.objects.filter(pk=submission.pk).update(letter_body="\n".join(lines))
    for number in range(6):
        add_attachment(submission=submission, image=screenshot((number * 30, 80, 140), (900, 1400)), token=new_token())
    assert client.login(username=submission.user.username, password=PASSWORD)
    images = pages(client.get(f"/requests/{submission.pk}/evidence.pdf").content, tmp_path)
    assert len(images) >= 6
    assert_a4_and_unclipped(images)


def test_the_plan_pdf_is_a4_with_nothing_clipped(client, tmp_path):
    make_meta_guide()
    store_answers(client, make_answers(explanation="A long explanation. " * 80))
    images = pages(client.get("/plan.pdf").content, tmp_path)
    assert len(images) >= 2
    assert_a4_and_unclipped(images)


def test_the_margin_check_sees_ink_at_an_edge(tmp_path):
    """The checks above could not fail if a mark at the edge went unnoticed."""
    page = Image.new("L", A4_PIXELS, 255)
    page.putpixel((A4_PIXELS[0] - 2, 100), 0)
    assert ink_in_margin(page) == ["right"]
