"""The company drafts (docs/drafts/companies/, issue #14) stay loadable and sourced until the content
model knows companies: each parses, every step says where its facts come from and when they were read,
every link is https, and every drafted letter exists in English and German."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
import yaml

from requests_app.letters.contract import sample_context
from requests_app.letters.render import render_letter
from requests_app.letters.validate import validate_template

DRAFTS = Path(__file__).resolve().parents[2] / "docs" / "drafts" / "companies"
COMPANIES = ("linkedin", "x", "google", "openai", "anthropic", "microsoft", "pinterest", "quora", "reddit")
URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s)\"'>]+")


def _load(name: str) -> dict:
    return yaml.safe_load((DRAFTS / f"{name}.yaml").read_text(encoding="utf-8"))


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


def test_every_company_has_a_draft():
    assert sorted(p.stem for p in DRAFTS.glob("*.yaml")) == sorted(COMPANIES)


@pytest.mark.parametrize("name", COMPANIES)
def test_draft_has_company_platforms_and_actions(name):
    draft = _load(name)
    company = draft["company"]
    assert company["slug"] == name
    assert company["trains_on_en"]
    assert company["trains_on_de"]
    assert {"eu_eea", "switzerland", "uk", "rest"} <= set(company["controllers"])
    for controller in company["controllers"].values():
        assert controller["name"]
        assert controller["source_url"]
        assert isinstance(controller["last_verified_on"], datetime.date)
    assert company["lead_authority"]["name"]
    assert draft["platforms"]
    assert draft["actions"]
    platforms = {p["slug"] for p in draft["platforms"]}
    assert all(a["platform"] in platforms for a in draft["actions"])


@pytest.mark.parametrize("name", COMPANIES)
def test_every_step_is_sourced_and_dated(name):
    for action in _load(name)["actions"]:
        assert action["steps"], action["slug"]
        for step in action["steps"]:
            assert step["source_url"].startswith("https://"), step["slug"]
            assert isinstance(step["last_verified_on"], datetime.date), step["slug"]
            assert step["last_verified_on"] <= datetime.date(2026, 12, 31), step["slug"]
            if step.get("unverified"):
                assert step["caveat_en"], step["slug"]
                assert step["caveat_de"], step["slug"]


@pytest.mark.parametrize("name", COMPANIES)
def test_every_url_is_https(name):
    urls = [u for s in _strings(_load(name)) for u in URL.findall(s)]
    assert urls
    assert [u for u in urls if not u.startswith("https://")] == []


@pytest.mark.parametrize("name", COMPANIES)
def test_letters_exist_in_english_and_german(name):
    for action in _load(name)["actions"]:
        letters = action.get("letter_templates")
        if letters is None:
            continue
        assert sorted(t["language"] for t in letters) == ["de", "en"], action["slug"]
        for template in letters:
            assert template["subject"], action["slug"]
            assert "{{ controller.name }}" in template["body"], action["slug"]
            validate_template(template["subject"], template["body"])


@pytest.mark.parametrize("name", COMPANIES)
@pytest.mark.parametrize(
    ("law", "says", "never"),
    [("GDPR", "Art. 21", "Art. 30"), ("UK GDPR", "UK GDPR", "Art. 30"), ("FADP", "Art. 30", "Art. 21")],
)
def test_letters_name_the_law_that_applies(name, law, says, never):
    """The same draft letter serves the EU, the UK and Switzerland: each gets its own articles."""
    for action in _load(name)["actions"]:
        for template in action.get("letter_templates") or []:
            context = sample_context(template["language"])
            context["law"] = {**context["law"], "name": law}
            letter = render_letter(template["subject"], template["body"], context)
            assert says in letter.body, (action["slug"], law)
            assert never not in letter.body, (action["slug"], law)
            assert "{{" not in letter.subject + letter.body, (action["slug"], law)


def test_slugs_are_unique_across_drafts():
    seen: dict[str, str] = {}
    for other in COMPANIES:
        for action in _load(other)["actions"]:
            for slug in [action["slug"], *(s["slug"] for s in action["steps"])]:
                assert seen.setdefault(slug, other) == other, slug
