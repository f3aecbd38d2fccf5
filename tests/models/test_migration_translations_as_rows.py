"""Migrations 0011 and 0012: the en/de text columns become text rows, on a database with guide and user data.

Runs on whichever database the tests use (SQLite by default; PostgreSQL with DATABASE_URL).
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE = [("requests_app", "0010_submission_filing_dates_and_pauses")]
AFTER = [("requests_app", "0012_remove_translation_columns")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _old_guide(apps):
    """Guide content and a person's data as the columns held them in 0010."""
    # As 0002 made it (transactional tests flush data migrations' rows, so it may be gone).
    apps.get_model("auth", "Group").objects.get_or_create(name="Content editors")
    jurisdiction = apps.get_model("requests_app", "Jurisdiction").objects.create(
        slug="gdpr",
        name_en="EU/EEA (GDPR)",
        name_de="EU/EWR (DSGVO)",
        law="gdpr",
        authority_name_en="Data Protection Commission (Ireland)",
    )
    apps.get_model("requests_app", "Region").objects.create(
        slug="germany", name_en="Germany", name_de="Deutschland", kind="eu_eea", jurisdiction=jurisdiction
    )
    action = apps.get_model("requests_app", "Action").objects.create(
        slug="object-ai-instagram",
        kind="request",
        title_en="Object",
        title_de="Widersprich",
        legal_basis_en="GDPR Art. 21(1)",
        legal_basis_de="Art. 21 Abs. 1 DSGVO",
    )
    apps.get_model("requests_app", "Step").objects.create(
        action=action, slug="open-form", title_en="Open the form", body_en="**Open** it.", caveat_de="Nur auf Deutsch"
    )
    apps.get_model("requests_app", "LetterTemplate").objects.create(
        action=action, language="de", subject="Widerspruch", body="Ich widerspreche."
    )
    user = apps.get_model("auth", "User").objects.create(username="person", email="person@example.org")
    apps.get_model("requests_app", "Plan").objects.create(user=user, data={"region": "germany"})


def test_it_moves_the_columns_into_rows_and_keeps_user_data():
    _migrate(BEFORE)
    _old_guide(_migrate(BEFORE))

    apps = _migrate(AFTER)

    texts = {
        (row.jurisdiction.slug, row.language): (row.name, row.authority_name)
        for row in apps.get_model("requests_app", "JurisdictionText").objects.all()
    }
    assert texts == {
        ("gdpr", "en"): ("EU/EEA (GDPR)", "Data Protection Commission (Ireland)"),
        ("gdpr", "de"): ("EU/EWR (DSGVO)", ""),
    }
    regions = apps.get_model("requests_app", "RegionText").objects.values_list("language", "name")
    assert sorted(regions) == [("de", "Deutschland"), ("en", "Germany")]
    action = apps.get_model("requests_app", "ActionText").objects.get(language="de")
    assert (action.title, action.legal_basis, action.summary) == ("Widersprich", "Art. 21 Abs. 1 DSGVO", "")
    steps = {row.language: row for row in apps.get_model("requests_app", "StepText").objects.all()}
    assert (steps["en"].title, steps["en"].body) == ("Open the form", "**Open** it.")
    assert (steps["de"].title, steps["de"].caveat) == ("", "Nur auf Deutsch")  # a German row where German text was
    # Each moved row has its first history record, so the guide's content version moves on.
    history = apps.get_model("requests_app", "HistoricalStepText").objects.all()
    assert sorted(h.language for h in history) == ["de", "en"]
    assert {h.history_type for h in history} == {"+"}
    # The columns are gone, also from the history tables.
    for table in ("requests_app_step", "requests_app_historicalstep"):
        columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), table)}
        assert not {"title_en", "title_de", "body_en", "caveat_de"} & columns
    letter = apps.get_model("requests_app", "LetterTemplate").objects.get()
    assert (letter.language, letter.reviewed_at, letter.reviewed_by) == ("de", None, None)
    assert apps.get_model("requests_app", "Plan").objects.get().data == {"region": "germany"}
    # Editors may edit the new rows.
    group = apps.get_model("auth", "Group").objects.get(name="Content editors")
    assert group.permissions.filter(codename="change_steptext").exists()


def test_it_runs_backwards_into_the_columns():
    _migrate(BEFORE)
    _old_guide(_migrate(BEFORE))
    _migrate(AFTER)

    apps = _migrate(BEFORE)

    action = apps.get_model("requests_app", "Action").objects.get()
    assert (action.title_en, action.title_de, action.legal_basis_de) == (
        "Object",
        "Widersprich",
        "Art. 21 Abs. 1 DSGVO",
    )
    step = apps.get_model("requests_app", "Step").objects.get()
    assert (step.title_en, step.caveat_de) == ("Open the form", "Nur auf Deutsch")
    call_command("migrate", verbosity=0)  # leave the database as the other tests expect it


def test_the_shipped_guide_survives_the_migration():
    """The shipped guide, loaded through today's code, reads the same after a round trip down and up."""
    call_command("load_guide", verbosity=0)
    from requests_app.models import Region, Step

    before = {s.slug: (s.text("title", "en"), s.text("title", "de", fallback=False)) for s in Step.objects.all()}
    regions = [r.slug for r in Region.sorted_by_name(Region.objects.all())]
    _migrate(BEFORE)
    _migrate(AFTER)
    call_command("migrate", "requests_app", verbosity=0)  # and on to the latest, which today's models read

    after = {s.slug: (s.text("title", "en"), s.text("title", "de", fallback=False)) for s in Step.objects.all()}
    assert after == before
    assert [r.slug for r in Region.sorted_by_name(Region.objects.all())] == regions
