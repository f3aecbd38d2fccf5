"""`manage.py send_reminders`: enqueue the reminder emails that are due (run it daily, see docs/DEPLOY.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from requests_app.tracking.reminders import enqueue_due_reminders


class Command(BaseCommand):
    help = (
        "Enqueue one task per reminder email that is due (a week before, the day before, and after a "
        "deadline passed). Safe to run often and on several machines: each reminder is sent once. "
        "The worker (manage.py db_worker) sends them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = enqueue_due_reminders()
        self.stdout.write(f"Enqueued {count} reminder{'' if count == 1 else 's'}.")
