"""`manage.py load_guide [--path DIR] [--if-empty]`: upsert the shipped guide from its YAML files.

`--if-empty` loads only into a database without guide content: `make run` uses it, so running it
again never overwrites what editors changed in admin (they keep it with `export_guide`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.guide.yaml_io import GUIDE_DIR, GuideError, load_guide
from requests_app.models import Action


class Command(BaseCommand):
    help = (
        "Load the guide (jurisdictions, regions, platforms, actions, steps, letters) from YAML files: "
        "creates or updates entries by slug in one transaction, and changes nothing if any entry is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=GUIDE_DIR, help=f"Guide directory (default: {GUIDE_DIR}).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database holds no guide content yet (keeps editors' changes).",
        )

    def handle(self, *args: Any, path: Path, if_empty: bool = False, **options: Any) -> None:
        if if_empty and Action.objects.exists():
            self.stdout.write("The database already holds a guide: nothing loaded (editors' changes kept).")
            return
        try:
            report = load_guide(path)
        except GuideError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
