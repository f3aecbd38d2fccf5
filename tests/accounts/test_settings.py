from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories.accounts import make_user
from tests.factories.processes import run_production


def _deploy_check(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    # A database of its own: a fresh checkout has no var/ for the default one.
    return run_production(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        EMAIL_URL="smtp+tls://u:p@mail.example.org:587",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **overrides,
    )


def test_it_passes_the_deploy_check_with_production_values(tmp_path):
    result = _deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_the_check_without_a_pdf_signing_certificate(tmp_path):
    result = _deploy_check(tmp_path, EVIDENCE_PDF_CERT="", EVIDENCE_PDF_KEY="")
    assert result.returncode != 0
    assert "evidence.E001" in result.stderr
    assert "No PDF signing certificate" in result.stderr


def test_it_fails_the_check_with_a_key_that_is_not_the_certificates(tmp_path):
    from requests_app.evidence.pdf_certificate import key_pem
    from tests.factories.tampering import other_material

    result = _deploy_check(tmp_path, EVIDENCE_PDF_KEY=key_pem(other_material().key))
    assert result.returncode != 0
    assert "is not the key of the first certificate" in result.stderr


def test_it_fails_the_deploy_check_with_debug_on(tmp_path):
    result = _deploy_check(tmp_path, DEBUG="true")
    assert result.returncode != 0
    assert "security.W018" in result.stderr


@pytest.mark.django_db
def test_it_signs_out_after_the_idle_timeout(client):
    client.force_login(make_user())
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/account/")["Location"].startswith("/accounts/login/")


def test_production_counts_rate_limits_in_the_database_cache_by_default():
    from tests.factories.processes import run_production_python

    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    assert run_production_python(code).strip() == "django.core.cache.backends.db.DatabaseCache"


def test_the_deploy_check_warns_when_each_worker_would_count_limits_alone(tmp_path):
    result = _deploy_check(tmp_path, CACHE_URL="locmemcache://")
    assert result.returncode != 0
    assert "requests_app.W001" in result.stderr
    assert "count rate limits on its own" in result.stderr


def test_migrate_creates_the_cache_table_without_a_manual_step(tmp_path):
    import sqlite3

    database = tmp_path / "db.sqlite3"
    result = run_production("manage.py", "migrate", "--no-input", DATABASE_URL=f"sqlite:///{database}")
    assert result.returncode == 0, result.stderr
    tables = {row[0] for row in sqlite3.connect(database).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "opt_out_guide_cache" in tables
