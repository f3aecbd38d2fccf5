"""web/pdf.py: WeasyPrint renders with a fetcher that allows only data: URLs and our own static files."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from requests_app.web import pdf
from tests.factories.pdf import RecordingServer, pdf_text, pdf_tool


@pytest.fixture
def http_server():
    with RecordingServer() as server:
        yield server


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "https://opt-out-guide.invalid.example.org/static/css/pdf.css",
        "https://opt-out-guide.invalid/etc/passwd",
        "https://opt-out-guide.invalid/static/%2e%2e/%2e%2e/config/settings.py",
        "https://opt-out-guide.invalid/static/../manage.py",
        "https://opt-out-guide.invalid/static/css/nothing-here.css",
        "https://opt-out-guide.invalid/static//etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_it_refuses_every_url_but_data_and_static_files(url):
    with pytest.raises(pdf.ForbiddenURL):
        pdf.fetch_resource(url)


def test_it_serves_data_urls():
    encoded = base64.b64encode(b"hello").decode()
    assert pdf.fetch_resource(f"data:text/plain;base64,{encoded}") == (b"hello", "text/plain")
    assert pdf.fetch_resource("data:text/css,p%20%7B%7D") == (b"p {}", "text/css")


def test_it_serves_the_apps_own_static_files():
    content, mime_type = pdf.fetch_resource("https://opt-out-guide.invalid/static/css/pdf.css")
    assert b"@font-face" in content
    assert mime_type == "text/css"
    font, _ = pdf.fetch_resource("https://opt-out-guide.invalid/static/fonts/DejaVuSans.ttf?v=1")
    assert font == Path("static/fonts/DejaVuSans.ttf").read_bytes()


def test_it_renders_an_a4_pdf_with_shipped_fonts_and_page_numbers(tmp_path):
    html = (
        '<html><head><link rel="stylesheet" href="/static/css/pdf.css"></head><body>'
        + "".join(f"<p>Paragraph {n} – Grüße</p>" for n in range(120))
        + "</body></html>"
    )
    content = pdf.render_pdf(html)
    assert content.startswith(b"%PDF-")
    info = pdf_tool("pdfinfo", content, tmp_path)
    assert "A4" in info
    fonts = pdf_tool("pdffonts", content, tmp_path)
    assert "DejaVu-Sans" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    text = pdf_text(content, tmp_path)
    pages = int(info.split("Pages:")[1].split()[0])
    assert pages > 1
    footers = [line.split()[-1] for line in text.splitlines() if line.startswith("Opt-Out Guide")]
    assert footers == [f"{page}/{pages}" for page in range(1, pages + 1)]
    assert "Grüße" in text


def test_it_neither_fetches_nor_embeds_other_urls(tmp_path, http_server, monkeypatch):
    seen = []
    original = pdf.fetch_resource

    def spy(url: str):
        seen.append(url)
        return original(url)

    monkeypatch.setattr(pdf, "fetch_resource", spy)
    html = f"""<html><head>
      <link rel="stylesheet" href="{http_server.url}/linked.css">
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="attachment" href="{http_server.url}/attached.txt">
      <style>@import url("{http_server.url}/imported.css"); @import url("https://example.org/x.css");
        @font-face {{ font-family: X; src: url("file:///usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"); }}
        body {{ background: url("{http_server.url}/background.png"); }}</style>
      </head><body>
      <p>What a person typed: &lt;style&gt;@import url("{http_server.url}/typed.css")&lt;/style&gt;</p>
      <img src="file:///etc/passwd" alt="x"><img src="{http_server.url}/image.png" alt="y">
      <object data="file:///etc/hostname"></object><iframe src="{http_server.url}/frame"></iframe>
      </body></html>"""
    content = pdf.render_pdf(html)
    assert http_server.hits == []
    assert "file:///etc/passwd" in seen
    assert f"{http_server.url}/imported.css" in seen
    assert "0 embedded files" in pdf_tool("pdfdetach", content, tmp_path, "-list")
    assert "root:" not in pdf_text(content, tmp_path)


def test_it_embeds_attachments_it_is_given(tmp_path):
    from weasyprint import Attachment

    content = pdf.render_pdf(
        "<p>Record</p>", attachments=[Attachment(string='{"a": 1}', name="evidence.json", relationship="Data")]
    )
    assert "1 embedded files" in pdf_tool("pdfdetach", content, tmp_path, "-list")
