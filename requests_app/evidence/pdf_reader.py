"""Read the evidence record out of an uploaded PDF, in a child process with memory and CPU limits.

Anyone may upload a PDF to /verify/. qpdf (through pikepdf) unpacks a PDF's compressed object
streams whole, so a 600 KB file can ask for gigabytes; a parser that runs out of memory must take
down a disposable child, not the web server's worker. `extract(data)` runs this module as
`python -m requests_app.evidence.pdf_reader` under `resource` limits; the child imports no Django and
answers with a status line and the attachment's bytes.
"""

from __future__ import annotations

import io
import logging
import resource
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
PROJECT_DIR = Path(__file__).resolve().parents[2]
RECORD_FILENAME = "evidence.json"
PACK_FILENAME = "evidence-pack.json"
# Generous for a 20 MB PDF of ours (qpdf and Python need about 150 MB); far below a bomb's appetite.
MEMORY_LIMIT_BYTES = 768 * 1024 * 1024
CPU_LIMIT_SECONDS = 10
WALL_TIMEOUT_SECONDS = 20

# What the child can answer, besides "ok".
NO_RECORD = "no-record"
DAMAGED_RECORD = "damaged-record"
FOREIGN_ENCODING = "foreign-encoding"
RECORD_TOO_LARGE = "record-too-large"
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Extracted:
    status: str  # "ok" or one of the codes above
    name: str = ""
    content: bytes = b""


def _embedded_bytes(stream, limit: int) -> tuple[str, bytes]:
    """An embedded file's content, decompressed no further than `limit` bytes."""
    import pikepdf

    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array):
        filters = list(filters)
        filters = filters[0] if len(filters) == 1 else filters
    raw = stream.read_raw_bytes()
    if filters is None:
        content = raw
    elif filters == pikepdf.Name.FlateDecode and stream.get("/DecodeParms") is None:
        try:
            content = zlib.decompressobj().decompress(raw, limit + 1)
        except zlib.error:
            return DAMAGED_RECORD, b""
    else:
        return FOREIGN_ENCODING, b""
    if len(content) > limit:
        return RECORD_TOO_LARGE, b""
    return "ok", content


def _extract_here(data: bytes, limit: int) -> Extracted:
    import pikepdf

    try:
        # No recovery: a damaged file is reported, not silently reconstructed.
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as document:
            names = set(document.attachments.keys())
            name = RECORD_FILENAME if RECORD_FILENAME in names else PACK_FILENAME if PACK_FILENAME in names else None
            if name is None:
                return Extracted(NO_RECORD)
            status, content = _embedded_bytes(document.attachments[name].obj["/EF"]["/F"], limit)
            return Extracted(status, name, content)
    except Exception:  # qpdf reports a damaged file in many ways; each means the same here.
        return Extracted(UNREADABLE)


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_SECONDS, CPU_LIMIT_SECONDS))


def extract(data: bytes, limit: int) -> Extracted:
    """The evidence attachment of PDF `data`, read by a limited child process."""
    try:
        result = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "requests_app.evidence.pdf_reader", str(limit)],
            cwd=PROJECT_DIR,  # wherever the server was started from, the module is found
            input=data,
            capture_output=True,
            timeout=WALL_TIMEOUT_SECONDS,
            preexec_fn=_limit_child,  # noqa: PLW1509 (the child execs at once; no threads involved)
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Extracted(UNREADABLE)
    head, _, content = result.stdout.partition(b"\n")
    status, _, name = head.decode("ascii", "replace").partition(" ")
    if result.returncode != 0 or not status:
        # Killed for memory or CPU, or failed in a way it could not report: not a PDF of ours. Say so
        # to the operator too (the reader's own error, never the upload), in case it is the reader.
        last_line = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        logger.warning("PDF reader exited with %s: %s", result.returncode, last_line[0][:200])
        return Extracted(UNREADABLE)
    return Extracted(status, name, content if status == "ok" else b"")


def main() -> None:
    limit = int(sys.argv[1])
    found = _extract_here(sys.stdin.buffer.read(), limit)
    sys.stdout.buffer.write(f"{found.status} {found.name}\n".encode("ascii") + found.content)


if __name__ == "__main__":
    main()
