"""Remove the per-language text columns (and their copies in the history tables).

Their text is in the text rows since 0011; kept apart from it so that no table is altered in the
transaction that wrote rows referencing it (PostgreSQL refuses to alter a table with pending
deferred-constraint events). The required English columns first get a default, so that going
backwards can add them again to tables that have rows (0011 then fills them from the rows).
"""

from __future__ import annotations

from django.db import migrations, models

REQUIRED = {"jurisdiction": "name_en", "region": "name_en", "action": "title_en", "step": "title_en"}


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0011_translations_as_rows"),
    ]

    operations = [
        *(
            migrations.AlterField(
                model_name=prefix + model, name=column, field=models.CharField(max_length=200, default="")
            )
            for model, column in REQUIRED.items()
            for prefix in ("", "historical")
        ),
        migrations.RemoveField(
            model_name='action',
            name='caveat_de',
        ),
        migrations.RemoveField(
            model_name='action',
            name='caveat_en',
        ),
        migrations.RemoveField(
            model_name='action',
            name='legal_basis_de',
        ),
        migrations.RemoveField(
            model_name='action',
            name='legal_basis_en',
        ),
        migrations.RemoveField(
            model_name='action',
            name='summary_de',
        ),
        migrations.RemoveField(
            model_name='action',
            name='summary_en',
        ),
        migrations.RemoveField(
            model_name='action',
            name='title_de',
        ),
        migrations.RemoveField(
            model_name='action',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='caveat_de',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='caveat_en',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='legal_basis_de',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='legal_basis_en',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='summary_de',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='summary_en',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='title_de',
        ),
        migrations.RemoveField(
            model_name='historicalaction',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='historicaljurisdiction',
            name='authority_name_de',
        ),
        migrations.RemoveField(
            model_name='historicaljurisdiction',
            name='authority_name_en',
        ),
        migrations.RemoveField(
            model_name='historicaljurisdiction',
            name='name_de',
        ),
        migrations.RemoveField(
            model_name='historicaljurisdiction',
            name='name_en',
        ),
        migrations.RemoveField(
            model_name='historicalregion',
            name='local_authority_name_de',
        ),
        migrations.RemoveField(
            model_name='historicalregion',
            name='local_authority_name_en',
        ),
        migrations.RemoveField(
            model_name='historicalregion',
            name='name_de',
        ),
        migrations.RemoveField(
            model_name='historicalregion',
            name='name_en',
        ),
        migrations.RemoveField(
            model_name='historicalstep',
            name='body_de',
        ),
        migrations.RemoveField(
            model_name='historicalstep',
            name='body_en',
        ),
        migrations.RemoveField(
            model_name='historicalstep',
            name='caveat_de',
        ),
        migrations.RemoveField(
            model_name='historicalstep',
            name='caveat_en',
        ),
        migrations.RemoveField(
            model_name='historicalstep',
            name='title_de',
        ),
        migrations.RemoveField(
            model_name='historicalstep',
            name='title_en',
        ),
        migrations.RemoveField(
            model_name='jurisdiction',
            name='authority_name_de',
        ),
        migrations.RemoveField(
            model_name='jurisdiction',
            name='authority_name_en',
        ),
        migrations.RemoveField(
            model_name='jurisdiction',
            name='name_de',
        ),
        migrations.RemoveField(
            model_name='jurisdiction',
            name='name_en',
        ),
        migrations.RemoveField(
            model_name='region',
            name='local_authority_name_de',
        ),
        migrations.RemoveField(
            model_name='region',
            name='local_authority_name_en',
        ),
        migrations.RemoveField(
            model_name='region',
            name='name_de',
        ),
        migrations.RemoveField(
            model_name='region',
            name='name_en',
        ),
        migrations.RemoveField(
            model_name='step',
            name='body_de',
        ),
        migrations.RemoveField(
            model_name='step',
            name='body_en',
        ),
        migrations.RemoveField(
            model_name='step',
            name='caveat_de',
        ),
        migrations.RemoveField(
            model_name='step',
            name='caveat_en',
        ),
        migrations.RemoveField(
            model_name='step',
            name='title_de',
        ),
        migrations.RemoveField(
            model_name='step',
            name='title_en',
        ),
    ]
