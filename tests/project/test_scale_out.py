"""Several gunicorn servers on one PostgreSQL: sessions, rate limits and uploads work across them,
and a server that loses its database answers 503 and recovers by itself when the database returns.

These tests start real servers (`gunicorn config.wsgi`) with production settings (DEBUG off, a real
SECRET_KEY; HTTPS off so plain-HTTP cookies work on loopback) on a database of their own, created
and migrated here and dropped afterwards. They need PostgreSQL: the PostgreSQL pass of CI
(`DATABASE_URL=postgres://... pytest` in .ci/run) runs them; on SQLite they are skipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import re
import secrets
import selectors
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

from tests.factories.images import png_bytes
from tests.factories.processes import PRODUCTION

BASE_DIR = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): the PostgreSQL pass of CI runs these",
    ),
    pytest.mark.slow,  # starts gunicorn servers
]

PASSWORD = "correct horse battery staple"
EMAIL = "scale@example.org"
SITE = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection():
    import psycopg

    parts = urlsplit(DATABASE_URL)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    )


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=False, capture_output=True, timeout=300
    )
    # Say why a command failed: its output is the only clue to an order or environment problem.
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed:\n{result.stdout.decode()[-2000:]}\n{result.stderr.decode()[-4000:]}"
    )


SEED = f"""
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from requests_app.models import Submission
user = User.objects.create_user(username="user-scale", email="{EMAIL}", password="{PASSWORD}")
EmailAddress.objects.create(user=user, email="{EMAIL}", verified=True, primary=True)
Submission.objects.create(
    id="{{submission_id}}", user=user, plan_item_key="object-ai-instagram#1", action_slug="object-ai-instagram",
    action_title="Object", platform_name="Instagram", region_slug="germany", region_name="Germany",
    jurisdiction_slug="gdpr", law="gdpr", status="filed",
)
"""


@pytest.fixture(scope="module")
def scale_env() -> Iterator[dict[str, str]]:
    """A fresh database (migrated, with one person and one filed request) and the servers' environment."""
    name = f"optout_scaleout_{secrets.token_hex(6)}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
        cache_url = "rediscache://127.0.0.1:6379/13" if _redis_reachable() else "dbcache://scaleout_cache"
        env = {
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "HTTPS": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": _with_database(DATABASE_URL, name),
            "CACHE_URL": cache_url,
            # Rate-limit counters of an earlier run must not count in this one.
            "CACHE_KEY_PREFIX": name,
            "CONN_MAX_AGE": "60",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "EMAIL_URL": "consolemail://",
            "LOG_LEVEL": "WARNING",
            # The evidence PDFs' certificate, as a deployment provides it (its absence is a check error).
            "EVIDENCE_PDF_CERT": PRODUCTION["EVIDENCE_PDF_CERT"],
            "EVIDENCE_PDF_KEY": PRODUCTION["EVIDENCE_PDF_KEY"],
        }
        _manage(env, "migrate", "--no-input")
        _manage(env, "createcachetable")
        submission_id = str(uuid.uuid4())
        _manage(env, "shell", "-c", SEED.replace("{submission_id}", submission_id))
        env["TEST_SUBMISSION_ID"] = submission_id
        yield env
    finally:
        with _admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Server:
    """One gunicorn serving the project on a free loopback port; stopped by `stop()`."""

    def __init__(self, env: dict[str, str], workers: int = 1) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--no-control-socket",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stderr.read().decode()[-2000:]}")
            with contextlib.suppress(OSError):
                if self.request("GET", "/healthz")[0] == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@contextlib.contextmanager
def running(env: dict[str, str], workers: int = 1) -> Iterator[Server]:
    server = Server(env, workers)
    try:
        yield server
    finally:
        server.stop()


class Browser:
    """Cookies shared across servers, as a browser shares them across the load balancer's backends."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def get(self, server: Server, path: str) -> tuple[int, dict[str, str], bytes]:
        return self._remember(server, "GET", path)

    def post(self, server: Server, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return self._remember(
            server, "POST", path, body=urlencode(fields).encode(), content_type="application/x-www-form-urlencoded"
        )

    def post_multipart(
        self, server: Server, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
    ) -> tuple[int, dict[str, str], bytes]:
        boundary = secrets.token_hex(16)
        parts = []
        for key, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        for key, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self._remember(server, "POST", path, body=body, content_type=f"multipart/form-data; boundary={boundary}")

    def csrf_token(self, server: Server, path: str) -> str:
        status, _, body = self.get(server, path)
        assert status == 200, (path, status)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def _remember(self, server: Server, method: str, path: str, body: bytes = b"", content_type: str = ""):
        # One site name for both servers, as behind a load balancer: allauth keys per-address login
        # limits by site and address, and CSRF compares the Origin with the Host.
        headers = {"Host": SITE}
        if content_type:
            headers["Content-Type"] = content_type
        if method == "POST":
            headers["Origin"] = f"http://{SITE}"
            headers["Referer"] = f"http://{SITE}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, _, rest = value.partition("=")
                    cookie_value = rest.split(";", 1)[0]
                    if "expires=Thu, 01 Jan 1970" in value or "Max-Age=0" in value:
                        self.cookies.pop(cookie_name, None)
                    else:
                        self.cookies[cookie_name] = cookie_value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def log_in(self, server: Server, email: str = EMAIL, password: str = PASSWORD) -> tuple[int, dict[str, str], bytes]:
        token = self.csrf_token(server, "/accounts/login/")
        return self.post(
            server, "/accounts/login/", {"login": email, "password": password, "csrfmiddlewaretoken": token}
        )


@pytest.fixture(scope="module")
def pair(scale_env) -> Iterator[tuple[Server, Server]]:
    with running(scale_env) as a, running(scale_env) as b:
        yield a, b


def test_a_session_made_on_one_server_works_on_the_other(pair):
    a, b = pair
    browser = Browser()
    assert browser.log_in(a)[0] == 302

    status, headers, body = browser.get(b, "/account/")

    assert status == 200
    assert EMAIL.encode() in body
    assert "no-store" in headers["cache-control"]


def test_without_the_session_the_other_server_asks_to_sign_in(pair):
    _a, b = pair
    status, headers, _ = Browser().get(b, "/account/")
    assert status == 302
    assert headers["location"].startswith("/accounts/login/")


def test_a_login_rate_limit_counted_on_one_server_applies_on_the_other(pair):
    a, b = pair
    target = f"victim-{secrets.token_hex(4)}@example.org"
    browser = Browser()
    # Five failures for one address are allowed (login_failed "5/300s/key"), all on A.
    for _ in range(5):
        status, _, body = browser.log_in(a, email=target, password="wrong password")
        assert b"are not correct" in body

    status, _, body = browser.log_in(b, email=target, password="wrong password")
    assert status == 200
    assert b"Too many failed login attempts" in body
    # Another address is not locked out on B.
    _, _, body = browser.log_in(b, email=f"other-{secrets.token_hex(4)}@example.org", password="wrong")
    assert b"are not correct" in body


def test_an_upload_made_on_one_server_downloads_from_the_other(pair, scale_env):
    a, b = pair
    submission_id = scale_env["TEST_SUBMISSION_ID"]
    browser = Browser()
    assert browser.log_in(a)[0] == 302
    token = browser.csrf_token(a, f"/requests/{submission_id}/")

    status, headers, _ = browser.post_multipart(
        a,
        f"/requests/{submission_id}/attachments/",
        {"csrfmiddlewaretoken": token, "token": secrets.token_hex(16)},
        {"image": ("screenshot.png", png_bytes((64, 48)), "image/png")},
    )
    assert status == 302, status

    _, _, page = browser.get(b, f"/requests/{submission_id}/")
    [attachment_path] = set(re.findall(rf"/requests/{submission_id}/attachments/[0-9a-f-]{{36}}".encode(), page))
    status, headers, content = browser.get(b, attachment_path.decode())
    assert status == 200
    assert headers["content-type"] == "image/png"
    assert content.startswith(b"\x89PNG")
    assert "no-store" in headers["cache-control"]
    # The download is exactly what A stored in the database.
    import psycopg

    with psycopg.connect(scale_env["DATABASE_URL"]) as conn:
        [(stored,)] = conn.execute("SELECT sha256 FROM requests_app_attachment").fetchall()
    assert hashlib.sha256(content).hexdigest() == stored


def test_another_person_cannot_download_it_from_either_server(pair, scale_env):
    a, b = pair
    submission_id = scale_env["TEST_SUBMISSION_ID"]
    for server in (a, b):
        status, _, _ = Browser().get(server, f"/requests/{submission_id}/")
        assert status == 302


# --- two workers on production's default cache -------------------------------------------------------


@pytest.fixture(scope="module")
def default_cache_server(scale_env) -> Iterator[Server]:
    """Two gunicorn workers with no CACHE_URL, on a database of their own that only `migrate` set up:
    the default cache is then the database's (config/settings.py), its table made by migrate."""
    name = f"optout_defaultcache_{secrets.token_hex(6)}"
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {key: value for key, value in scale_env.items() if key not in ("CACHE_URL", "CACHE_KEY_PREFIX")}
        env["DATABASE_URL"] = _with_database(DATABASE_URL, name)
        _manage(env, "migrate", "--no-input")
        with running(env, workers=2) as server:
            yield server
    finally:
        with _admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_workers_on_the_default_cache_hold_the_failed_login_limit(default_cache_server):
    """login_failed is "10/m/ip": with a cache per worker, two workers let about twice as many through."""
    browser = Browser()
    answers = []
    for attempt in range(16):
        _, _, body = browser.log_in(default_cache_server, email=f"nobody-{attempt}@example.org", password="wrong")
        answers.append("refused" if b"Too many failed login attempts" in body else "checked")
    assert answers == ["checked"] * 10 + ["refused"] * 6


def test_two_workers_on_the_default_cache_hold_the_verify_limit(default_cache_server):
    """verify_evidence is "30/m/ip"; each POST counts before the upload is read."""
    statuses = [default_cache_server.request("POST", "/verify/", headers={"Host": SITE})[0] for _ in range(40)]
    assert statuses.count(429) == 10
    assert 429 not in statuses[:30]


# --- losing the database ---------------------------------------------------------------------------


class Proxy:
    """A TCP forwarder on loopback between gunicorn and PostgreSQL that the test can cut and restore."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.closed = False
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()  # the database "is down": the connection is refused at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while True:
                for key, _ in selector.select(timeout=1):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self) -> None:
        """Refuse new connections and kill the open ones, as a database restart or network loss would."""
        self.up = False
        with self.lock:
            for client, upstream in self.pairs:
                for sock in (client, upstream):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
            self.pairs.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied_server(scale_env) -> Iterator[tuple[Server, Proxy]]:
    parts = urlsplit(scale_env["DATABASE_URL"])
    proxy = Proxy((parts.hostname or "127.0.0.1", parts.port or 5432))
    netloc = parts.netloc.rsplit("@", 1)
    credentials = netloc[0] + "@" if len(netloc) == 2 else ""
    env = {**scale_env, "DATABASE_URL": urlunsplit(parts._replace(netloc=f"{credentials}127.0.0.1:{proxy.port}"))}
    try:
        with running(env) as server:
            yield server, proxy
    finally:
        proxy.close()


def test_without_the_database_pages_answer_503_and_recover_by_themselves(proxied_server):
    server, proxy = proxied_server
    browser = Browser()
    assert browser.log_in(server)[0] == 302
    assert browser.get(server, "/account/")[0] == 200

    proxy.cut()

    assert server.request("GET", "/healthz")[0] == 503
    status, headers, body = browser.get(server, "/account/")
    assert status == 503
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["retry-after"] == "30"
    assert b"Nothing you sent just now was saved" in body
    status, _, _ = browser.get(server, "/start/where/")
    assert status == 503

    proxy.restore()

    # The same gunicorn, not restarted: a fresh connection on the next request.
    assert server.request("GET", "/healthz")[0] == 200
    status, _, body = browser.get(server, "/account/")
    assert status == 200, "the session made before the outage must have survived it"
    assert EMAIL.encode() in body
    assert server.process.poll() is None
