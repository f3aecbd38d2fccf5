"""Each speed device of the site, measured in-process with it and without it, on the shipped guide.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python bench/devices.py [--repeat 200]

A temporary SQLite database (deleted afterwards) holds the shipped guide and one person with a
plan. Every device is timed the way the site uses it and again with the device taken away (its
cache cleared, or the plain Django way), `--repeat` times each, and the medians are printed as a
Markdown table with the gain (without / with). Absolute times depend on the machine and on what
else runs; the ratios are what bench/README.md quotes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm up: imports, compiled templates
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _queries(run: Callable[[], object]) -> int:
    """How many SQL statements `run()` sends."""
    from django.db import connection

    sent = []
    with connection.execute_wrapper(
        lambda execute, sql, params, many, context: sent.append(sql) or execute(sql, params, many, context)
    ):
        run()
    return len(sent)


def _import_ms(module: str, repeat: int) -> float:
    """How long a fresh interpreter takes to import `module`, beyond starting up."""

    def once(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        return time.perf_counter() - started

    bare = statistics.median(once("pass") for _ in range(repeat))
    loaded = statistics.median(once(f"import {module}") for _ in range(repeat))
    return (loaded - bare) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat

    database = Path(tempfile.mkdtemp()) / "devices.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_guide", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115

    from django import forms
    from django.forms.renderers import DjangoTemplates
    from django.test import Client

    from requests_app.guide.content import load_content, read_content
    from requests_app.guide.markup import render_markdown
    from requests_app.guide.planning import Answers, build_plan
    from requests_app.templatetags import fragments
    from requests_app.tracking import deadlines
    from requests_app.web.pdf import safe_url_fetcher
    from requests_app.wizard.flow import Wizard
    from requests_app.wizard.forms import DetailsForm, WhereForm

    content = load_content("en")
    answers = {
        "country": "germany",
        "platforms": ["facebook", "instagram"],
        "accounts": {"facebook": 1, "instagram": 2},
        "situations": ["public_posts"],
        "name": "Anna Muster",
        "email": "anna@example.org",
        "handles": {"facebook": ["fb.com/anna"], "instagram": ["@anna", "@anna_cats"]},
        "explanation": "Meine Fotos zeigen meine Kinder.",
    }
    from django.conf import settings

    settings.GUIDE_VERSION_TTL = 5.0  # as in production: the version is trusted for five seconds
    rows: list[tuple[str, str, float, float]] = []

    def measure(device: str, where: str, with_it: Callable[[], object], without: Callable[[], object]) -> None:
        rows.append((device, where, _median_ms(with_it, repeat), _median_ms(without, repeat)))

    # Our forms' widgets render through Jinja2; Django's own renderer is the alternative.
    accounts = Wizard(answers, content).account_counts()
    details = DetailsForm(initial=DetailsForm.initial_from(answers), accounts=accounts)
    plain = DetailsForm(initial=DetailsForm.initial_from(answers), accounts=accounts, renderer=DjangoTemplates())
    measure(
        "Jinja2 widget rendering",
        "web/widgets.py WIDGET_RENDERER",
        lambda: [str(field) for field in details],
        lambda: [str(field) for field in plain],
    )

    # The country list written in Python rather than a template per option.
    field = WhereForm(content=content)["country"]
    select = forms.Select(choices=field.field.choices)
    measure(
        "LongSelect",
        "web/widgets.py",
        lambda: field.field.widget.render("country", "germany"),
        lambda: select.render("country", "germany"),
    )

    # The question's choices built once per guide snapshot and language.
    def where_form_uncached() -> object:
        content.memo.clear()
        return WhereForm(content=content)

    measure(
        "Guide choices kept on the snapshot",
        "wizard/choices.py guide_choices",
        lambda: WhereForm(content=content),
        where_form_uncached,
    )

    # The earlier answers' verdicts kept on the snapshot (every wizard page and the plan check them).
    def complete_uncached() -> bool:
        content.memo.clear()
        return Wizard(answers, content).is_complete()

    measure(
        "Answer verdicts kept on the snapshot",
        "wizard/flow.py Wizard.is_answered",
        lambda: Wizard(answers, content).is_complete(),
        complete_uncached,
    )

    # The guide snapshot kept per process while its version is unchanged.
    measure(
        "Guide snapshot kept", "guide/content.py load_content", lambda: load_content("en"), lambda: read_content("en")
    )
    kept, fresh = _queries(lambda: load_content("en")), _queries(lambda: read_content("en"))

    # Rendered Markdown kept per text: a plan shows some thirty steps.
    bodies = [step.step.body for item in build_plan(Answers.from_dict(answers), content).items for step in item.steps]
    measure(
        "Markdown kept per text",
        "guide/markup.py render_markdown",
        lambda: [render_markdown(body) for body in bodies],
        lambda: [render_markdown.__wrapped__(body) for body in bodies],
    )

    # Public holidays built once per calendar and year.
    days = [deadlines.add_months(deadlines.datetime.date(2025, 1, 31), months) for months in range(12)]
    measure(
        "Holiday calendars kept",
        "tracking/deadlines.py _holidays_in",
        lambda: [deadlines.next_working_day(day, "GB") for day in days],
        lambda: (deadlines._holidays_in.cache_clear(), [deadlines.next_working_day(day, "GB") for day in days]),
    )

    # One safe URL fetcher per process (WeasyPrint's sets up a TLS context when made).
    from weasyprint.urls import URLFetcher

    measure(
        "One PDF fetcher per process",
        "web/pdf.py safe_url_fetcher",
        safe_url_fetcher,
        lambda: URLFetcher(allow_redirects=False),
    )

    # {% fragment %}: the plan page with its steps kept, and with the store emptied before each request.
    client = Client()
    for question, data in [
        ("where", {"country": "germany"}),
        ("platforms", {"platforms": ["facebook", "instagram"]}),
        ("accounts", {"has_facebook": "yes", "count_facebook": "1", "has_instagram": "yes", "count_instagram": "2"}),
        ("situation", {"situations": ["public_posts"]}),
        ("details", {"name": "Anna Muster", "email": "anna@example.org", "handle_facebook_1": "fb.com/anna",
                     "handle_instagram_1": "@anna", "handle_instagram_2": "@anna_cats", "explanation": "x"}),
    ]:  # fmt: skip
        client.post(f"/start/{question}/", data)
    assert client.get("/plan/").status_code == 200

    def plan_without_fragments() -> object:
        fragments.store.clear()
        return client.get("/plan/")

    measure(
        "{% fragment %}",
        "templatetags/fragments.py (the plan page)",
        lambda: client.get("/plan/"),
        plan_without_fragments,
    )
    measure(
        "{% fragment %}",
        "templatetags/fragments.py (the landing page)",
        lambda: client.get("/"),
        lambda: (fragments.store.clear(), client.get("/")),
    )

    # The session and "last seen" saved once a SESSION_TOUCH_INTERVAL, not on every request.
    from django.contrib.auth.models import User

    person = User.objects.create_user("bench-person", "bench@example.org", "x")
    signed_in = Client()
    signed_in.force_login(person)
    signed_in.get("/account/")
    quiet = _queries(lambda: signed_in.get("/account/"))
    settings.SESSION_TOUCH_INTERVAL = 0
    touched = _queries(lambda: signed_in.get("/account/"))
    settings.SESSION_TOUCH_INTERVAL = 60

    weasyprint_ms = _import_ms("weasyprint", max(3, repeat // 40))

    print(f"Measured in-process on this machine, median of {repeat} runs each (ms).\n")
    print("| device | where | with it | without it | saved |")
    print("| --- | --- | ---: | ---: | ---: |")
    for device, where, with_ms, without_ms in rows:
        print(f"| {device} | `{where}` | {with_ms:.3f} | {without_ms:.3f} | {without_ms - with_ms:.3f} |")
    print(
        f"\nGuide snapshot: {kept} queries kept, {fresh} read afresh."
        f"\nA signed-in page: {quiet} queries within the touch interval, {touched} when the session is touched."
        f"\nImporting WeasyPrint in a fresh interpreter: {weasyprint_ms:.0f} ms (why web/pdf.py imports it lazily)."
    )
    database.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
