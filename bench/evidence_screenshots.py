"""Benchmark: the evidence PDF of a request with ten maximum-size screenshots against the typical one.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python bench/evidence_screenshots.py [--repeat 3] [--unscaled]

Creates a temporary SQLite database (deleted afterwards) with two requests of 20 events each: the
typical one of bench/evidence_pdf.py (two screenshots, 1280 x 800 and 750 x 1334), and one with the
most a request can hold: ten screenshots, each uploaded as a 7000 x 7000 PNG (49 megapixels,
about 160 KB, the kind an outside probe sent) and kept as tracking/uploads.py keeps it (scaled to
2000 x 2000). `--unscaled` adds a third request whose ten are kept at 7000 x 7000, as uploads were
kept before they were scaled: the "before" figure. The data is built, and each case runs, in a
fresh subprocess: one warm-up, `--repeat` timed runs (median reported), peak RSS of the process.
Target (issue #16): the ten-screenshot PDF within 3x of the typical PDF's time, in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

from bench.evidence_pdf import KEY_URL, SCREENSHOTS, TYPICAL_EVENTS, VERIFY_URL, _history, _pages, _setup, _submission  # noqa: E402

MAX_SCREENSHOTS = 10
UPLOAD_SIDE = 7000
MAX_RATIO = 3.0


def _upload(seed: int) -> bytes:
    """A 7000 x 7000 synthetic screenshot (white page, a bar, rows of text-like blocks) as PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (UPLOAD_SIDE, UPLOAD_SIDE), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, UPLOAD_SIDE, 60), fill=(24, 119, 242))
    for row, y in enumerate(range(90, UPLOAD_SIDE - 40, 34)):
        length = 200 + (row * 97 + seed * 31) % (UPLOAD_SIDE - 260)
        draw.rectangle((30, y, 30 + length, y + 14), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _with_screenshots(user, number: int, filed: datetime.datetime, *, scaled: bool):
    """A request of TYPICAL_EVENTS events (the export's included) whose last ten are screenshots."""
    from django.db import transaction

    from requests_app.evidence import chain
    from requests_app.evidence.events import append_event
    from requests_app.models import Attachment
    from requests_app.tracking import uploads

    submission = _submission(user, number, filed)
    _history(submission, events=TYPICAL_EVENTS - 1 - MAX_SCREENSHOTS, screenshots=0)
    for seed in range(MAX_SCREENSHOTS):
        data = _upload(seed)
        if scaled:
            image = uploads.clean_image(io.BytesIO(data), "screenshot.png", len(data))
            content, width, height = image.content, image.width, image.height
        else:
            content, width, height = data, UPLOAD_SIDE, UPLOAD_SIDE
        with transaction.atomic():
            item = Attachment.objects.create(
                submission=submission,
                content=content,
                content_type="image/png",
                size=len(content),
                width=width,
                height=height,
                sha256=chain.sha256_hex(content),
                created_at=filed,
            )
            append_event(
                submission=submission,
                event_type="attachment_added",
                data={
                    "attachment": str(item.pk),
                    "attachment_hmac": chain.keyed_digest(submission.evidence_key, item.sha256),
                },
                at=filed,
            )
    return submission


def build_data(unscaled: bool) -> dict[str, str]:
    from django.contrib.auth.models import User

    from requests_app.models import Plan

    user = User.objects.create_user(username="bench-screenshots", email="shots@example.org")
    Plan.objects.create(user=user, data={"version": 1, "answers": {"name": "Bench Person"}, "done": []})
    filed = datetime.datetime(2025, 1, 31, 13, 30, tzinfo=datetime.UTC)
    typical = _submission(user, 1, filed)
    _history(typical, events=TYPICAL_EVENTS - 1, screenshots=SCREENSHOTS)
    ids = {"user": str(user.pk), "typical": str(typical.pk)}
    ids["ten"] = str(_with_screenshots(user, 2, filed, scaled=True).pk)
    if unscaled:
        ids["unscaled"] = str(_with_screenshots(user, 3, filed, scaled=False).pk)
    return ids


def child(case: str, ids: dict[str, str], repeat: int) -> dict[str, float]:
    from django.contrib.auth.models import User

    from requests_app.evidence.export import export_evidence
    from requests_app.evidence.pdf import render_evidence_pdf

    user = User.objects.get(pk=ids["user"])

    def run() -> bytes:
        return render_evidence_pdf(
            export_evidence(user, [ids[case]]), verify_url=VERIFY_URL, key_url=KEY_URL, pack=False
        )

    content = run()  # warm-up: imports, fonts, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        content = run()
        times.append(time.perf_counter() - start)
    return {
        "seconds": statistics.median(times),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pages": _pages(content),
        "bytes": len(content),
    }


def run_child(case: str, ids: dict[str, str], repeat: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", case, "--ids", json.dumps(ids), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    if result.returncode:
        raise SystemExit(f"case {case} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--unscaled", action="store_true", help="also ten screenshots kept at 7000 x 7000 (before)")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--child")
    parser.add_argument("--ids")
    args = parser.parse_args()
    if args.child:
        _setup(Path(os.environ["BENCH_DATABASE"]))
        print(json.dumps(child(args.child, json.loads(args.ids), args.repeat)))
        return

    if args.build:
        _setup(Path(os.environ["BENCH_DATABASE"]))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(json.dumps(build_data(args.unscaled)))
        return

    with tempfile.TemporaryDirectory(prefix="evidence-screenshots-bench-") as directory:
        os.environ["BENCH_DATABASE"] = str(Path(directory) / "bench.sqlite3")
        # Built in a child too: Linux keeps a process's peak RSS across fork and exec, so the
        # children that measure must not start from a parent that held 49-megapixel images.
        build = [sys.executable, __file__, "--build"] + (["--unscaled"] if args.unscaled else [])
        built = subprocess.run(build, capture_output=True, text=True, check=False, env=os.environ.copy())
        if built.returncode:
            raise SystemExit(f"building the data failed:\n{built.stderr}")
        ids = json.loads(built.stdout.strip().splitlines()[-1])
        cases = [
            ("typical", f"evidence PDF ({TYPICAL_EVENTS} events, {SCREENSHOTS} screenshots)"),
            ("ten", f"  {MAX_SCREENSHOTS} screenshots of {UPLOAD_SIDE} px, kept at 2000 px"),
        ]
        if args.unscaled:
            cases.append(("unscaled", f"  {MAX_SCREENSHOTS} screenshots kept at {UPLOAD_SIDE} px (before)"))
        measured = {case: run_child(case, ids, args.repeat) for case, _label in cases}

    print(f"{'case':<48} {'pages':>5} {'KB':>7} {'s':>7} {'RSS MB':>7}")
    for case, label in cases:
        values = measured[case]
        print(
            f"{label:<48} {values['pages']:>5} {values['bytes'] / 1024:>7.0f} {values['seconds']:>7.3f} "
            f"{values['peak_rss_mb']:>7.0f}"
        )
    typical = measured["typical"]
    for case, _label in cases[1:]:
        ratio = measured[case]["seconds"] / typical["seconds"]
        rss = measured[case]["peak_rss_mb"] / typical["peak_rss_mb"]
        verdict = "ok" if ratio <= MAX_RATIO else f"OVER {MAX_RATIO:g}x"
        print(f"  ratio ({case}): time {ratio:.2f}x, peak RSS {rss:.2f}x (target <= {MAX_RATIO:g}x: {verdict})")


if __name__ == "__main__":
    main()
