"""A production process, as tests start one: its own environment, none of the test run's switches.

Settings are read from the environment once, when a process starts; what a deployment's environment
does to them can only be seen in a fresh interpreter.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from requests_app.evidence.pdf_certificate import issue_ca, issue_leaf, key_pem, pem

BASE_DIR = Path(__file__).resolve().parents[2]
# What the test run sets for itself and a production process would not have.
TEST_ONLY = (
    "DATABASE_URL",
    "HTTPS",
    "CACHE_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "BEHIND_PROXY",
    "SITE_URL",
)
_ca_key, _ca = issue_ca(common_name="Production-like root (tests)")
_leaf_key, _leaf = issue_leaf(_ca_key, _ca)
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DEBUG": "false",
    "ALLOWED_HOSTS": "optout.example.org",
    # The evidence PDFs' certificate, as a deployment provides it (its absence is a check error).
    "EVIDENCE_PDF_CERT": pem(_leaf, _ca),
    "EVIDENCE_PDF_KEY": key_pem(_leaf_key),
}


def run_production(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """`python *args` in the project directory, with production's environment plus `environment`."""
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update(PRODUCTION, **environment)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def run_production_python(code: str, **environment: str) -> str:
    """What `code` prints in a production process with `environment`; fails the test if it fails."""
    result = run_production("-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return result.stdout
