"""Our own error pages (400, 403, 404, 413, 500, 503): plain, strict CSP, never cached, no database needed."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError

from tests.factories.accounts import make_user

pytestmark = pytest.mark.django_db

# Every query fails, as when the database server is down.
DATABASE_DOWN = mock.patch(
    "django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("connection refused")
)


def assert_plain_error_page(response, status: int, heading: str) -> None:
    assert response.status_code == status
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    # Plain: no script, no inline style, nothing the CSP would have to block.
    assert "<script" not in html
    assert "style=" not in html


def test_it_answers_404_with_our_page(client):
    assert_plain_error_page(client.get("/no-such-page/"), 404, "Page not found")


def test_a_page_that_exists_is_not_the_404_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "<h1>Page not found</h1>" not in response.content.decode()


def test_it_answers_404_without_the_database(client):
    with DATABASE_DOWN:
        response = client.get("/no-such-page/")
    assert_plain_error_page(response, 404, "Page not found")


def test_it_answers_403_with_our_page_to_a_signed_in_person_without_staff_rights(client):
    client.force_login(make_user())
    assert_plain_error_page(client.get("/admin/login/"), 403, "You cannot open this page")


def test_it_answers_a_forged_form_with_our_403_page(client):
    client.handler.enforce_csrf_checks = True
    response = client.post("/start/where/", {"country": "germany"})
    assert_plain_error_page(response, 403, "This form has expired")


def test_it_accepts_the_same_form_with_its_token(client):
    client.handler.enforce_csrf_checks = True
    client.get("/start/where/")
    response = client.post("/start/where/", {"country": "", "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200


def test_it_answers_a_malformed_host_with_our_400_page(client):
    assert_plain_error_page(client.get("/", HTTP_HOST="bad host!"), 400, "Bad request")


def test_it_answers_a_host_it_does_not_serve_with_400(client, settings):
    settings.ALLOWED_HOSTS = ["optout.example.org"]
    assert_plain_error_page(client.get("/", HTTP_HOST="evil.example.org"), 400, "Bad request")


def test_a_served_host_is_answered(client, settings):
    settings.ALLOWED_HOSTS = ["optout.example.org"]
    assert client.get("/", HTTP_HOST="optout.example.org").status_code == 200


def test_it_answers_400_to_a_malformed_host_on_a_live_server(live_server):
    """Through a real socket: the request line and headers as an attacker would send them."""
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: bad host!\r\nConnection: close\r\n\r\n")
        raw = b""
        while chunk := conn.recv(65536):
            raw += chunk
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines[1:])}
    assert lines[0].split(" ")[1] == "400"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert b"<h1>Bad request</h1>" in body
    # And the server is still up.
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert conn.recv(65536).split(b" ")[1] == b"200"


def test_it_answers_500_with_our_page_when_a_view_fails(client):
    client.raise_request_exception = False
    with mock.patch("requests_app.wizard.views.TemplateResponse", side_effect=RuntimeError("bug")):
        response = client.get("/")
    assert_plain_error_page(response, 500, "Sorry, there is a problem with the service")


def test_it_still_answers_200_when_nothing_fails(client):
    client.raise_request_exception = False
    assert client.get("/").status_code == 200


def test_a_view_that_loses_the_database_answers_503(client):
    client.raise_request_exception = False
    with DATABASE_DOWN:
        response = client.get("/start/where/")
    assert_plain_error_page(response, 503, "This service is unavailable right now")
    assert response["Retry-After"] == "30"
    assert "Nothing you sent just now was saved" in response.content.decode()


def test_middleware_that_loses_the_database_answers_503(client):
    """A signed-in session is read by middleware before any view: that error reaches handler500."""
    client.raise_request_exception = False
    client.force_login(make_user())
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute", side_effect=InterfaceError("connection already closed")
    ):
        response = client.get("/account/")
    assert_plain_error_page(response, 503, "This service is unavailable right now")


def test_a_programming_error_is_still_a_500(client):
    """Only a lost connection is a 503; a bug in a query stays a 500 and is logged as one."""
    from django.db import ProgrammingError

    client.raise_request_exception = False
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=ProgrammingError("no column")):
        response = client.get("/start/where/")
    assert response.status_code == 500


def test_it_answers_413_to_a_declared_body_over_the_limit_without_reading_it(client):
    body = mock.Mock()
    body.read.side_effect = AssertionError("the body was read")
    body.readline.side_effect = AssertionError("the body was read")
    response = client.generic(
        "POST",
        "/start/where/",
        b"country=germany",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
        **{"wsgi.input": body},
    )
    assert_plain_error_page(response, 413, "The request is too large")
    assert "at most 2 MB" in response.content.decode()


def test_it_accepts_a_screenshot_sized_body_on_the_upload_route(client):
    """10 MB is fine where screenshots go (the view then asks the person to sign in)."""
    response = client.generic(
        "POST",
        "/requests/00000000-0000-0000-0000-000000000000/attachments/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )
    assert response.status_code == 302


def test_it_refuses_a_body_over_the_upload_routes_limit(client):
    response = client.generic(
        "POST",
        "/requests/00000000-0000-0000-0000-000000000000/attachments/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(12 * 1024 * 1024),
    )
    assert_plain_error_page(response, 413, "The request is too large")


def test_it_answers_400_to_a_malformed_content_length(client):
    response = client.generic("POST", "/start/where/", b"", CONTENT_LENGTH="-5")
    assert_plain_error_page(response, 400, "Bad request")
