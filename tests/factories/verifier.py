"""The standalone verifier (tools/verify_evidence.py) as a person runs it: a subprocess with only
its own file, or in process (loaded from its path, as it is not a package), with key files on disk."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from requests_app.evidence.keys import public_key_pem

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_evidence.py"


def load_verifier() -> ModuleType:
    """The verifier module, loaded from its file (it is a script, not part of any package)."""
    spec = importlib.util.spec_from_file_location("verify_evidence", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules[spec.name]


def key_file(directory: Path, key: Ed25519PrivateKey, name: str = "key.pem") -> Path:
    path = directory / name
    path.write_text(public_key_pem(key))
    return path


def json_file(directory: Path, value: object, name: str = "evidence.json") -> Path:
    path = directory / name
    path.write_bytes(value if isinstance(value, bytes) else json.dumps(value, ensure_ascii=False).encode())
    return path


@dataclass(frozen=True)
class Run:
    code: int
    output: str


def run_verifier(*args: str | Path, cwd: Path) -> Run:
    """Run the verifier in an isolated interpreter (-I: no PYTHONPATH, no script or working directory
    on sys.path), from a directory outside the project, so it cannot reach the site's code."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and file)
        [sys.executable, "-I", str(VERIFIER), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return Run(result.returncode, result.stdout + result.stderr)


def run_in_process(module: ModuleType, *args: str | Path) -> Run:
    out = io.StringIO()
    code = module.main([str(arg) for arg in args], out=out)
    return Run(code, out.getvalue())
