"""`make bench`: load figures of the key pages against a minimal Django template view, in one run.

    .venv/bin/python bench/run.py [--duration 5] [--connections 4] [--skip-lighthouse] [--skip-pdf]

1. Databases on the local PostgreSQL (127.0.0.1:5432, user postgres): `optout_bench` with 10,000
   users, 100,000 submissions and 1,000,000 events, and `optout_bench_small` with the same people's
   shape at 10 users, 100 submissions and 1,000 events. Both are migrated, hold the shipped guide
   (`manage.py load_guide`) and are seeded once by bench/seed.py (SQL `generate_series`, about 20 s);
   a later run reuses them while their seed version matches.
2. Production settings (bench/settings.py: config.settings plus /bench/baseline/): DEBUG off, a new
   SECRET_KEY, HTTPS off for plain HTTP on loopback, whitenoise's compressed manifest storage
   collected into a temporary STATIC_ROOT. One gunicorn per database, 2 sync workers each (the
   machine has 2 cores), on 127.0.0.1 only; both are stopped at the end whatever happens.
3. Sessions made through the server as a person would: the wizard answered once (visitor), the
   reader signed in through allauth (verified email), the editor (staff) through allauth with a
   TOTP code computed here.
4. wrk drives each page for a few seconds after a one-second warm-up; bench/report.lua prints the
   requests, latency percentiles and errors (non-2xx/3xx, connection errors, timeouts). The
   baseline runs before the first page and after every page; each page is compared with the two
   baseline runs around it. The data-size pages are then driven on both databases at the same time
   (one wrk per server). Queries per page are counted in-process (bench/queries.py) on both.
5. First-load weight of / and /start/ in Chromium (bench/pageweight.py) and Lighthouse 12 scores
   (bench/lighthouse/, installed with `npm ci`), then bench/evidence_pdf.py and
   bench/evidence_screenshots.py when they are there.

Writes bench/RESULTS.md and prints the same tables. Exit status 0 even when a target is missed: the
table says which.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402  (plain constants; Django is set up only in subprocesses)

PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
# name: (database, users); each user has 10 submissions and 100 events.
DATABASES = {"full": ("optout_bench", 10_000), "small": ("optout_bench_small", 10)}

# Targets (DESIGN.md "Quality bars: performance").
MIN_THROUGHPUT_RATIO = 0.5  # each page at least half the baseline's requests per second
MAX_TAIL_RATIO = 4.0  # p99 under 4x p50
MIN_SCALE_RATIO = 0.8  # as fast with 1,000,000 events as with 1,000 (within wrk's run-to-run noise)
MAX_FIRST_LOAD = 60 * 1024  # bytes, compressed
MIN_LIGHTHOUSE = 0.95
MAX_BENCH_SECONDS = 15 * 60

STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


# --- tools and databases ------------------------------------------------------------------------


# What the bench runs besides Python, by the Debian package that provides it: checked first, so a
# machine without them gets them installed rather than a failure minutes into the run.
TOOLS = {"wrk": "wrk", "chromium": "chromium"}


def ensure_tools() -> None:
    missing = [package for command, package in TOOLS.items() if not shutil.which(command)]
    if not missing:
        return
    log(f"installing {', '.join(missing)} (apt-get)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run([*sudo, "apt-get", "install", "-y", *missing], env=env, check=False).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update"], env=env, check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", *missing], env=env, check=True)


def run_django(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE if capture else None
    )
    return result.stdout or ""


def prepare_database(name: str, users: int, env: dict[str, str]) -> None:
    """Create, migrate, load the guide and seed; drop first when it holds another seed version."""
    import psycopg

    with psycopg.connect(POSTGRES + "postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            with psycopg.connect(POSTGRES + name) as db:
                table = db.execute("SELECT to_regclass('bench_seed')").fetchone()[0]
                found = [row[0] for row in db.execute("SELECT version FROM bench_seed")] if table else []
            if found and found != [seed.version_key(users)]:
                log(f"{name}: holds seed {found}, dropping it")
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    run_django(env, "manage.py", "migrate", "--no-input", "-v0")
    run_django(env, "manage.py", "load_guide", capture=True)
    log(f"{name}: {run_django(env, 'bench/seed.py', '--users', str(users), capture=True).strip()}")
    # Sessions of earlier runs were signed with another SECRET_KEY: drop them, as a deploy would expire them.
    with psycopg.connect(POSTGRES + name) as db:
        db.execute("DELETE FROM usersessions_usersession")
        db.execute("DELETE FROM django_session")


def reader_submission(name: str) -> str:
    """The id of the reader's first filed request (ten events), for the request page."""
    import psycopg

    with psycopg.connect(POSTGRES + name) as db:
        row = db.execute(
            "SELECT s.id FROM requests_app_submission s JOIN auth_user u ON u.id = s.user_id "
            "WHERE u.email = %s AND s.plan_item_key = 'object-ai-facebook#1'",
            [seed.READER_EMAIL],
        ).fetchone()
    return str(row[0])


def table_sizes(name: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(POSTGRES + name) as db:
        return {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
            for table in ("auth_user", "requests_app_submission", "requests_app_event")
        }


# --- servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(name: str, env: dict[str, str], workdir: Path, workers: int) -> Server:
    port = free_port()
    log_path = workdir / f"gunicorn-{name}.log"
    process = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--no-control-socket",  # two servers at once would share its default path
            "--log-level",
            "warning",
            "--error-logfile",
            str(log_path),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, stopped as one
    )
    server = Server(name, f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {name} exited: see {log_path}")
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(server.base + "/healthz", timeout=2).status == 200:  # noqa: S310
                return server
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn for {name} did not answer /healthz within 60 s")


# --- sessions through the server ----------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and urllib: follows redirects, returns (status, final URL, body)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | list | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def post_form(self, path: str, data: dict | list) -> tuple[int, str, str]:
        """GET the page, take its CSRF token, POST the form."""
        status, url, html = self.request(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not match:
            raise RuntimeError(f"{path}: no form to post (status {status}, {url})")
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        return self.request(urllib.parse.urlsplit(url).path, [("csrfmiddlewaretoken", match.group(1)), *fields])

    def cookie_header(self) -> str:
        """The session and CSRF cookies only (a leftover messages cookie would be shown on every request)."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if c.name in ("sessionid", "csrftoken"))

    def cookie(self, name: str) -> str:
        return next((cookie.value for cookie in self.jar if cookie.name == name), "")


WIZARD = {
    "where": {"country": "germany"},
    "platforms": [("platforms", "facebook"), ("platforms", "instagram")],
    "accounts": {"has_facebook": "yes", "count_facebook": "1", "has_instagram": "yes", "count_instagram": "2"},
    "situation": {"situations": "public_posts"},
    "details": {
        "name": "Anna Muster",
        "email": "anna@example.org",
        "handle_facebook_1": "facebook.com/anna",
        "handle_instagram_1": "@anna",
        "handle_instagram_2": "@anna_cats",
        "explanation": "My posts show my children.",
    },
}
# The same answers as the wizard above gives, for the in-process query count.
WIZARD_ANSWERS = {
    "country": "germany",
    "platforms": ["facebook", "instagram"],
    "accounts": {"facebook": 1, "instagram": 2},
    "situations": ["public_posts"],
    "name": "Anna Muster",
    "email": "anna@example.org",
    "handles": {"facebook": ["facebook.com/anna"], "instagram": ["@anna", "@anna_cats"]},
    "explanation": "My posts show my children.",
}


def visitor_session(base: str) -> str:
    """Answer the wizard once through the server; returns the Cookie header of that session."""
    browser = Browser(base)
    status, url, _html = browser.request("/start/")
    for _ in range(10):
        path = urllib.parse.urlsplit(url).path
        if path == "/start/check/":
            return browser.cookie_header()
        question = path.strip("/").split("/")[-1]
        if status != 200 or question not in WIZARD:
            raise RuntimeError(f"wizard stopped at {url} (status {status})")
        status, url, _html = browser.post_form(path, WIZARD[question])
    raise RuntimeError("wizard did not reach check your answers")


def totp_code(secret: str, at: float | None = None) -> str:
    counter = int((at or time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def signed_in_session(base: str, email: str, totp_secret: str | None = None) -> str:
    """Sign in through allauth (and its second step when the account has TOTP); returns the Cookie header."""
    browser = Browser(base)
    status, url, _html = browser.post_form("/accounts/login/", {"login": email, "password": seed.BENCH_PASSWORD})
    if "/2fa/authenticate" in url:
        if not totp_secret:
            raise RuntimeError(f"{email}: allauth asks for a second factor")
        status, url, _html = browser.post_form(urllib.parse.urlsplit(url).path, {"code": totp_code(totp_secret)})
    if status != 200 or "/accounts/" in url or not browser.cookie("sessionid"):
        raise RuntimeError(f"{email}: sign-in failed (status {status}, ended at {url})")
    return browser.cookie_header()


def check_status(base: str, path: str, cookie: str) -> int:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base + path, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# --- wrk ----------------------------------------------------------------------------------------


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    detail: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def tail(self) -> float:
        return self.p99_ms / self.p50_ms if self.p50_ms else float("inf")


def _wrk_command(url: str, cookie: str, seconds: int, connections: int, threads: int) -> list[str]:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(BENCH / "report.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return [*command, url]


def _load(output: str) -> Load:
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    # Non-2xx/3xx answers, connection failures and timeouts. Gunicorn's sync workers close every
    # connection after answering, so wrk's socket read/write counts are reported but not errors.
    errors = data["status"] + data["connect"] + data["timeout"]
    return Load(data["requests"], data["duration_us"] / 1e6, data["p50_us"] / 1e3, data["p99_us"] / 1e3, errors, data)


def wrk_together(targets: list[tuple[str, str]], seconds: int, connections: int, threads: int) -> list[Load]:
    """Drive several (url, cookie) at once, for the same time: they share whatever the machine has."""
    for warm_up in (True, False):
        processes = [
            subprocess.Popen(
                _wrk_command(url, cookie, 1 if warm_up else seconds, connections, threads),
                stdout=subprocess.PIPE,
                text=True,
            )
            for url, cookie in targets
        ]
        outputs = [process.communicate()[0] for process in processes]
    return [_load(output) for output in outputs]


def wrk(url: str, cookie: str, seconds: int, connections: int, threads: int) -> Load:
    return wrk_together([(url, cookie)], seconds, connections, threads)[0]


# --- page weight and Lighthouse ------------------------------------------------------------------


def lighthouse(url: str, workdir: Path) -> dict:
    directory = BENCH / "lighthouse"
    binary = directory / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        log("installing Lighthouse 12 (npm ci in bench/lighthouse)")
        if subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=directory, check=False).returncode:
            # One of Lighthouse's own dependencies asks for "latest" of another, so a newer npm can find
            # the lock file stale: Lighthouse itself stays at the exact version package.json pins.
            log("npm ci refused the lock file; npm install instead")
            subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=directory, check=True)
    report = workdir / f"lighthouse-{secrets.token_hex(4)}.json"
    chrome = shutil.which("chromium") or "/usr/bin/chromium"
    command = [
        str(binary),
        url,
        "--quiet",
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
    ]
    # Lighthouse sometimes loses its trace on a busy machine (NO_NAVSTART): try again, up to three times.
    for attempt in range(1, 4):
        result = subprocess.run(command, env={**os.environ, "CHROME_PATH": chrome}, timeout=180, check=False)
        if result.returncode == 0 and report.exists():
            break
        log(f"Lighthouse failed on {url} (attempt {attempt})")
    else:
        raise RuntimeError(f"Lighthouse failed three times on {url}")
    data = json.loads(report.read_text())
    return {
        "performance": data["categories"]["performance"]["score"],
        "accessibility": data["categories"]["accessibility"]["score"],
        "total_byte_weight": data["audits"]["total-byte-weight"]["numericValue"],
        "lcp_ms": data["audits"]["largest-contentful-paint"]["numericValue"],
        "failed_accessibility": [
            ref["id"]
            for ref in data["categories"]["accessibility"]["auditRefs"]
            if ref["weight"] and data["audits"][ref["id"]]["score"] not in (None, 1)
        ],
    }


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    role: str  # anonymous, visitor, reader, editor
    expect: int = 200


def pages_for(submission_id: str) -> list[Page]:
    return [
        Page("landing", "/", "anonymous"),
        Page("wizard start (redirect)", "/start/", "anonymous", 302),
        Page("wizard first question", "/start/where/", "anonymous"),
        Page("wizard details (with answers)", "/start/details/", "visitor"),
        Page("check your answers", "/start/check/", "visitor"),
        Page("plan", "/plan/", "visitor"),
        Page("dashboard", "/requests/", "reader"),
        Page("one request", f"/requests/{submission_id}/", "reader"),
        Page("admin steps list", "/admin/requests_app/step/", "editor"),
        Page("admin regions list", "/admin/requests_app/region/", "editor"),
    ]


SCALED = ("dashboard", "one request", "admin steps list", "admin regions list")
BASELINE = Page("baseline (minimal template view)", "/bench/baseline/", "anonymous")


def sessions_for(server: Server) -> dict[str, str]:
    return {
        "anonymous": "",
        "visitor": visitor_session(server.base),
        "reader": signed_in_session(server.base, seed.READER_EMAIL),
        "editor": signed_in_session(server.base, seed.EDITOR_EMAIL, seed.EDITOR_TOTP_SECRET),
    }


@dataclass
class Measured:
    """wrk figures of every page, each with the baselines run just before and just after it."""

    baselines: list[Load] = field(default_factory=list)
    loads: dict[str, Load] = field(default_factory=dict)
    # page name -> (full, small), driven at the same time
    together: dict[str, tuple[Load, Load]] = field(default_factory=dict)
    around: dict[str, float] = field(default_factory=dict)  # page name -> mean baseline req/s around it


def drive(server: Server, page: Page, cookie: str, args: argparse.Namespace) -> Load:
    status = check_status(server.base, page.path, cookie)
    if status != page.expect:
        raise RuntimeError(f"{server.name} {page.path} as {page.role}: status {status}, expected {page.expect}")
    load = wrk(server.base + page.path, cookie, args.duration, args.connections, args.threads)
    log(
        f"{server.name:5} {page.name:34} {load.rps:7.0f} req/s  p50 {load.p50_ms:6.1f} ms  "
        f"p99 {load.p99_ms:6.1f} ms  errors {load.errors}"
    )
    return load


def measure(
    full: Server, small: Server, pages: list[Page], small_pages: dict[str, Page], cookies: dict[str, dict[str, str]]
) -> Measured:
    """Baseline, page, baseline, page...: the machine is shared, so each page is compared with the
    baselines measured on either side of it (and a page of both databases is run back to back)."""
    args = ARGS
    measured = Measured()
    measured.baselines.append(drive(full, BASELINE, "", args))
    for page in pages:
        measured.loads[page.name] = drive(full, page, cookies["full"][page.role], args)
        measured.baselines.append(drive(full, BASELINE, "", args))
        measured.around[page.name] = (measured.baselines[-2].rps + measured.baselines[-1].rps) / 2
    # Full and small database at the same time, each with its own wrk and gunicorn: both meet the
    # same background load, so their ratio is the cost of the data alone.
    for page in pages:
        if page.name not in small_pages:
            continue
        small_page = small_pages[page.name]
        for server, each in ((full, page), (small, small_page)):
            status = check_status(server.base, each.path, cookies[server.name][each.role])
            if status != each.expect:
                raise RuntimeError(f"{server.name} {each.path}: status {status}, expected {each.expect}")
        on_full, on_small = wrk_together(
            [
                (full.base + page.path, cookies["full"][page.role]),
                (small.base + small_page.path, cookies["small"][page.role]),
            ],
            args.duration,
            args.connections,
            args.threads,
        )
        measured.together[page.name] = (on_full, on_small)
        log(f"together {page.name:31} full {on_full.rps:6.0f} req/s, small {on_small.rps:6.0f} req/s")
    return measured


def count_queries(env: dict[str, str], pages: list[Page]) -> dict[str, dict[str, int]]:
    spec = {"pages": [{"name": p.name, "path": p.path, "as": p.role} for p in pages], "answers": WIZARD_ANSWERS}
    return json.loads(run_django(env, "bench/queries.py", json.dumps(spec), capture=True).strip().splitlines()[-1])


def verdict(problems: list[str]) -> str:
    return "met" if not problems else "**missed: " + ", ".join(problems) + "**"


def report(
    sizes: dict[str, dict[str, int]],
    measured: Measured,
    pages: list[Page],
    queries: dict[str, dict[str, int]],
    small_queries: dict[str, dict[str, int]],
    weights: dict[str, dict],
    scores: dict[str, dict],
    pdf_output: str,
    timings: dict[str, float],
    screenshots_output: str = "",
) -> tuple[str, list[str]]:
    args = ARGS
    rates = [load.rps for load in measured.baselines]
    missed: list[str] = []
    full, small = sizes["full"], sizes["small"]
    lines = [
        "# Benchmark results",
        "",
        f"`{' '.join(['bench/run.py', *sys.argv[1:]])}` on {platform.node()} "
        f"({os.cpu_count()} cores), {time.strftime('%Y-%m-%d %H:%M %Z')}. gunicorn with {args.workers} sync "
        f"workers under production settings (DEBUG off, whitenoise manifest storage, CONN_MAX_AGE="
        f"{args.conn_max_age}); wrk with {args.threads} thread(s) and {args.connections} connections, "
        f"{args.duration} s per page after a 1 s warm-up, on the same 2 cores as the server (and whatever else "
        "runs on the machine): read the ratios, not the absolute numbers.",
        "",
        f"Database: PostgreSQL with {full['auth_user']:,} users, {full['requests_app_submission']:,} submissions "
        f"and {full['requests_app_event']:,} events. Baseline: a minimal Django template view "
        f"(`{BASELINE.path}`) behind the same middleware, run before the first page and after every page: "
        f"{min(rates):,.0f} to {max(rates):,.0f} req/s (median {statistics.median(rates):,.0f}); each page is "
        "compared with the mean of the two baseline runs around it.",
        "",
        "## Pages",
        "",
        f"Targets: at least {MIN_THROUGHPUT_RATIO:g}x the baseline's requests per second, p99 under "
        f"{MAX_TAIL_RATIO:g}x p50, no errors (responses of 400 or more, connection errors, timeouts).",
        "",
        "| page | path | as | req/s | baseline req/s | x baseline | p50 ms | p99 ms | p99/p50 | errors | queries "
        "| targets |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    first = measured.baselines[0]
    lines.append(
        f"| baseline (first run) | `{BASELINE.path}` | anonymous | {first.rps:,.0f} | | 1.00 | {first.p50_ms:.1f} "
        f"| {first.p99_ms:.1f} | {first.tail:.1f} | {first.errors} | {queries[BASELINE.name]['queries']} | |"
    )
    for page in pages:
        load = measured.loads[page.name]
        around = measured.around[page.name]
        ratio = load.rps / around
        problems = []
        if ratio < MIN_THROUGHPUT_RATIO:
            problems.append("throughput")
        if load.tail >= MAX_TAIL_RATIO:
            problems.append("tail")
        if load.errors:
            problems.append("errors")
        if queries[page.name]["status"] != page.expect:
            problems.append(f"status {queries[page.name]['status']} in-process")
        missed += [f"{page.name} (`{page.path}`): {problem}" for problem in problems]
        lines.append(
            f"| {page.name} | `{page.path}` | {page.role} | {load.rps:,.0f} | {around:,.0f} | {ratio:.2f} "
            f"| {load.p50_ms:.1f} | {load.p99_ms:.1f} | {load.tail:.1f} | {load.errors} "
            f"| {queries[page.name]['queries']} | {verdict(problems)} |"
        )
    lines += [
        "",
        "Queries are counted in-process (Django's test client, the whole middleware stack, the second of two "
        "requests) on the same database; they include the session and the user (a session is saved, and "
        "allauth's last seen recorded, once a minute: requests_app/accounts/activity.py).",
        "",
        "## Data size",
        "",
        f"The same pages for the same kind of person (ten requests, a hundred events) on a small seed "
        f"({small['auth_user']:,} users, {small['requests_app_submission']:,} submissions, "
        f"{small['requests_app_event']:,} events) served by a second gunicorn; two wrk drive the full and the "
        "small server at the same time (so the requests per second are about half those above), and both "
        f"meet the same background load. Target: as fast with {full['requests_app_event']:,} events as with "
        f"{small['requests_app_event']:,} (full/small at least {MIN_SCALE_RATIO:g}, for noise) and the same number "
        "of queries.",
        "",
        "| page | req/s small | req/s full | full/small | p50 ms small | p50 ms full | queries small | queries full "
        "| target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in SCALED:
        b, a = measured.together[name]
        ratio = b.rps / a.rps if a.rps else 0.0
        problems = []
        if ratio < MIN_SCALE_RATIO:
            problems.append("slower on the full database")
        if small_queries[name]["queries"] != queries[name]["queries"]:
            problems.append("queries grow with data")
        missed += [f"{name}: {problem}" for problem in problems]
        lines.append(
            f"| {name} | {a.rps:,.0f} | {b.rps:,.0f} | {ratio:.2f} | {a.p50_ms:.1f} | {b.p50_ms:.1f} "
            f"| {small_queries[name]['queries']} | {queries[name]['queries']} | {verdict(problems)} |"
        )
    lines += [
        "",
        "## First load",
        "",
        "A first visit in Chromium (fresh profile, empty cache), following redirects: every response summed as "
        "transferred (headers plus body, compressed where the server compressed it). Lighthouse 12 (mobile "
        f"defaults) on the same URL. Targets: under {MAX_FIRST_LOAD // 1024} KB, no third-party request, "
        f"performance and accessibility scores of at least {MIN_LIGHTHOUSE}.",
        "",
        "| page | requests | transferred KB | third-party | Lighthouse total-byte-weight KB | performance "
        "| accessibility | LCP ms | targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for url, weight in weights.items():
        path = urllib.parse.urlsplit(url).path
        score = scores.get(url)
        problems = []
        if weight["bytes"] >= MAX_FIRST_LOAD:
            problems.append("weight")
        if weight["third_party"]:
            problems.append("third party")
        if score:
            problems += [key for key in ("performance", "accessibility") if (score[key] or 0) < MIN_LIGHTHOUSE]
        missed += [f"first load of `{path}`: {problem}" for problem in problems]
        lighthouse_cells = (
            f"{score['total_byte_weight'] / 1024:.1f} | {score['performance']:.2f} | {score['accessibility']:.2f} "
            f"| {score['lcp_ms']:,.0f}"
            if score
            else "not run | | |"
        )
        lines.append(
            f"| `{path}` | {weight['requests']} | {weight['bytes'] / 1024:.1f} | {len(weight['third_party'])} "
            f"| {lighthouse_cells} | {verdict(problems)} |"
        )
    lines += ["", "What each first load fetched (path, status, bytes transferred, content-encoding):", ""]
    for url, weight in weights.items():
        lines.append(f"- `{urllib.parse.urlsplit(url).path}`")
        lines += [
            f"  - `{urllib.parse.urlsplit(resource).path}` {status}, {size:,} B, {encoding or 'not compressed'}"
            for resource, status, size, encoding in weight["resources"]
        ]
        lines += [f"  - third-party: `{other}`" for other in weight["third_party"]]
        if scores.get(url, {}).get("failed_accessibility"):
            lines.append(
                f"  - Lighthouse accessibility audits failed: {', '.join(scores[url]['failed_accessibility'])}"
            )
    lines += ["", "## Evidence PDF (bench/evidence_pdf.py)", ""]
    lines += ["```", pdf_output.rstrip(), "```"] if pdf_output else ["Not run."]
    lines += ["", "## Evidence PDF with ten maximum-size screenshots (bench/evidence_screenshots.py)", ""]
    lines += ["```", screenshots_output.rstrip(), "```"] if screenshots_output else ["Not run."]
    if "OVER" in screenshots_output:
        missed.append("the evidence PDF with ten maximum-size screenshots took over 3x the typical one")
    total = time.monotonic() - STARTED
    if total >= MAX_BENCH_SECONDS:
        missed.append(f"the whole bench took {total / 60:.1f} minutes")
    lines += [
        "",
        "## Time",
        "",
        "| step | seconds |",
        "| --- | ---: |",
        *[f"| {name} | {seconds:.1f} |" for name, seconds in timings.items()],
        f"| **whole run** (target under {MAX_BENCH_SECONDS // 60} minutes) | **{total:.1f}** |",
        "",
        "## Verdict",
        "",
        *([f"- missed: {item}" for item in missed] or ["- every target met"]),
        "",
    ]
    return "\n".join(lines), missed


ARGS = argparse.Namespace()


def main() -> None:
    parser = argparse.ArgumentParser(description="make bench: load figures of the key pages against a baseline.")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page (default 5)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2, for 2 cores)")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="CONN_MAX_AGE for the servers (default 60, the production default)"
    )
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-pdf", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    parser.parse_args(namespace=ARGS)
    args = ARGS

    timings: dict[str, float] = {}
    mark = time.monotonic()

    def step(name: str) -> None:
        nonlocal mark
        now = time.monotonic()
        timings[name] = now - mark
        mark = now

    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="optout-bench-"))
    common = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": str(args.conn_max_age),
    }
    envs = {name: {**common, "DATABASE_URL": POSTGRES + database} for name, (database, _users) in DATABASES.items()}
    servers: dict[str, Server] = {}
    try:
        log("preparing databases")
        for name, (database, users) in DATABASES.items():
            prepare_database(database, users, envs[name])
        sizes = {name: table_sizes(database) for name, (database, _users) in DATABASES.items()}
        step("databases: create, migrate, load_guide, seed (or reuse)")
        run_django(envs["full"], "manage.py", "collectstatic", "--no-input", "-v0")
        step("collectstatic (manifest, compressed)")

        for name in DATABASES:
            servers[name] = start_server(name, envs[name], workdir, args.workers)
        cookies = {name: sessions_for(server) for name, server in servers.items()}
        pages = pages_for(reader_submission(DATABASES["full"][0]))
        small_pages = {p.name: p for p in pages_for(reader_submission(DATABASES["small"][0])) if p.name in SCALED}
        step("servers and sessions (wizard, allauth sign-in, TOTP)")

        log(f"wrk: {args.duration} s per page, {args.connections} connections")
        measured = measure(servers["full"], servers["small"], pages, small_pages, cookies)
        step("wrk")

        queries = count_queries(envs["full"], [BASELINE, *pages])
        small_queries = count_queries(envs["small"], list(small_pages.values()))
        step("queries per page (in-process)")

        from bench import pageweight

        first_loads = [servers["full"].base + "/", servers["full"].base + "/start/"]
        weights = pageweight.measure(first_loads)
        step("first-load weight (Chromium)")
        scores = {}
        if not args.skip_lighthouse:
            scores = {url: lighthouse(url, workdir) for url in first_loads}
            step("Lighthouse")
    finally:
        for server in servers.values():
            server.stop()

    pdf_output = ""
    if not args.skip_pdf and (BENCH / "evidence_pdf.py").exists():
        log("bench/evidence_pdf.py")
        result = subprocess.run(
            [PYTHON, str(BENCH / "evidence_pdf.py")], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        pdf_output = result.stdout
        if result.returncode:
            pdf_output += f"\n(exit status {result.returncode})\n{result.stderr[-2000:]}"
        step("evidence PDF (bench/evidence_pdf.py)")
    screenshots_output = ""
    if not args.skip_pdf and (BENCH / "evidence_screenshots.py").exists():
        log("bench/evidence_screenshots.py")
        result = subprocess.run(
            [PYTHON, str(BENCH / "evidence_screenshots.py")], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        screenshots_output = result.stdout
        if result.returncode:
            screenshots_output += f"\n(exit status {result.returncode})\n{result.stderr[-2000:]}"
        step("evidence PDF, ten screenshots (bench/evidence_screenshots.py)")

    text, _missed = report(
        sizes, measured, pages, queries, small_queries, weights, scores, pdf_output, timings, screenshots_output
    )
    args.output.write_text(text)
    print()
    print(text)
    log(f"wrote {args.output}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
