"""Benchmark: the signed evidence PDF and pack (and timestamped ones) against as many plain pages.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python bench/evidence_pdf.py [--repeat 3]

Creates a temporary SQLite database (deleted afterwards) holding one request with 20 events and
two screenshots, and a person with 50 filed requests. Each case then runs in a fresh subprocess
(so peak memory is that case's alone): one warm-up, then `--repeat` timed runs (median reported),
then one run under tracemalloc. The evidence cases time what the download view does (lock, append
the export event, gather, sign, render PDF/A-3b with the embedded JSON); the plain cases render
the same number of A4 pages of plain paragraphs with the same fonts and fetcher. Targets: each
evidence case within 2x of its plain baseline, in time and in peak memory.

Every evidence PDF is signed (PAdES, the site's certificate); each is measured twice: with no
time-stamping authority (signed B-B, "own clock") and with one on loopback (signed B-T: pyHanko asks
the authority twice, once to size the signature). The authority is the tests' own
(tests/factories/tsa.py: pyHanko's DummyTimeStamper behind http.server on 127.0.0.1), so the
figure is this site's cost plus a fast authority's, not a public authority's network round trip.
The time ratio is paired: each timed evidence run is followed, in the same process, by a plain render
of as many pages, and the median of those per-pair ratios is reported (the machine is shared, and its
load moves between two separate medians); memory comes from each case's own process. The first row
leaves the PDF signature out (the PDF as it was before issue #15), so its cost shows in the same run.
Last, the cost of timestamping an appended event: appending one event (and committing) with no
authority, and the worker's `event_timestamps.stamp` (ask the local authority, check, store).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

SCREENSHOTS = 2
TYPICAL_EVENTS = 20  # in the PDF, the export event included
PACK_SIZE = 50
VERIFY_URL = "https://opt-out-guide.example/verify/"
KEY_URL = "https://opt-out-guide.example/.well-known/opt-out-guide-evidence-key.pem"
PLAIN_LINE = "A plain paragraph of text, the same fonts and page size as the evidence PDF, line {n}."


def _setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("EVIDENCE_SIGNING_KEY", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
    import logging

    import django

    django.setup()
    # WeasyPrint logs every page it lays out at INFO; a bench of 150-page documents wants quiet.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


# --- data ---------------------------------------------------------------------------------------


def _screenshot(width: int, height: int, seed: int) -> bytes:
    """A synthetic screenshot: a white page with bars of text-like blocks (compresses like one)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 60), fill=(24, 119, 242))
    for row, y in enumerate(range(90, height - 40, 34)):
        length = 200 + (row * 97 + seed * 31) % (width - 260)
        draw.rectangle((30, y, 30 + length, y + 14), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _submission(user, number: int, filed_at: datetime.datetime):
    from requests_app.models import Submission

    body = "\n".join(
        [
            "To Meta Platforms Ireland Limited,",
            "",
            "I object under the GDPR Art. 21(1) to the processing of my personal data for the development "
            "and improvement of AI at Meta, including my posts, photos and their captions.",
            f"Account: @bench_{number}",
            "Name: Bench Person",
            "Email: bench@example.org",
            "",
            "My photos show my children, and I never agreed to their use for training AI models. "
            "Please confirm that you have stopped this processing.",
        ]
    )
    return Submission.objects.create(
        user=user,
        plan_item_key=f"object-ai-instagram#{number}",
        action_slug="object-ai-instagram",
        action_title="Object to Instagram using your information for AI",
        kind="request",
        platform_name="Instagram",
        region_slug="germany",
        region_name="Germany",
        jurisdiction_slug="gdpr",
        law="gdpr",
        legal_basis="GDPR Art. 21(1)",
        official_url="https://help.instagram.com/contact/767264225370182",
        recipient="Meta Platforms Ireland Limited",
        content_version="2025-05-26T10:00:00+00:00",
        account=f"@bench_{number}",
        letter_subject=f"Objection under GDPR Art. 21(1): Instagram account @bench_{number}",
        letter_body=body,
        form_fields=[
            {"label": "Country of residence", "value": "Germany"},
            {"label": "Email address", "value": "bench@example.org"},
            {"label": "Please explain how this processing impacts you", "value": "My photos show my children."},
        ],
        status="filed",
        filed_at=filed_at,
        filed_timezone="Europe/Berlin",
        reference=f"REF-{number:05d}",
        confirmation_text="Thanks, we received your objection.",
        due_on=datetime.date(2025, 2, 28),
        extended_due_on=datetime.date(2025, 4, 30),
        created_at=filed_at - datetime.timedelta(days=1),
    )


def _history(submission, *, events: int, screenshots: int) -> None:
    """`events` chained events: created, letter frozen, filed, screenshots, then replies and statuses."""
    from django.db import transaction

    from requests_app.evidence import chain
    from requests_app.evidence.events import append_event
    from requests_app.models import Attachment, StatusChange

    at = submission.filed_at
    with transaction.atomic():
        append_event(submission=submission, event_type="created", data={"action": submission.action_slug}, at=at)
        append_event(
            submission=submission,
            event_type="letter_frozen",
            data={"letter_hmac": chain.keyed_digest(submission.evidence_key, submission.letter_body)},
            at=at,
        )
        append_event(
            submission=submission,
            event_type="filed",
            data={"filed_at": chain.format_timestamp(at), "timezone": "Europe/Berlin", "received_on": "2025-01-31"},
            at=at,
        )
        written = 3
        for number in range(screenshots):
            content = _screenshot(*((1280, 800) if number % 2 == 0 else (750, 1334)), seed=number)
            item = Attachment.objects.create(
                submission=submission,
                content=content,
                content_type="image/png",
                size=len(content),
                width=1280 if number % 2 == 0 else 750,
                height=800 if number % 2 == 0 else 1334,
                sha256=chain.sha256_hex(content),
                created_at=at,
            )
            append_event(
                submission=submission,
                event_type="attachment_added",
                data={
                    "attachment": str(item.pk),
                    "attachment_hmac": chain.keyed_digest(submission.evidence_key, item.sha256),
                },
                at=at,
            )
            written += 1
        day = 0
        while written < events:
            day += 1
            change = StatusChange.objects.create(
                submission=submission,
                status="acknowledged",
                happened_on=datetime.date(2025, 2, 1) + datetime.timedelta(days=day % 25),
                reply_text=f"Reply {day}: thank you for contacting us. We are reviewing your request and will "
                "get back to you within the time the law allows.",
            )
            append_event(
                submission=submission,
                event_type="reply_recorded",
                data={
                    "reply_hmac": chain.keyed_digest(submission.evidence_key, change.reply_text),
                    "status_change": change.pk,
                },
                at=at + datetime.timedelta(days=day),
            )
            written += 1


def build_data() -> dict[str, str]:
    from django.contrib.auth.models import User

    from requests_app.models import Plan

    one = User.objects.create_user(username="bench-one", email="one@example.org")
    Plan.objects.create(user=one, data={"version": 1, "answers": {"name": "Bench Person"}, "done": []})
    filed = datetime.datetime(2025, 1, 31, 13, 30, tzinfo=datetime.UTC)
    typical = _submission(one, 1, filed)
    # The export appends one more event, so the PDF holds TYPICAL_EVENTS.
    _history(typical, events=TYPICAL_EVENTS - 1, screenshots=SCREENSHOTS)
    many = User.objects.create_user(username="bench-many", email="many@example.org")
    Plan.objects.create(user=many, data={"version": 1, "answers": {"name": "Bench Person"}, "done": []})
    for number in range(PACK_SIZE):
        submission = _submission(many, number, filed + datetime.timedelta(hours=number))
        _history(submission, events=5, screenshots=0)
    return {"typical_user": str(one.pk), "typical": str(typical.pk), "pack_user": str(many.pk)}


# --- cases (run in a child process) -------------------------------------------------------------


def _plain_html(paragraphs: int) -> str:
    from django.templatetags.static import static

    body = "".join(f"<p>{PLAIN_LINE.format(n=n)}</p>" for n in range(paragraphs))
    return (
        f'<html lang="en"><head><link rel="stylesheet" href="{static("css/pdf.css")}"></head><body>{body}</body></html>'
    )


def timestamp_cost(ids: dict[str, str], repeat: int) -> dict[str, float]:
    """Milliseconds (median of 20 x `repeat`) to append and commit one event, and to timestamp it."""
    from django.conf import settings
    from django.db import transaction

    from requests_app.evidence.event_timestamps import stamp
    from requests_app.evidence.events import append_event
    from requests_app.models import Submission

    submission = Submission.objects.get(pk=ids["typical"])
    url = settings.EVIDENCE_TSA_URL
    appends, stamps = [], []
    for _ in range(20 * repeat + 1):
        settings.EVIDENCE_TSA_URL = ""  # the append alone, as the request pays it
        start = time.perf_counter()
        with transaction.atomic():
            Submission.objects.select_for_update().get(pk=submission.pk)
            event = append_event(submission=submission, event_type="status_changed", data={"status": "filed"})
        appends.append(time.perf_counter() - start)
        settings.EVIDENCE_TSA_URL = url
        start = time.perf_counter()
        assert stamp(event.pk), "the local authority did not answer"
        stamps.append(time.perf_counter() - start)
    return {
        "append_ms": statistics.median(appends[1:]) * 1000,
        "stamp_ms": statistics.median(stamps[1:]) * 1000,
    }


def _case_function(case: str, ids: dict[str, str]):
    from django.contrib.auth.models import User

    from requests_app.evidence.export import export_evidence
    from requests_app.evidence.pdf import render_evidence_pdf
    from requests_app.web.pdf import render_pdf

    if case in ("evidence", "pack", "evidence-unsigned"):
        user = User.objects.get(pk=ids["pack_user" if case == "pack" else "typical_user"])
        only = None if case == "pack" else [ids["typical"]]
        if case == "evidence-unsigned":  # the same pages and record, the PDF signature left out
            from requests_app.evidence import pdf as evidence_pdf

            evidence_pdf.signed_pdf = lambda render: render(False)

        def run() -> bytes:
            items = export_evidence(user, only)
            content = render_evidence_pdf(items, verify_url=VERIFY_URL, key_url=KEY_URL, pack=case == "pack")
            # A signature that is missing would make the figures a lie: every run is checked.
            assert (b"/ByteRange" in content) is (case != "evidence-unsigned"), "signed or not, as the case says"
            return content

        return run
    paragraphs = int(case.split(":")[1])
    html = _plain_html(paragraphs)
    return lambda: render_pdf(html)


def _pages(content: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(content)) as document:
        return len(document.pages)


def child(case: str, ids: dict[str, str], repeat: int, paired: int = 0) -> dict[str, float]:
    """Time, memory and size of `case`; with `paired` (plain paragraphs), each timed run is followed by a
    plain render of as many pages, and the median of the per-pair ratios is reported: on a machine
    whose load changes from second to second, a ratio of neighbours is steadier than two medians."""
    if case == "timestamp":
        return timestamp_cost(ids, repeat)
    run = _case_function(case, ids)
    content = run()  # warm-up: imports, fonts, caches
    if paired < 0:  # as many plain pages as this case makes
        paired = plain_paragraphs_for(_pages(content))
    plain = _case_function(f"plain:{paired}", ids) if paired else None
    if plain:
        plain()
    times, ratios = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        content = run()
        times.append(time.perf_counter() - start)
        if plain:
            start = time.perf_counter()
            plain()
            ratios.append(times[-1] / (time.perf_counter() - start))
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    run()
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "seconds": statistics.median(times),
        "peak_rss_mb": peak_rss_mb,
        "traced_peak_mb": traced_peak / (1024 * 1024),
        "pages": _pages(content),
        "bytes": len(content),
        "paired_ratio": statistics.median(ratios) if ratios else 0.0,
        "paragraphs": paired,
    }


def run_child(case: str, ids: dict[str, str], repeat: int, *, tsa=None, paired: int = 0) -> dict[str, float]:
    """`case` in a fresh process; with `tsa` (a LocalTSA), the site asks that authority for timestamps."""
    environment = {**os.environ, "EVIDENCE_TSA_URL": tsa.url if tsa else "", "EVIDENCE_TSA_TIMEOUT": "10"}
    if tsa:
        environment["EVIDENCE_TSA_ROOTS"] = tsa.root_pem
    result = subprocess.run(
        [sys.executable, __file__, "--child", case, "--ids", json.dumps(ids), "--repeat", str(repeat)]
        + ["--paired", str(paired)],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if result.returncode:
        raise SystemExit(f"case {case} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def plain_paragraphs_for(pages: int) -> int:
    """How many plain paragraphs fill exactly `pages` A4 pages (measured, not guessed)."""
    from requests_app.web.pdf import render_pdf

    per_page = 40
    for _ in range(6):
        paragraphs = max(1, pages * per_page - per_page // 2)
        got = _pages(render_pdf(_plain_html(paragraphs)))
        if got == pages:
            return paragraphs
        per_page = max(1, round(paragraphs / got))
    return paragraphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--ids")
    parser.add_argument("--paired", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        _setup(Path(os.environ["BENCH_DATABASE"]))
        print(json.dumps(child(args.child, json.loads(args.ids), args.repeat, args.paired)))
        return

    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as directory:
        database = Path(directory) / "bench.sqlite3"
        os.environ["BENCH_DATABASE"] = str(database)
        _setup(database)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        ids = build_data()
        from django.db import connections

        from tests.factories.tsa import LocalTSA

        # Every run appends an `exported` event to each chain it exports: each case starts again from the
        # data as built, so all of them render the same chains (20 events, plus their own runs' exports).
        connections.close_all()
        pristine = Path(directory) / "pristine.sqlite3"
        with sqlite3.connect(database) as source, sqlite3.connect(pristine) as copy:
            source.backup(copy)

        def fresh() -> None:
            connections.close_all()
            with sqlite3.connect(pristine) as source, sqlite3.connect(database) as target:
                source.backup(target)

        rows = []
        plain_for: dict[int, tuple[int, dict[str, float]]] = {}
        single = f"evidence PDF ({TYPICAL_EVENTS} events, {SCREENSHOTS} screenshots)"
        cases = (
            ("evidence-unsigned", f"{single}, not signed (before #15)", None),
            ("evidence", f"{single}, signed", None),
            ("evidence", f"{single}, signed + timestamped", "tsa"),
            ("pack", f"evidence pack ({PACK_SIZE} requests), signed", None),
            ("pack", f"evidence pack ({PACK_SIZE} requests), signed + timestamped", "tsa"),
        )
        with LocalTSA() as tsa:
            for case, label, authority in cases:
                fresh()
                measured = run_child(case, ids, args.repeat, tsa=tsa if authority else None, paired=-1)
                pages, paragraphs = int(measured["pages"]), int(measured["paragraphs"])
                if pages not in plain_for:  # the plain pages' own process, for their memory and size
                    plain_for[pages] = (paragraphs, run_child(f"plain:{paragraphs}", ids, args.repeat))
                rows.append((label, measured, plain_for[pages][1]))
            fresh()
            cost = run_child("timestamp", ids, args.repeat, tsa=tsa)

    print(f"{'case':<68} {'pages':>5} {'KB':>7} {'s':>7} {'RSS MB':>7} {'py MB':>7}")
    for label, measured, plain in rows:
        for name, values in ((label, measured), ("  plain pages, same count", plain)):
            print(
                f"{name:<68} {values['pages']:>5} {values['bytes'] / 1024:>7.0f} {values['seconds']:>7.3f} "
                f"{values['peak_rss_mb']:>7.0f} {values['traced_peak_mb']:>7.1f}"
            )
        time_ratio = measured["paired_ratio"]
        rss_ratio = measured["peak_rss_mb"] / plain["peak_rss_mb"]
        traced_ratio = measured["traced_peak_mb"] / plain["traced_peak_mb"]
        verdict = "ok" if max(time_ratio, rss_ratio) <= 2 else "OVER 2x"
        print(
            f"  ratio: time {time_ratio:.2f}x (paired runs), peak RSS {rss_ratio:.2f}x, Python heap {traced_ratio:.2f}x"
            f" (target <= 2x: {verdict})"
        )
    print(
        f"timestamping an appended event (local authority): append + commit {cost['append_ms']:.1f} ms "
        f"(what the request pays); the worker's RFC 3161 request, check and store {cost['stamp_ms']:.1f} ms"
    )


if __name__ == "__main__":
    main()
