"""manage.py on a fresh checkout runs in development mode; with a deployment's SECRET_KEY it does not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_with_no_configuration_it_is_development_mode():
    result = run({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_with_a_secret_key_debug_stays_off_unless_asked():
    result = run({"SECRET_KEY": "a-deployment-key-" * 4, "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")
