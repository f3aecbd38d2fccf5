"""The "Content editors" group: edit guide content in admin, and nothing else.

The model lists are frozen here rather than imported, so that the migration
keeps meaning what it meant when later models (user data) are added: those
must never be granted to editors by this group.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Content editors"

# Guide content: editors may view, add, change and delete these.
CONTENT_MODELS = [
    "jurisdiction",
    "region",
    "platform",
    "platformcontroller",
    "action",
    "step",
    "lettertemplate",
]
# Their history (django-simple-history): view only, so the record cannot be rewritten.
HISTORY_MODELS = [
    "historicaljurisdiction",
    "historicalregion",
    "historicalplatform",
    "historicalplatformcontroller",
    "historicalaction",
    "historicalaction_jurisdictions",
    "historicalstep",
    "historicallettertemplate",
]


def _codenames() -> list[str]:
    codenames = [f"{verb}_{model}" for model in CONTENT_MODELS for verb in ("view", "add", "change", "delete")]
    codenames += [f"view_{model}" for model in HISTORY_MODELS]
    return codenames


def create_group(apps, schema_editor):
    # Permissions are normally created by post_migrate, after all migrations:
    # create them now so that a fresh database gets a complete group.
    app_config = apps.get_app_config("requests_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    codenames = _codenames()
    permissions = list(
        Permission.objects.using(db).filter(content_type__app_label="requests_app", codename__in=codenames)
    )
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the content editors group: {sorted(missing)}")
    group, _ = Group.objects.using(db).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def delete_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
