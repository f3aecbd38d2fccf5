"""Settings for `make bench`: production settings plus the baseline view and a throwaway STATIC_ROOT.

Everything else (DEBUG off, the secret key, the database, HTTPS off for plain HTTP on loopback) comes
from the environment that bench/run.py sets, exactly as in production.
"""

from __future__ import annotations

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
# collectstatic writes here (a temporary directory), never into the checkout's staticfiles/.
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"]) if os.environ.get("BENCH_STATIC_ROOT") else BASE_DIR / "staticfiles"
