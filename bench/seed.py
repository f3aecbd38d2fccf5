"""Seed a bench database with realistic user data, fast, in SQL (`INSERT ... SELECT generate_series`).

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://... python bench/seed.py --users 10000

Each of `--users` people has a plan (Germany; four Facebook, four Instagram and one WhatsApp
account), ten tracked requests in every status (drafts, filed, overdue, answered, one escalated
with its complaint) and ten events per request: 10,000 users give 100,000 submissions and
1,000,000 events. The first person is the reader the bench signs in as; an extra superuser with a
TOTP authenticator is the editor who opens the admin. The guide (`manage.py load_guide`) must be
loaded first: submissions point at its actions.

The whole seed is one transaction that ends by writing `SEED_VERSION` into `bench_seed`, so an
interrupted run leaves nothing behind and bench/run.py reuses a database whose seed matches.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Bump when the shape of the data changes: bench/run.py then drops and reseeds the database.
SEED_VERSION = "4"
SUBMISSIONS_PER_USER = 10
EVENTS_PER_SUBMISSION = 10

READER_EMAIL = "reader@bench.example"
EDITOR_EMAIL = "editor@bench.example"
# Throwaway credentials of a local, loopback-only benchmark database.
BENCH_PASSWORD = "bench-password-not-a-secret"  # noqa: S105
EDITOR_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

PLAN_ANSWERS = {
    "country": "germany",
    "platforms": ["facebook", "instagram", "whatsapp"],
    "accounts": {"facebook": 4, "instagram": 4, "whatsapp": 1},
    "situations": ["public_posts", "in_others_posts"],
    "name": "Alex Bench",
    "email": "alex@bench.example",
    "handles": {
        "facebook": [f"facebook.com/alex.bench.{n}" for n in range(1, 5)],
        "instagram": [f"@alex_bench_{n}" for n in range(1, 5)],
        "whatsapp": ["+49 151 0000000"],
    },
    "explanation": "My public posts show my children and my workplace; I do not want them used to train AI.",
}

# (number, plan item key, action slug, status, kind, escalates number): nine of the plan's ten
# requests tracked (object-ai-instagram#4 is left to track) and one complaint escalating number 9.
SUBMISSIONS = [
    (1, "object-ai-facebook#1", "object-ai-facebook", "filed", "request", None),
    (2, "object-ai-facebook#2", "object-ai-facebook", "acknowledged", "request", None),
    (3, "object-ai-facebook#3", "object-ai-facebook", "granted", "request", None),
    (4, "object-ai-facebook#4", "object-ai-facebook", "draft", "request", None),
    (5, "object-ai-instagram#1", "object-ai-instagram", "filed", "request", None),
    (6, "object-ai-instagram#2", "object-ai-instagram", "refused", "request", None),
    (7, "object-ai-instagram#3", "object-ai-instagram", "withdrawn", "request", None),
    (8, "rights-whatsapp", "rights-whatsapp", "filed", "request", None),
    (9, "third-party-ai-request", "third-party-ai-request", "escalated", "request", None),
    (10, "third-party-ai-request>complaint-dpc", "complaint-dpc", "filed", "escalation", 9),
]
assert len(SUBMISSIONS) == SUBMISSIONS_PER_USER

EVENT_TYPES = [
    "created",
    "letter_frozen",
    "filed",
    "attachment_added",
    "status_changed",
    "reply_recorded",
    "attachment_added",
    "status_changed",
    "exported",
    "exported",
]
assert len(EVENT_TYPES) == EVENTS_PER_SUBMISSION

LETTER_BODY = (
    "To Meta Platforms Ireland Limited,\n\n"
    "I object under the GDPR Art. 21(1) to the processing of my personal data, including my posts, "
    "photos and captions, for developing and improving artificial intelligence at Meta.\n"
    "Account: {account}\nName: Alex Bench\nEmail: alex@bench.example\n\n"
    "My public posts show my children and my workplace; I do not want them used to train AI. "
    "Please confirm that you will no longer process my data for this purpose, and that data already "
    "processed will be excluded from future training.\n\nKind regards,\nAlex Bench\n"
)


def version_key(users: int) -> str:
    return f"v{SEED_VERSION}:users={users}:submissions={SUBMISSIONS_PER_USER}:events={EVENTS_PER_SUBMISSION}"


# Zero values for required columns this seed does not know yet (a field added since it was written).
ZERO_VALUES = {
    "text": "''",
    "character varying": "''",
    "boolean": "false",
    "smallint": "0",
    "integer": "0",
    "bigint": "0",
    "double precision": "0",
    "numeric": "0",
    "jsonb": "'{}'::jsonb",
}


def _other_required(cursor, table: str, sql: str) -> tuple[str, str]:
    """Columns of `table` that are NOT NULL without a default and not named in `sql`, with zero values.

    Returns (", col1, col2", ", value1, value2") for the column list and the select list, so a new
    required field elsewhere in the project does not stop the bench (it is seeded empty).
    """
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO'",
        [table],
    )
    missing = [(name, kind) for name, kind in cursor.fetchall() if not re.search(rf"\b{name}\b", sql)]
    unknown = [f"{name} ({kind})" for name, kind in missing if kind not in ZERO_VALUES]
    if unknown:
        raise SystemExit(f"bench/seed.py: no value for required columns of {table}: {', '.join(unknown)}")
    return "".join(f", {name}" for name, _ in missing), "".join(f", {ZERO_VALUES[kind]}" for _, kind in missing)


def _insert(cursor, table: str, sql: str, params=None) -> None:
    """Run an INSERT ... SELECT whose column and select lists end with /*more columns*/ and /*more values*/."""
    columns, values = _other_required(cursor, table, sql)
    cursor.execute(sql.replace("/*more columns*/", columns).replace("/*more values*/", values), params)


def _bulk(cursor, users: int) -> None:
    cursor.execute(
        """
        INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name, email,
                               is_staff, is_active, date_joined)
        SELECT '!bench', now() - make_interval(hours => g %% 500), false, 'bench-' || lpad(g::text, 6, '0'),
               '', '', 'person' || g || '@bench.example', false, true, now() - make_interval(days => g %% 400)
        FROM generate_series(1, %s) AS g
        """,
        [users],
    )
    cursor.execute(
        """
        INSERT INTO account_emailaddress (user_id, email, verified, "primary")
        SELECT id, email, true, true FROM auth_user WHERE username LIKE 'bench-%%'
        """
    )
    plan = json.dumps({"version": 1, "answers": PLAN_ANSWERS, "done": []})
    cursor.execute(
        """
        INSERT INTO requests_app_plan (user_id, data, created_at, updated_at)
        SELECT id, %s::jsonb, date_joined, date_joined FROM auth_user WHERE username LIKE 'bench-%%'
        """,
        [plan],
    )
    templates = json.dumps(
        [
            {"n": n, "key": key, "slug": slug, "status": status, "kind": kind, "escalates": escalates}
            for n, key, slug, status, kind, escalates in SUBMISSIONS
        ]
    )
    # Ids are md5(user id, number) so an escalation can name the request it escalates. Filing dates
    # spread over 80 days, so some requests are overdue, some due soon and some waiting.
    _insert(
        cursor,
        "requests_app_submission",
        """
        INSERT INTO requests_app_submission (
            id, user_id, action_id, plan_item_key, escalates_id, action_slug, action_title, kind,
            platform_name, region_slug, region_name, jurisdiction_slug, law, legal_basis, official_url,
            recipient, content_version, language, account, person_name, letter_subject, letter_body,
            form_fields, status, filed_at, filed_timezone, reference, confirmation_text, due_on,
            extended_due_on, extended, acknowledge_by, created_at, updated_at /*more columns*/)
        SELECT md5(u.id || '-' || t.n)::uuid, u.id, a.id, t.key,
               CASE WHEN t.escalates IS NULL THEN NULL ELSE md5(u.id || '-' || t.escalates)::uuid END,
               a.slug, a.title_en, t.kind, coalesce(p.name, ''), 'germany', 'Germany', 'gdpr', 'gdpr',
               a.legal_basis_en, a.official_url, 'Meta Platforms Ireland Limited', 'bench-content-v1', 'en',
               'account ' || t.n, 'Alex Bench', 'Objection under GDPR Art. 21(1): account ' || t.n,
               replace(%(letter)s, '{account}', 'account ' || t.n), '[]'::jsonb, t.status,
               CASE WHEN t.status = 'draft' THEN NULL ELSE f.filed_at END,
               CASE WHEN t.status = 'draft' THEN '' ELSE 'Europe/Berlin' END,
               CASE WHEN t.status = 'draft' THEN '' ELSE 'REF-' || u.id || '-' || t.n END,
               '',
               CASE WHEN t.status = 'draft' THEN NULL ELSE (f.filed_at + interval '1 month')::date END,
               NULL, false, NULL, f.filed_at - interval '1 hour', f.filed_at /*more values*/
        FROM auth_user u
        CROSS JOIN jsonb_to_recordset(%(templates)s::jsonb)
            AS t(n int, key text, slug text, status text, kind text, escalates int)
        JOIN requests_app_action a ON a.slug = t.slug
        LEFT JOIN requests_app_platform p ON p.id = a.platform_id
        CROSS JOIN LATERAL (SELECT now() - make_interval(days => (u.id * 7 + t.n * 13) %% 80) AS filed_at) f
        WHERE u.username LIKE 'bench-%%'
        ORDER BY u.id, t.n
        """,
        {"letter": LETTER_BODY, "templates": templates},
    )
    # Events arrive in time order across everyone's requests, as they would in production; each
    # chain links its hashes (the values are not a valid signature chain: pages only list them).
    _insert(
        cursor,
        "requests_app_event",
        """
        INSERT INTO requests_app_event (submission_id, seq, type, at, data, prev_hash, hash /*more columns*/)
        SELECT s.id, k, (%(types)s::text[])[k], s.created_at + make_interval(hours => k),
               jsonb_build_object('status', s.status, 'seq', k),
               CASE WHEN k = 1 THEN repeat('0', 64)
                    ELSE encode(sha256(convert_to(s.id::text || ':' || (k - 1), 'UTF8')), 'hex') END,
               encode(sha256(convert_to(s.id::text || ':' || k, 'UTF8')), 'hex') /*more values*/
        FROM requests_app_submission s
        CROSS JOIN generate_series(1, %(events)s) AS k
        ORDER BY s.created_at + make_interval(hours => k)
        """,
        {"types": EVENT_TYPES, "events": EVENTS_PER_SUBMISSION},
    )


def _accounts() -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)
    reader = user_model.objects.get(username="bench-000001")
    reader.email = READER_EMAIL
    reader.password = password
    reader.save(update_fields=["email", "password"])
    EmailAddress.objects.filter(user=reader).update(email=READER_EMAIL)
    editor = user_model.objects.create(
        username="bench-editor", email=EDITOR_EMAIL, password=password, is_staff=True, is_superuser=True
    )
    EmailAddress.objects.create(user=editor, email=EDITOR_EMAIL, verified=True, primary=True)


def _editor_totp() -> None:
    """(Re)activate the editor's TOTP: it is sealed under SECRET_KEY, which is new in every bench run."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(email=EDITOR_EMAIL)
    Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).delete()
    TOTP.activate(editor, EDITOR_TOTP_SECRET)


def seed(users: int) -> str:
    """Seed unless the database already holds this seed; returns what was done."""
    from django.db import connection, transaction

    key = version_key(users)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_seed (version text PRIMARY KEY, seconds float NOT NULL)")
        cursor.execute("SELECT version FROM bench_seed")
        found = [row[0] for row in cursor.fetchall()]
    if found == [key]:
        _editor_totp()
        return f"reused seed {key}"
    if found:
        raise SystemExit(f"database holds seed {found}, not {key}: drop it and run again")
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        _bulk(cursor, users)
        _accounts()
        _editor_totp()
        cursor.execute("INSERT INTO bench_seed (version, seconds) VALUES (%s, %s)", [key, time.monotonic() - started])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"seeded {key} in {time.monotonic() - started:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    print(seed(args.users))


if __name__ == "__main__":
    main()
