"""Translations as rows: move the en/de text columns into one text row per (object, language).

Creates JurisdictionText, RegionText, ActionText and StepText (with history), copies every
non-empty `<field>_en`/`<field>_de` column into rows (English always, as the source), records a
history row for each so the guide's content version moves on, and gives the "Content editors"
group the new models. Letter templates gain review fields and lose `choices=` on `language`.
0012 removes the columns. Backwards, rows in en and de go back into the columns.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The columns as they were in 0010: model -> (text model, parent field, translated fields).
MOVED = {
    "jurisdiction": ("jurisdictiontext", "jurisdiction", ("name", "authority_name")),
    "region": ("regiontext", "region", ("name", "local_authority_name")),
    "action": ("actiontext", "action", ("title", "summary", "legal_basis", "caveat")),
    "step": ("steptext", "step", ("title", "body", "caveat")),
}
COLUMN_LANGUAGES = ("en", "de")


def columns_to_rows(apps, schema_editor):
    db = schema_editor.connection.alias
    now = django.utils.timezone.now()
    for model_name, (text_name, parent, fields) in MOVED.items():
        Model = apps.get_model("requests_app", model_name)
        Text = apps.get_model("requests_app", text_name)
        History = apps.get_model("requests_app", f"historical{text_name}")
        columns = [f"{field}_{language}" for field in fields for language in COLUMN_LANGUAGES]
        rows = []
        for pk, *values in Model.objects.using(db).values_list("pk", *columns).iterator():
            by_column = dict(zip(columns, values, strict=True))
            for language in COLUMN_LANGUAGES:
                texts = {field: by_column[f"{field}_{language}"] or "" for field in fields}
                if language == "en" or any(texts.values()):
                    rows.append(Text(**{f"{parent}_id": pk}, language=language, **texts))
        Text.objects.using(db).bulk_create(rows, batch_size=500)
        History.objects.using(db).bulk_create(
            [
                History(
                    id=row.id,
                    **{f"{parent}_id": getattr(row, f"{parent}_id")},
                    language=row.language,
                    **{field: getattr(row, field) for field in fields},
                    history_date=now,
                    history_type="+",
                    history_change_reason="Moved from the per-language columns (migration 0011)",
                )
                for row in Text.objects.using(db).all()
            ],
            batch_size=500,
        )


def rows_to_columns(apps, schema_editor):
    db = schema_editor.connection.alias
    for model_name, (text_name, parent, fields) in MOVED.items():
        Model = apps.get_model("requests_app", model_name)
        Text = apps.get_model("requests_app", text_name)
        for row in Text.objects.using(db).filter(language__in=COLUMN_LANGUAGES).iterator():
            Model.objects.using(db).filter(pk=getattr(row, f"{parent}_id")).update(
                **{f"{field}_{row.language}": getattr(row, field) for field in fields}
            )


# Added to the "Content editors" group of 0002: guide content, and its history view-only.
TEXT_MODELS = ["jurisdictiontext", "regiontext", "actiontext", "steptext"]


def _codenames() -> list[str]:
    codenames = [f"{verb}_{model}" for model in TEXT_MODELS for verb in ("view", "add", "change", "delete")]
    return codenames + [f"view_historical{model}" for model in TEXT_MODELS]


def grant_editors(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    db = schema_editor.connection.alias
    app_config = apps.get_app_config("requests_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=db)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(db).filter(name="Content editors").first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.using(db).filter(content_type__app_label="requests_app", codename__in=_codenames())
    )


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0010_submission_filing_dates_and_pauses'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='region',
            options={'ordering': ['order', 'slug']},
        ),
        migrations.AddField(
            model_name='historicallettertemplate',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicallettertemplate',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='lettertemplate',
            name='reviewed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='lettertemplate',
            name='reviewed_by',
            field=models.ForeignKey(blank=True, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='historicallettertemplate',
            name='language',
            field=models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8),
        ),
        migrations.AlterField(
            model_name='lettertemplate',
            name='language',
            field=models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8),
        ),
        migrations.CreateModel(
            name='HistoricalActionText',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                ('summary', models.TextField(blank=True, help_text='Markdown.', verbose_name='summary')),
                ('legal_basis', models.CharField(blank=True, help_text='e.g. GDPR Art. 21(1)', max_length=300)),
                ('caveat', models.TextField(blank=True, help_text='Shown to people, e.g. that a form could not be verified. Never in letter text.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('action', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='requests_app.action')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical action text',
                'verbose_name_plural': 'historical action texts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalJurisdictionText',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('authority_name', models.CharField(blank=True, max_length=200, verbose_name='authority name')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('jurisdiction', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='requests_app.jurisdiction')),
                ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical jurisdiction text',
                'verbose_name_plural': 'historical jurisdiction texts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalRegionText',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('local_authority_name', models.CharField(blank=True, max_length=200, verbose_name='local authority name')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('region', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='requests_app.region')),
                ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical region text',
                'verbose_name_plural': 'historical region texts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalStepText',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                ('body', models.TextField(blank=True, help_text='Markdown.', verbose_name='instructions')),
                ('caveat', models.TextField(blank=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('step', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='requests_app.step')),
            ],
            options={
                'verbose_name': 'historical step text',
                'verbose_name_plural': 'historical step texts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ActionText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                ('summary', models.TextField(blank=True, help_text='Markdown.', verbose_name='summary')),
                ('legal_basis', models.CharField(blank=True, help_text='e.g. GDPR Art. 21(1)', max_length=300)),
                ('caveat', models.TextField(blank=True, help_text='Shown to people, e.g. that a form could not be verified. Never in letter text.')),
                ('action', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='requests_app.action')),
                ('reviewed_by', models.ForeignKey(blank=True, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['action', 'language'],
                'constraints': [models.UniqueConstraint(fields=('action', 'language'), name='one_text_per_action_language')],
            },
        ),
        migrations.CreateModel(
            name='JurisdictionText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('authority_name', models.CharField(blank=True, max_length=200, verbose_name='authority name')),
                ('jurisdiction', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='requests_app.jurisdiction')),
                ('reviewed_by', models.ForeignKey(blank=True, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['jurisdiction', 'language'],
                'constraints': [models.UniqueConstraint(fields=('jurisdiction', 'language'), name='one_text_per_jurisdiction_language')],
            },
        ),
        migrations.CreateModel(
            name='RegionText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('name', models.CharField(blank=True, max_length=200, verbose_name='name')),
                ('local_authority_name', models.CharField(blank=True, max_length=200, verbose_name='local authority name')),
                ('region', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='requests_app.region')),
                ('reviewed_by', models.ForeignKey(blank=True, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['region', 'language'],
                'constraints': [models.UniqueConstraint(fields=('region', 'language'), name='one_text_per_region_language')],
            },
        ),
        migrations.CreateModel(
            name='StepText',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                ('language', models.CharField(help_text='A language code of settings.LANGUAGES, e.g. “de”.', max_length=8)),
                ('title', models.CharField(blank=True, max_length=200, verbose_name='title')),
                ('body', models.TextField(blank=True, help_text='Markdown.', verbose_name='instructions')),
                ('caveat', models.TextField(blank=True)),
                ('reviewed_by', models.ForeignKey(blank=True, help_text='Who reviewed this text in admin; blank when it was reviewed in a pull request (the YAML files).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('step', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='texts', to='requests_app.step')),
            ],
            options={
                'ordering': ['step', 'language'],
                'constraints': [models.UniqueConstraint(fields=('step', 'language'), name='one_text_per_step_language')],
            },
        ),
        migrations.RunPython(columns_to_rows, rows_to_columns),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
