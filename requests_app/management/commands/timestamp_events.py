"""`manage.py timestamp_events`: enqueue the RFC 3161 timestamps still missing (run it every few minutes).

Each appended event's chain head is timestamped by the task worker right after the event is
committed, and the task retries by itself for a few hours when the authority fails; this command
catches whatever is still without a token after that (or was never enqueued: a queue that was
down), newest first, at most `--limit` a run. Nothing happens when EVIDENCE_TSA_URL is empty.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from requests_app.evidence.event_timestamps import SWEEP_BATCH, enqueue_missing


class Command(BaseCommand):
    help = (
        "Enqueue a timestamp task for each evidence event whose chain head has no RFC 3161 timestamp yet "
        "(the worker, manage.py db_worker, asks the authority). Safe to run often: a token is stored once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Only events appended in the last DAYS days.")
        parser.add_argument("--limit", type=int, default=SWEEP_BATCH, help="At most this many a run.")

    def handle(self, *args: Any, days: int | None = None, limit: int = SWEEP_BATCH, **options: Any) -> None:
        since = timezone.now() - datetime.timedelta(days=days) if days is not None else None
        count = enqueue_missing(since=since, limit=limit)
        self.stdout.write(f"Enqueued {count} timestamp{'' if count == 1 else 's'}.")
