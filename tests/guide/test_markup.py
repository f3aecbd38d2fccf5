"""Markdown of guide content: the allow-list, safe links, no raw HTML and no remote images."""

from __future__ import annotations

import pytest
from django.utils.safestring import SafeString

from requests_app.guide.markup import render_markdown


def test_it_renders_markdown():
    html = render_markdown("Some *emphasis* and **strong** text with `code`.\n\n- one\n- two\n\n1. first\n\n> quoted")

    assert "<p>Some <em>emphasis</em> and <strong>strong</strong> text with <code>code</code>.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n</ol>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html


def test_it_returns_a_safe_string():
    assert isinstance(render_markdown("text"), SafeString)


def test_it_renders_nothing_for_empty_text():
    assert render_markdown("") == ""


def test_it_keeps_code_blocks_without_their_language_class():
    assert render_markdown("```python\nprint(1)\n```") == "<pre><code>print(1)\n</code></pre>\n"


def test_it_keeps_line_breaks():
    assert render_markdown("one  \ntwo") == "<p>one<br>\ntwo</p>\n"


def test_it_fits_headings_under_the_page_headings():
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")

    assert html == "<h3>One</h3>\n<h3>Two</h3>\n<h3>Three</h3>\n<h4>Four</h4>\n<h4>Six</h4>\n"


def test_it_renders_links_with_rel_and_without_target():
    html = render_markdown('[Meta form](https://www.facebook.com/help/contact/712876720715583 "a title")')

    assert html == (
        '<p><a href="https://www.facebook.com/help/contact/712876720715583" rel="noopener noreferrer">'
        "Meta form</a></p>\n"
    )


@pytest.mark.parametrize("url", ["http://example.org/", "https://example.org/", "mailto:dpo@example.org"])
def test_it_allows_web_and_mail_links(url):
    assert f'href="{url}"' in render_markdown(f"[x]({url})")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java%0ascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "file:///etc/passwd",
        "ftp://example.org/",
        "/relative/path",
        "//evil.example/",
    ],
)
def test_it_refuses_other_links(url):
    html = render_markdown(f"[click]({url})")

    assert "href" not in html
    assert "click" in html


def test_it_shows_raw_html_as_text():
    html = render_markdown('<script>alert(1)</script>\n\n<a href="https://x.example" onclick="steal()">raw</a>')

    assert "<script" not in html
    assert "<a " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        '<img src="https://tracker.example/p.gif">',
        "<iframe src='https://evil.example'></iframe>",
        "<p onmouseover=alert(1)>x</p>",
        "<style>body{display:none}</style>",
        "<!-- comment --><b>bold</b>",
    ],
)
def test_it_never_outputs_raw_html_tags(text):
    html = render_markdown(text)

    for tag in ("<img", "<iframe", "<style", "<b>", "<!--", "<p on"):
        assert tag not in html


def test_it_drops_images_but_keeps_their_alt_text():
    html = render_markdown("Look: ![the settings screen](https://tracker.example/pixel.png)")

    assert html == "<p>Look: the settings screen</p>\n"


def test_it_escapes_html_in_alt_text():
    html = render_markdown("![<script>x</script>](https://tracker.example/pixel.png)")

    assert "<script" not in html


def test_it_keeps_tables_as_typed():
    assert "<table" not in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")


def test_it_drops_attributes_outside_the_allow_list():
    html = render_markdown("[x](https://example.org/ 'title')")

    assert "title=" not in html
