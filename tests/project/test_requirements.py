"""Every library the running site imports is pinned in requirements.txt (not only in the dev file).

pikepdf, which /verify/ needs, once sat in requirements-dev.txt: the suite passed (it installs both)
while a production install answered every upload with "cannot be read".
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
RUNTIME_CODE = [*BASE_DIR.glob("requests_app/**/*.py"), *BASE_DIR.glob("config/*.py")]
LOCAL = {"requests_app", "config"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            names.add(normalise(re.split(r"[\[=<>~!]", line)[0]))
    return names


def imported_top_levels(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def test_every_runtime_import_is_pinned_in_requirements_txt():
    distributions = packages_distributions()
    runtime = pinned(BASE_DIR / "requirements.txt")
    missing = {}
    for path in RUNTIME_CODE:
        if "migrations" in path.parts or "settings_test" in path.name:
            continue
        for module in imported_top_levels(path) - LOCAL - set(sys.stdlib_module_names) - {"__future__"}:
            dists = {normalise(d) for d in distributions.get(module, [module])}
            if not dists & runtime:
                missing.setdefault(module, []).append(str(path.relative_to(BASE_DIR)))
    assert missing == {}


def test_it_notices_a_library_missing_from_the_pins(tmp_path):
    """The test above could not fail if the parsing missed imports or pins."""
    code = tmp_path / "x.py"
    code.write_text("import pikepdf\nfrom weasyprint import HTML\n")
    assert imported_top_levels(code) == {"pikepdf", "weasyprint"}
    pins = tmp_path / "requirements.txt"
    pins.write_text("# comment\nweasyprint==70.0\ndjango-allauth[mfa]==65.22.1\n")
    assert pinned(pins) == {"weasyprint", "django-allauth"}
