"""Seal the two-factor secrets stored before they were encrypted at rest (requests_app/accounts/mfa_secrets.py)."""

from django.db import migrations

from requests_app.accounts import mfa_secrets, sealing


def seal_stored_secrets(apps, schema_editor):
    authenticators = apps.get_model("mfa", "Authenticator").objects.using(schema_editor.connection.alias)
    mfa_secrets.update_all(authenticators.all(), mfa_secrets.seal_plain)


def open_stored_secrets(apps, schema_editor):
    authenticators = apps.get_model("mfa", "Authenticator").objects.using(schema_editor.connection.alias)
    def open_sealed(value):
        return mfa_secrets.unseal(value) if sealing.looks_sealed(value) else value

    _saved, failed = mfa_secrets.update_all(authenticators.all(), open_sealed)
    if failed:
        raise RuntimeError(f"authenticators {failed} were sealed under a key that is no longer configured")


class Migration(migrations.Migration):
    dependencies = [
        ("mfa", "0003_authenticator_type_uniq"),
        ("requests_app", "0008_submission_evidence_key"),
    ]

    operations = [migrations.RunPython(seal_stored_secrets, open_stored_secrets, elidable=False)]
