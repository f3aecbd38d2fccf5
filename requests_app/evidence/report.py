"""The verdict on an uploaded PDF or record as plain text lines, for `manage.py verify_evidence --pdf`.

The same checks as /verify/ (`upload.verify_upload`: the PDF's own signature and timestamps, the
pages' text against the record, each embedded record, its chain and signature), written out for a
terminal: a first line saying VALID or NOT VALID, then each part with what it proves or what fails.
"""

from __future__ import annotations

from .upload import UploadVerdict

VALID = "VALID"
NOT_VALID = "NOT VALID"


def _bullets(lines: list[str]) -> list[str]:
    return [f"  - {line}" for line in lines]


def verdict_lines(result: UploadVerdict, *, name: str) -> list[str]:
    """What /verify/ would say about `result`, as lines of text (the first is the verdict)."""
    records = result.found.records
    kind = "evidence pack" if result.found.kind == "pack" else "evidence record"
    lines = [
        f"{name}: {VALID if result.ok else NOT_VALID} ({kind}, {len(records)} record{'s' if len(records) != 1 else ''})"
    ]
    if result.pdf is not None:
        lines.append(f"PDF signature: {'valid' if result.pdf.ok else 'NOT VALID'}")
        lines += _bullets(result.pdf.problems + result.pdf.facts)
    if result.pages is not None:
        lines.append(f"Page text: {'states the record' if result.pages.ok else 'DIFFERS from the record'}")
        lines += _bullets(result.pages.problems + result.pages.facts)
    for number, (verdict, _record) in enumerate(result.results, start=1):
        label = f"Record {number}" if len(records) > 1 else "Record"
        lines.append(f"{label}: {'valid' if verdict.ok else 'NOT VALID'}")
        if verdict.ok:
            summary = verdict.summary
            lines += _bullets(
                [
                    f"request {summary.get('submission')}: {summary.get('action')} ({summary.get('platform')})",
                    f"filed {summary.get('filed_at') or 'not filed when the record was made'} (UTC)",
                    f"chain of {summary.get('events')} events intact, head {summary.get('head')}",
                    f"signed with key {summary.get('key_id')}"
                    + (" (this site's key)" if verdict.trusted_key else " (NOT this site's key)"),
                ]
            )
        else:
            lines += _bullets(verdict.problems)
    for number, stamps in result.timestamped:
        label = f"Record {number} timestamps" if len(records) > 1 else "Timestamps"
        lines.append(f"{label} (RFC 3161, held by this site):")
        lines += _bullets(stamps.facts + stamps.notes)
    return lines
