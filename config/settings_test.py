"""Test settings: the production module with test-only shortcuts.

Tests run over plain HTTP (test client, live server), so HTTPS is off; static
files are served unhashed because the live server does not run collectstatic.
"""

from __future__ import annotations

import base64
import os
import secrets

os.environ.setdefault("SECRET_KEY", "insecure-test-key-only-for-the-test-suite")
os.environ.setdefault("HTTPS", "false")
# One process: tests count rate limits in memory and clear them between tests (cache.clear()).
os.environ.setdefault("CACHE_URL", "locmemcache://opt-out-guide")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks run at once, inside the test, so a test sees the email a task sends.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# A signing key for this test run only, so every page that signs evidence works in any test;
# tests of key loading set and clear their own.
EVIDENCE_SIGNING_KEY = base64.b64encode(secrets.token_bytes(32)).decode()
# Tests edit content and roll back: every test asks for the guide's version afresh.
GUIDE_VERSION_TTL = 0
# A PDF signing CA for this test run only (root and leaf), as for the Ed25519 key above.
from requests_app.evidence.pdf_certificate import issue_ca, issue_leaf, key_pem, pem  # noqa: E402

_test_ca_key, _test_ca = issue_ca(common_name="Opt-Out Guide evidence root (tests)")
_test_leaf_key, _test_leaf = issue_leaf(_test_ca_key, _test_ca, common_name="Opt-Out Guide evidence PDFs (tests)")
EVIDENCE_PDF_CERT = pem(_test_leaf, _test_ca)
EVIDENCE_PDF_KEY = key_pem(_test_leaf_key)
