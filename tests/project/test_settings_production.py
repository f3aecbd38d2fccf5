"""Production settings as a production process sees them: imported in a fresh interpreter with its environment."""

from __future__ import annotations

import json

from tests.factories.processes import run_production_python

READ = [
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_ENGINE",
    "TASKS",
    "SITE_URL",
    "EVIDENCE_RETIRED_PUBLIC_KEYS",
    "DATABASES",
]


def production_settings(**overrides: str) -> dict:
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {READ!r}}}, default=str))"
    )
    return json.loads(run_production_python(code, **overrides))


def test_it_uses_host_prefixed_secure_cookies_in_production():
    values = production_settings()
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["LANGUAGE_COOKIE_NAME"] == "__Host-language"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["LANGUAGE_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000


def test_it_uses_plain_cookies_only_when_https_is_turned_off():
    values = production_settings(HTTPS="false")
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert values["SESSION_COOKIE_SECURE"] is False


def test_it_trusts_the_forwarded_protocol_only_behind_a_proxy():
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None
    assert production_settings(BEHIND_PROXY="true")["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_it_keeps_sessions_and_tasks_in_the_database():
    values = production_settings()
    assert values["SESSION_ENGINE"] == "requests_app.accounts.sessions"
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_it_links_emails_to_the_first_served_host_over_https():
    assert production_settings()["SITE_URL"] == "https://optout.example.org"
    assert production_settings(SITE_URL="https://example.net/")["SITE_URL"] == "https://example.net"


def test_it_reads_retired_evidence_keys_from_a_file(tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from requests_app.evidence import keys

    old = [keys.public_key_pem(Ed25519PrivateKey.generate()) for _ in range(2)]
    keys_file = tmp_path / "retired.pem"
    keys_file.write_text("".join(old))

    retired = production_settings(EVIDENCE_RETIRED_PUBLIC_KEYS_FILE=str(keys_file))["EVIDENCE_RETIRED_PUBLIC_KEYS"]

    assert [keys.key_id(keys.load_public_key_pem(pem)) for pem in retired] == [
        keys.key_id(keys.load_public_key_pem(pem)) for pem in old
    ]


def test_it_trusts_no_retired_key_unless_told():
    assert production_settings()["EVIDENCE_RETIRED_PUBLIC_KEYS"] == []
