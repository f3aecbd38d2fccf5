"""/plan.pdf: the plan with its letters as a PDF download."""

from __future__ import annotations

import pytest

from tests.factories.guide import make_answers, make_meta_guide, store_answers
from tests.factories.pdf import RecordingServer, marked, pdf_text, structure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def guide():
    return make_meta_guide()


def test_it_sends_a_visitor_without_a_plan_to_the_wizard(client):
    response = client.get("/plan.pdf")
    assert response.status_code == 302
    assert response["Location"] == "/start/"


def test_it_downloads_the_plan_with_its_letters(client, tmp_path):
    store_answers(client, make_answers(), done=["object-ai-facebook#1:object-ai-facebook-1"])
    response = client.get("/plan.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="opt-out-plan.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content, tmp_path)
    assert "Your plan" in text
    assert "1 of 9 steps done." in text
    assert "Objection under GDPR Art. 21(1): Instagram account @anna_cats" in text
    assert "Name: Anna Muster" in text
    assert "My posts show my children." in text
    assert "https://help.instagram.com/contact/767264225370182" in text
    assert "Opt-Out Guide sends nothing to Meta." in text


def test_the_plan_pdf_is_tagged_with_headings_tables_and_language(client):
    store_answers(client, make_answers())
    content = client.get("/plan.pdf").content
    assert marked(content)
    lang, elements = structure(content)
    assert lang == "en"
    tags = [tag for tag, _alt in elements]
    assert tags.count("H1") == 1
    assert tags.index("H1") < tags.index("H2") < tags.index("H3")
    assert "Table" in tags
    table = tags.index("Table")
    assert tags[table + 1 : table + 4] == ["TBody", "TR", "TH"]  # a row header, then its value
    assert "TD" in tags
    assert "L" in tags  # the steps, a numbered list


def test_it_refuses_post(client):
    store_answers(client, make_answers())
    assert client.post("/plan.pdf").status_code == 405


def test_it_writes_the_pdf_in_the_persons_language(client, tmp_path):
    store_answers(client, make_answers())
    response = client.get("/plan.pdf", headers={"accept-language": "de"})
    text = pdf_text(response.content, tmp_path)
    assert "Widerspruch nach Art. 21 Abs. 1 GDPR: Instagram-Konto @anna_cats" in text
    assert "Deutschland" in text


def test_it_gives_texas_no_letter_citing_gdpr(client, tmp_path):
    store_answers(
        client,
        make_answers(
            country="us",
            us_state="us-texas",
            platforms=["facebook"],
            accounts={"facebook": 1},
            handles={"facebook": ["fb"]},
        ),
    )
    text = pdf_text(client.get("/plan.pdf").content, tmp_path)
    assert "GDPR" not in text
    assert "Ask about information from other people used for AI" in text


def test_it_prints_typed_markup_as_text_and_fetches_nothing(client, tmp_path):
    with RecordingServer() as server:
        evil = f'<img src="{server.url}/x.png" onerror="alert(1)"><link rel="attachment" href="file:///etc/passwd">'
        style = f'<style>@import url("{server.url}/y.css");</style>'
        store_answers(
            client, make_answers(name=evil, explanation=style, handles={"facebook": ["fb"], "instagram": ["a", "b"]})
        )
        response = client.get("/plan.pdf")
        assert server.hits == []
    text = pdf_text(response.content, tmp_path)
    assert '<img src="' in text
    assert "@import url(" in text
    assert "root:" not in text
