"""The app's import graph: no circles, and each layer imports only the layers below it.

`requests_app/` is read with `ast` (nothing is imported), every import is an edge, those inside
functions included (a lazy import that closes a circle is still a circle), and:

- no module is part of a circle;
- only a package's `urls.py` imports its views (views -> services -> pure modules and models);
- models import only models and pure modules;
- pure modules (PURE below: planning, the guide snapshot, Markdown, letters, deadlines, time zones,
  uploads, the evidence chain, canonical JSON, the record and key formats, the plan's session
  structure, the wizard's choices, which text can be shown) import only pure modules of the app, and of Django only
  `django.conf` and `django.utils`: no ORM, no request, no forms, no views.

The checks run on synthetic trees too, so each is seen to fail on what it forbids.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parents[2] / "requests_app"
PURE = frozenset(
    {
        "requests_app.guide.markup",
        "requests_app.guide.planning",
        "requests_app.guide.snapshot",
        "requests_app.letters.context",
        "requests_app.languages",
        "requests_app.letters.contract",
        "requests_app.letters.render",
        "requests_app.letters.sandbox",
        "requests_app.letters.validate",
        "requests_app.tracking.deadlines",
        "requests_app.tracking.time_zones",
        "requests_app.tracking.uploads",
        "requests_app.evidence.canonical",
        "requests_app.evidence.chain",
        "requests_app.evidence.keys",
        "requests_app.evidence.record",
        "requests_app.wizard.choices",
        "requests_app.wizard.plan_session",
        "requests_app.web.text",
    }
)
# What a pure module may use of Django: settings and its utilities (translation, dates, HTML escaping).
PURE_DJANGO = ("django.conf", "django.utils")


def module_name(path: Path, root: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _in_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(path: Path, root: Path, modules: Iterable[str]) -> set[str]:
    """Everything `path` imports: the app's modules it names (a package's submodule when `from . import x`
    names one), and the outside modules by their full names."""
    known = set(modules)
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if _in_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & known
            found.update(submodules)
            if len(submodules) < len(node.names):  # names from the module itself, not only its submodules
                found.add(target)
    return {target for target in found if target != name}


def import_graph(root: Path) -> dict[str, set[str]]:
    """{module: the modules it imports} for every module under `root` (a package directory)."""
    paths = sorted(root.rglob("*.py"))
    modules = [module_name(path, root) for path in paths]
    return {name: imports_of(path, root, modules) for name, path in zip(modules, paths, strict=True)}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles among the graph's own modules (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node] & graph.keys()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_problems(graph: dict[str, set[str]], pure: frozenset[str], app: str) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        own = {target for target in targets if target == app or target.startswith(app + ".")}
        for target in sorted(own):
            leaf = target.rpartition(".")[2]
            if leaf == "views" and module.rpartition(".")[2] != "urls":
                problems.append(f"{module} imports {target}: only urls.py imports views")
            if (
                ".models" in module
                and ".migrations" not in module
                and not (target.startswith(f"{app}.models") or target in pure)
            ):
                problems.append(f"{module} (a model) imports {target}, which is neither a model nor pure")
            if module in pure and target not in pure:
                problems.append(f"{module} is pure and imports {target}, which is not")
        if module in pure:
            for target in sorted(targets - own):
                if target.split(".")[0] == "django" and not target.startswith(PURE_DJANGO):
                    problems.append(f"{module} is pure and imports {target}")
    return problems


GRAPH = import_graph(APP_DIR)


def test_it_reads_the_whole_app():
    assert len(GRAPH) > 60
    assert "requests_app.tracking.services" in GRAPH
    assert "requests_app.evidence.events" in GRAPH["requests_app.tracking.services"]
    # Lazy imports count: the PDF renderer imports WeasyPrint inside its functions.
    assert "weasyprint" in GRAPH["requests_app.web.pdf"]
    # `from . import x` names the submodule x.
    assert "requests_app.tracking.deadlines" in GRAPH["requests_app.tracking.standing"]


def test_every_pure_module_exists():
    assert sorted(PURE - GRAPH.keys()) == []


def test_there_is_no_import_circle():
    assert cycles(GRAPH) == []


def test_each_layer_imports_only_the_layers_below_it():
    assert layer_problems(GRAPH, PURE, "requests_app") == []


# --- the checks fail on what they forbid ---------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = root / "app" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    for directory in [root / "app", *(root / "app").rglob("*")]:
        if directory.is_dir() and not (directory / "__init__.py").exists():
            (directory / "__init__.py").write_text("")
    return root / "app"


@pytest.mark.parametrize(
    "files",
    [
        {"a.py": "from . import b\n", "b.py": "from .a import x\n"},
        {"a.py": "from .b import y\n", "b.py": "def f():\n    from . import a\n"},  # closed by a lazy import
        {"p/one.py": "from ..q import two\n", "q/two.py": "from ..p.one import z\n"},
    ],
)
def test_it_finds_a_circle(tmp_path, files):
    assert cycles(import_graph(write(tmp_path, files))) != []


def test_it_ignores_imports_only_for_type_checking(tmp_path):
    files = {
        "a.py": "from . import b\n",
        "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n",
    }
    assert cycles(import_graph(write(tmp_path, files))) == []


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        (
            {"pure.py": "from .models import Thing\n", "models/__init__.py": ""},
            "app.pure is pure and imports app.models",
        ),
        ({"pure.py": "from django.db import models\n"}, "app.pure is pure and imports django.db"),
        ({"pure.py": "from django.http import HttpResponse\n"}, "app.pure is pure and imports django.http"),
        ({"services.py": "from . import views\n", "views.py": ""}, "app.services imports app.views"),
        ({"models/one.py": "from ..services import f\n", "services.py": ""}, "app.models.one (a model) imports"),
    ],
)
def test_it_finds_a_layer_imported_the_wrong_way(tmp_path, files, problem):
    problems = layer_problems(import_graph(write(tmp_path, files)), frozenset({"app.pure"}), "app")
    assert any(found.startswith(problem) for found in problems), problems


def test_a_pure_module_may_use_settings_translation_and_other_pure_modules(tmp_path):
    files = {
        "pure.py": "from django.conf import settings\nfrom django.utils.translation import gettext\nfrom . import other\n",
        "other.py": "",
    }
    assert layer_problems(import_graph(write(tmp_path, files)), frozenset({"app.pure", "app.other"}), "app") == []
