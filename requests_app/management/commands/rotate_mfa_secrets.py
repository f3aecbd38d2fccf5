"""Seal every stored two-factor secret again under the current SECRET_KEY.

    manage.py rotate_mfa_secrets

Run after moving the old key to SECRET_KEY_FALLBACKS and before dropping it (docs/DEPLOY.md):
secrets are sealed under a key derived from SECRET_KEY (requests_app/mfa_secrets.py). Exits
non-zero, naming the authenticators by id only, when a secret opens under no configured key.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from requests_app import mfa_secrets


class Command(BaseCommand):
    help = "Re-encrypt two-factor secrets under the current SECRET_KEY (after a key rotation)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            saved, failed = mfa_secrets.update_all(
                Authenticator.objects.select_for_update().order_by("pk"), mfa_secrets.reseal
            )
        self.stdout.write(f"Sealed the secrets of {saved} authenticator(s) under the current SECRET_KEY.")
        if failed:
            raise CommandError(
                f"{len(failed)} authenticator(s) could not be opened with SECRET_KEY or SECRET_KEY_FALLBACKS "
                f"(ids {', '.join(map(str, failed))}): put the key they were sealed under back in "
                "SECRET_KEY_FALLBACKS, or have those people set up two-factor authentication again."
            )
