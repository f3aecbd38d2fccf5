from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.test_accounts_factories import make_user

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "optout.example.org",
    "EMAIL_URL": "smtp+tls://u:p@mail.example.org:587",
}


def _deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    # Only what a production process would have: not the test run's own switches.
    test_only = ("DATABASE_URL", "HTTPS", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    env = {key: value for key, value in os.environ.items() if key not in test_only}
    env.update(PRODUCTION, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deploy_check_with_production_values():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_the_deploy_check_with_debug_on():
    result = _deploy_check(DEBUG="true")
    assert result.returncode != 0
    assert "security.W018" in result.stderr


@pytest.mark.django_db
def test_it_signs_out_after_the_idle_timeout(client):
    client.force_login(make_user())
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/account/")["Location"].startswith("/accounts/login/")
