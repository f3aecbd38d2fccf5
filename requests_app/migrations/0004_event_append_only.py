"""The database itself refuses to change or delete evidence events.

Triggers on SQLite and PostgreSQL reject every UPDATE and DELETE on the event
table, so even a raw SQL statement or a bug that bypasses the model API cannot
rewrite the log. TRUNCATE is left to the table's owner (the test runner's flush
uses it); the owner can also drop the triggers, and verify_evidence then catches
any edit through the hash chain.
"""

from __future__ import annotations

from django.db import migrations

TABLE = "requests_app_event"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER event_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'evidence events are append-only'); END;""",
    f"""CREATE TRIGGER event_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'evidence events are append-only'); END;""",
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS event_no_update;", "DROP TRIGGER IF EXISTS event_no_delete;"]

POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'evidence events are append-only'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER event_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION event_append_only();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS event_no_update_delete ON {TABLE};",
    "DROP FUNCTION IF EXISTS event_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0003_user_data")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
