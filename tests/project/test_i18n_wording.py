"""German pages say whole sentences: verdict problems, headings, hidden link text and the plan's region."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from requests_app.evidence.export import export_evidence
from requests_app.evidence.pdf import render_evidence_pdf
from requests_app.evidence.record import verify_record
from requests_app.evidence.signing_key import trusted_public_keys
from tests.factories.accounts import make_user
from tests.factories.evidence import filed_request, signed, use_site_key
from tests.factories.guide import make_answers, make_meta_guide, store_answers
from tests.factories.pdf import embedded_files
from tests.factories.tracking import make_guide

pytestmark = pytest.mark.django_db
GERMAN = {"accept-language": "de"}


@pytest.fixture
def record(settings):
    use_site_key(settings)
    make_guide()
    items = export_evidence(filed_request().user)
    pdf = render_evidence_pdf(items, verify_url="http://testserver/verify/", key_url="k", pack=False)
    return json.loads(embedded_files(pdf)["evidence.json"])


def _problems(record, language):
    with translation.override(language):
        return verify_record(record, trusted_public_keys()).problems


def test_verdict_problems_follow_the_language(record):
    record["submission"]["filed_at"] = "2025-01-30T13:30:00.000000Z"
    del record["events"][0]["data"]
    english, german = _problems(record, "en"), _problems(record, "de")
    assert "event 0: missing field 'data'" in english
    assert "Ereignis 0: das Feld 'data' fehlt" in german
    assert any(problem.startswith("signature: does not match the record") for problem in english)
    assert any(problem.startswith("Signatur (signature): passt nicht zum Nachweis") for problem in german)


def test_a_reason_from_the_json_parser_is_german_too():
    with translation.override("de"):
        verdict = verify_record(b'{"a": 1, "a": 2}', {})
    assert verdict.problems == ["der Nachweis ist kein gültiges JSON: doppelter Schlüssel 'a'"]


def test_a_foreign_key_is_named_in_german(record):
    with translation.override("de"):
        verdict = verify_record(signed(record), trusted_public_keys())
    assert any("der nicht zu den Schlüsseln dieser Website gehört" in problem for problem in verdict.problems)


def test_the_german_verify_page_lists_german_problems(client, record):
    record["submission"]["reference"] = "REF-999"
    page = client.post("/verify/", {"record": json.dumps(record)}, headers=GERMAN).content.decode()
    assert "Was fehlschlägt" in page
    assert "Signatur (signature): passt nicht zum Nachweis" in page
    assert "does not match" not in page


def test_an_unreadable_upload_is_explained_in_german(client, settings):
    use_site_key(settings)
    page = client.post("/verify/", {"record": "{not json"}, headers=GERMAN).content.decode()
    assert "Das ist kein Nachweis: kein gültiges JSON (" in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Record 1: what fails"), ("de", "Nachweis 1: Was fehlschlägt")],
)
def test_a_pack_names_each_record_in_one_heading(client, settings, language, heading):
    use_site_key(settings)
    make_guide()
    user = filed_request().user
    pdf = render_evidence_pdf(export_evidence(user), verify_url="http://testserver/verify/", key_url="k", pack=True)
    pack = json.loads(embedded_files(pdf)["evidence-pack.json"])
    pack["records"][0]["submission"]["reference"] = "REF-999"
    pack["records"].append(pack["records"][0])
    page = client.post("/verify/", {"record": json.dumps(pack)}, headers={"accept-language": language})
    assert heading in page.content.decode()


@pytest.mark.parametrize(
    ("language", "link"),
    [
        ("en", 'Change<span class="visually-hidden"> email address</span>'),
        ("de", '<span class="visually-hidden">E-Mail-Adresse </span>Ändern'),
        ("en", 'View<span class="visually-hidden"> sessions</span>'),
        ("de", '<span class="visually-hidden">Sitzungen </span>Ansehen'),
    ],
)
def test_account_links_read_as_one_phrase(client, language, link):
    client.force_login(make_user())
    assert link in client.get("/account/", headers={"accept-language": language}).content.decode()


def test_the_german_check_page_keeps_the_nouns_capitalised(client):
    make_meta_guide()
    store_answers(client, make_answers())
    page = client.get("/start/check/", headers=GERMAN).content.decode()
    assert '<span class="visually-hidden">Wohnort </span>Ändern' in page
    assert "wohnort" not in page


@pytest.mark.parametrize(
    ("language", "copy", "region", "lead"),
    [
        (
            "en",
            'Copy<span class="visually-hidden"> text</span>',
            "Where you live: Germany.",
            "What you can do about Meta using your information for AI.",
        ),
        (
            "de",
            '<span class="visually-hidden">Text </span>Kopieren',
            "Ihr Wohnort: Deutschland.",
            "Was Sie gegen die Nutzung Ihrer Informationen für Metas KI tun können.",
        ),
    ],
)
def test_the_plan_names_the_region_without_an_article(client, language, copy, region, lead):
    make_meta_guide()
    store_answers(client, make_answers())
    page = client.get("/plan/", headers={"accept-language": language}).content.decode()
    assert copy in page
    assert region in page
    assert lead in page
    assert "living in" not in page
