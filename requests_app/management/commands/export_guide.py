"""`manage.py export_guide [--path DIR]`: write the guide in the database back to YAML files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from requests_app.guide.yaml_io import GUIDE_DIR, export_guide


class Command(BaseCommand):
    help = (
        "Write the guide content in the database to YAML files in the format load_guide reads, "
        "in a fixed order so that editors' changes can be reviewed as a diff."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=GUIDE_DIR, help=f"Guide directory (default: {GUIDE_DIR}).")

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        for line in export_guide(path).lines():
            self.stdout.write(line)
