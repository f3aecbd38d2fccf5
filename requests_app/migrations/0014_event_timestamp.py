"""RFC 3161 timestamps of the chain heads events make, one row per event, append-only like the events.

Triggers on SQLite and PostgreSQL refuse UPDATE and DELETE on the new table, as 0004 does for the
events: a token is written once, when the authority answered, and never changed.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

TABLE = "requests_app_eventtimestamp"

SQLITE_FORWARD = [
    f"""CREATE TRIGGER eventtimestamp_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'evidence timestamps are append-only'); END;""",
    f"""CREATE TRIGGER eventtimestamp_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'evidence timestamps are append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS eventtimestamp_no_update;",
    "DROP TRIGGER IF EXISTS eventtimestamp_no_delete;",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION eventtimestamp_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'evidence timestamps are append-only'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER eventtimestamp_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION eventtimestamp_append_only();""",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS eventtimestamp_no_update_delete ON {TABLE};",
    "DROP FUNCTION IF EXISTS eventtimestamp_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0013_submission_language_checked_in_clean"),
    ]

    operations = [
        migrations.CreateModel(
            name="EventTimestamp",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="timestamp",
                        serialize=False,
                        to="requests_app.event",
                    ),
                ),
                ("hash", models.CharField(max_length=64)),
                ("token", models.BinaryField()),
                ("authority", models.CharField(max_length=300)),
                ("time", models.DateTimeField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
