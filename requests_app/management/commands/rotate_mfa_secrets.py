"""Seal every stored two-factor secret again under the current SECRET_KEY.

    manage.py rotate_mfa_secrets          # after moving the old key to SECRET_KEY_FALLBACKS
    manage.py rotate_mfa_secrets --check  # before dropping it: does SECRET_KEY alone open them all?

Secrets are sealed under a key derived from SECRET_KEY (requests_app/accounts/mfa_secrets.py); one stored in
the clear (by a server still on older code during a deploy) is sealed for the first time. Exits
non-zero, naming the authenticators by id only, when a secret opens under no configured key (or,
with --check, not under SECRET_KEY alone).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from requests_app.accounts import mfa_secrets


class Command(BaseCommand):
    help = "Re-encrypt two-factor secrets under the current SECRET_KEY (after a key rotation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Change nothing; fail unless SECRET_KEY alone opens every secret."
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        with transaction.atomic():
            authenticators = Authenticator.objects.select_for_update().order_by("pk")
            saved, failed = mfa_secrets.update_all(authenticators, mfa_secrets.check if check else mfa_secrets.reseal)
        if check:
            if failed:
                raise CommandError(
                    f"{len(failed)} authenticator(s) do not open with SECRET_KEY alone "
                    f"(ids {', '.join(map(str, failed))}): run rotate_mfa_secrets before dropping SECRET_KEY_FALLBACKS."
                )
            self.stdout.write("Every two-factor secret opens with SECRET_KEY alone.")
            return
        self.stdout.write(f"Sealed the secrets of {saved} authenticator(s) under the current SECRET_KEY.")
        if failed:
            raise CommandError(
                f"{len(failed)} authenticator(s) could not be opened with SECRET_KEY or SECRET_KEY_FALLBACKS "
                f"(ids {', '.join(map(str, failed))}): put the key they were sealed under back in "
                "SECRET_KEY_FALLBACKS, or have those people set up two-factor authentication again."
            )
