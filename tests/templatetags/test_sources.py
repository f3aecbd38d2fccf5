"""source_name: the short name a step's source is given in "Checked against <source> on <date>"."""

from __future__ import annotations

import pytest

from requests_app.templatetags.sources import source_name


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.dataprotection.ie/en/news-media/latest-news/dpc-statement-meta-ai", "dataprotection.ie"),
        ("https://techpp.com/2026/06/13/stop-meta-tracking/", "techpp.com"),
        ("http://WWW.Example.org/x", "example.org"),
        ("https://github.com/datenanfragen/website/commit/fc5a0da5", "Datenanfragen.de"),
        ("https://github.com/someone/else", "github.com"),
        ("https://example.org/opentermsarchive/x", "example.org"),
        ("https://www1.folha.uol.com.br/tec/2024/09/x.shtml", "folha.uol.com.br"),
        ("https://www2.example.org/", "example.org"),
        ("https://wwwhat.example.org/", "wwwhat.example.org"),
        (
            "https://github.com/OpenTermsArchive/pga-versions/blob/e4da78fa/Facebook/Privacy%20Policy.md",
            "Open Terms Archive",
        ),
        ("https://www.facebook.com/help/contact/6359191084165019", "facebook.com"),
    ],
)
def test_it_names_a_source_by_its_site(url, name):
    assert source_name(url) == name


@pytest.mark.parametrize(
    "url", ["", None, "mailto:oregonprivacy@doj.oregon.gov", "javascript:alert(1)", "/relative", "https://"]
)
def test_it_names_nothing_that_is_not_a_web_address(url):
    assert source_name(url) == ""
