"""PDFs in tests: their text, pages and embedded files, as standard tools read them, and a server that
records (and must never get) a request from the renderer."""

from __future__ import annotations

import http.server
import io
import subprocess
import threading
from pathlib import Path

import pikepdf


class RecordingServer:
    """An HTTP server on 127.0.0.1 that records every request it gets (none should arrive).

    It answers a stylesheet that asks for a font, or with `redirect_to`, a redirect there: two ways
    a renderer that fetched would be led further.
    """

    def __init__(self, redirect_to: str | None = None) -> None:
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
                hits.append(self.path)
                if redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.end_headers()
                    return
                body = b"body { color: red } @font-face { font-family: x; src: url(/font.ttf) }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self) -> RecordingServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *args: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def pdf_tool(tool: str, content: bytes, tmp_path: Path, *args: str) -> str:
    """What a poppler tool (`pdffonts`, `pdfinfo`...) prints about `content`."""
    path = tmp_path / "tool.pdf"
    path.write_bytes(content)
    return subprocess.run([tool, *args, str(path)], capture_output=True, text=True, check=True).stdout


def pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def embedded_files(content: bytes) -> dict[str, bytes]:
    with pikepdf.open(io.BytesIO(content)) as document:
        return {name: spec.get_file().read_bytes() for name, spec in document.attachments.items()}


def pdfa_status(content: bytes) -> str:
    with pikepdf.open(io.BytesIO(content)) as document:
        return document.open_metadata().pdfa_status


def replace_embedded(content: bytes, name: str, data: bytes) -> bytes:
    """The PDF with its embedded file `name` replaced by `data` (as someone editing it would)."""
    with pikepdf.open(io.BytesIO(content)) as document:
        document.attachments[name] = pikepdf.AttachedFileSpec(document, data, filename=name)
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def pdf_pages(content: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(info.split("Pages:")[1].split()[0])


def structure(content: bytes) -> tuple[str, list[tuple[str, str]]]:
    """(the document's /Lang, its structure elements in reading order as (tag, alt text or ""))."""
    with pikepdf.open(io.BytesIO(content)) as document:
        root = document.Root
        lang = str(root.get("/Lang", ""))
        elements: list[tuple[str, str]] = []

        def walk(node: object) -> None:
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                elements.append((str(node.S)[1:], str(node.get("/Alt", ""))))
                walk(node.get("/K", pikepdf.Array()))
            elif isinstance(node, pikepdf.Dictionary) and "/K" in node:
                walk(node.K)

        if "/StructTreeRoot" in root:
            walk(root.StructTreeRoot)
        return lang, elements


def marked(content: bytes) -> bool:
    with pikepdf.open(io.BytesIO(content)) as document:
        return bool(document.Root.get("/MarkInfo", {}).get("/Marked", False))


def rendered_pages(content: bytes, tmp_path: Path) -> list[Path]:
    """Every page rendered by pdftoppm (low resolution), as PNG files in page order."""
    path = tmp_path / "render.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True, capture_output=True)
    return sorted(tmp_path.glob("page*.png"))
