"""Count the SQL queries of each benchmarked page, in-process, against the bench database.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://... python bench/queries.py PAGES_JSON

PAGES_JSON is a list of {"name", "path", "as"} where "as" is "anonymous", "visitor" (a session holding
the wizard's answers), "reader" or "editor" (the seeded accounts, signed in with force_login: the
editor has a TOTP authenticator, so the admin lets them in). Each page is requested twice through
Django's test client with the whole middleware stack; the second request is counted (the first warms
per-process caches, as a long-running server has). Prints {"name": {"queries": n, "status": code}}.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _client(role: str, answers: dict):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.seed import EDITOR_EMAIL, READER_EMAIL

    client = Client(HTTP_HOST="127.0.0.1")
    if role == "visitor":
        session = client.session
        session["plan"] = {"version": 1, "answers": answers, "done": []}
        session.save()
    elif role in ("reader", "editor"):
        email = READER_EMAIL if role == "reader" else EDITOR_EMAIL
        client.force_login(get_user_model().objects.get(email=email))
    return client


def count(pages: list[dict], answers: dict) -> dict[str, dict[str, int]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clients: dict[str, object] = {}
    results = {}
    for page in pages:
        client = clients.setdefault(page["as"], _client(page["as"], answers))
        client.get(page["path"])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page["path"])
        results[page["name"]] = {"queries": len(captured), "status": response.status_code}
    return results


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    spec = json.loads(sys.argv[1])
    print(json.dumps(count(spec["pages"], spec["answers"])))


if __name__ == "__main__":
    main()
