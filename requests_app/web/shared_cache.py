"""The cache every worker shares: its database table is made by `migrate`, and a per-process one is flagged.

Rate limits (allauth's and requests_app/web/throttle.py's) are counted in the default cache. A cache
that lives in one process lets each gunicorn worker count on its own: with two workers a limit of
30 a minute let 55 through. Production's default is therefore Django's database cache
(config/settings.py); its table is created after every `migrate` here, so `make run`, the Dockerfile
and a deployment need no manual `createcachetable`.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.management import call_command

PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def create_cache_tables(sender, using: str = "default", verbosity: int = 1, **kwargs) -> None:
    """post_migrate: create the database cache's table if a cache uses one (idempotent, like the command)."""
    uses_table = any(
        cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache" for cache in settings.CACHES.values()
    )
    if uses_table:
        call_command("createcachetable", database=using, verbosity=max(verbosity - 1, 0))


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS:
        return []
    return [
        checks.Warning(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) lives in one process: each worker and server "
            "would count rate limits on its own.",
            hint="Leave CACHE_URL unset (the database cache) or set it to a Redis that every server shares.",
            id="requests_app.W001",
        )
    ]
