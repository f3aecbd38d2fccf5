from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Opt-Out Guide")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connects the receivers that claim a visitor's plan on sign-up and sign-in, and registers
        # the guide's admin (Django's autodiscovery looks for requests_app.admin only) and the system checks.
        from django.db.models.signals import post_migrate

        from .evidence import checks  # noqa: F401
        from .guide import admin  # noqa: F401
        from .web import shared_cache  # the system check registers on import
        from .wizard import plan_store  # noqa: F401

        post_migrate.connect(shared_cache.create_cache_tables, sender=self)
