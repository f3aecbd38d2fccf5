"""`manage.py load_guide [--path DIR]`: upsert the shipped guide from its YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from requests_app.guide_io import GUIDE_DIR, GuideError, load_guide


class Command(BaseCommand):
    help = (
        "Load the guide (jurisdictions, regions, platforms, actions, steps, letters) from YAML files: "
        "creates or updates entries by slug in one transaction, and changes nothing if any entry is invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=GUIDE_DIR, help=f"Guide directory (default: {GUIDE_DIR}).")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            report = load_guide(path)
        except GuideError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
