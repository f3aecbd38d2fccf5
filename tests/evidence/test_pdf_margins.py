"""The evidence PDF's running header and footer are in the reader's language, written as CSS safely."""

from __future__ import annotations

import pytest
from django.utils import translation

from requests_app.evidence.export import export_evidence
from requests_app.evidence.pdf import render_evidence_pdf
from requests_app.evidence.pdf_margins import css_content, css_string, margins
from tests.factories.evidence import filed_request, use_site_key
from tests.factories.pdf import pdf_text
from tests.factories.tracking import make_guide

LINKS = {"verify_url": "http://testserver/verify/", "key_url": "http://testserver/.well-known/k.pem"}


@pytest.mark.parametrize(
    ("text", "css"),
    [
        ("Page", '"Page"'),
        ("", '""'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("l'adresse", '"l\'adresse"'),  # an apostrophe stays one: a <style> is not HTML
        ("</style><script>", '"\\3c /style\\3e \\3c script\\3e "'),
        ("a\nb", '"a\\a b"'),
        ("Opt-Out Guide · Nachweis", '"Opt-Out Guide · Nachweis"'),
    ],
)
def test_css_string_escapes_for_css(text, css):
    assert css_string(text) == css


def test_css_content_splices_the_expressions_where_the_translation_puts_them():
    assert css_content("Page %(number)s of %(count)s", number="counter(page)", count="counter(pages)") == (
        '"Page " counter(page) " of " counter(pages)'
    )
    assert css_content("%(number)s / %(count)s", number="counter(page)", count="counter(pages)") == (
        'counter(page) " / " counter(pages)'
    )
    assert css_content("Strona %(number)s z %(count)s", number="a", count="b") == '"Strona " a " z " b'
    assert css_content("Record %(id)s", id="content()") == '"Record " content()'


def test_margins_follow_the_active_language():
    assert margins()["page"] == '"Page " counter(page) " of " counter(pages)'
    with translation.override("de"):
        german = margins()
    assert german["header"] == '"Opt-Out Guide · Nachweis"'
    assert german["page"] == '"Seite " counter(page) " von " counter(pages)'
    assert german["record"] == '"Nachweis " content()'
    assert german["check"] == '"Prüfen Sie diesen Nachweis unter " content()'


@pytest.mark.django_db
@pytest.mark.slow  # renders two PDFs
def test_the_pdf_margins_are_in_the_readers_language(settings, tmp_path):
    use_site_key(settings)
    make_guide()
    submission = filed_request(screenshots=0)
    english = pdf_text(
        render_evidence_pdf(export_evidence(submission.user, [submission.pk]), pack=False, **LINKS), tmp_path
    )
    assert "Page 1 of " in english
    assert "Check this record at http://testserver/verify/" in english
    assert f"Record {submission.pk}" in english
    with translation.override("de"):
        content = render_evidence_pdf(export_evidence(submission.user, [submission.pk]), pack=False, **LINKS)
    german = pdf_text(content, tmp_path)
    assert "Seite 1 von " in german
    assert "Prüfen Sie diesen Nachweis unter http://testserver/verify/" in german
    assert f"Nachweis {submission.pk}" in german
    assert "Opt-Out Guide · Nachweis" in german
    assert "Page 1 of" not in german
    assert "Check this record at" not in german
    assert "evidence record" not in german
