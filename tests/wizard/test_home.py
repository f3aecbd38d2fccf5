from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_explains_what_meta_does_and_who_is_affected(client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "posts, photos" in text
    assert "26 June 2024" in text
    assert "no account" in text.lower()
    assert 'href="/start/"' in text


def test_it_sends_a_strict_csp_with_a_nonce(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    # Every script tag carries the nonce; none loads from another origin.
    assert body.count("<script") == body.count(f'nonce="{nonce}"')
    assert "https://" not in "".join(line for line in body.splitlines() if "<script" in line or "<link" in line)


def test_it_speaks_german(client):
    response = client.get("/", headers={"accept-language": "de"})
    assert response.status_code == 200
    assert '<html lang="de">' in response.content.decode()


def test_its_cached_content_is_kept_per_language(client):
    english = client.get("/").content.decode()
    german = client.get("/", headers={"accept-language": "de"}).content.decode()
    assert "Stop Meta training its AI" in english
    assert "Stop Meta training its AI" not in german
    assert "Stop Meta training its AI" in client.get("/").content.decode()
