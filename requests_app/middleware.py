"""Error pages and the middleware that keeps bad input and a lost database from becoming a crash.

- `ErrorResponseMiddleware` (outermost) gives every response the Content-Security-Policy, even one
  made by an error in the middleware below it.
- `RequestSizeLimitMiddleware` refuses a body whose declared length is over its route's limit with
  413, before anything reads it.
- `DatabaseUnavailableMiddleware` and `server_error` answer 503 with a plain page when the database
  cannot be reached, and the site recovers by itself when it comes back.
- The error handlers (`handler400` and friends in config/urls.py) render our own plain templates
  without a RequestContext: no context processor runs, so they never touch the database.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.utils.csp import CSP, build_policy
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What a lost or restarting database raises (connection refused, connection closed mid-query).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def error_page(request: HttpRequest | None, template: str, status: int, **context: Any) -> HttpResponse:
    """Our plain error page: never cached, and plain text if even the template cannot render."""
    try:
        content = render_to_string(template, {"request_path": request.path if request else "", **context})
        response = HttpResponse(content, status=status)
    except Exception:  # an error page must never fail in turn
        logger.exception("The %s page could not be rendered", status)
        response = HttpResponse(
            f"{context.get('title') or status}\n", status=status, content_type="text/plain; charset=utf-8"
        )
    add_never_cache_headers(response)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's own page carries an inline style our CSP would block."""
    return error_page(
        request,
        "403.html",
        403,
        title=_("This form has expired"),
        message=_(
            "Your browser sent the form without the cookie or token that shows it came from this site. "
            "Go back, reload the page and try again. If it happens again, allow cookies for this site."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "404.html", 404)


def service_unavailable(request: HttpRequest | None) -> HttpResponse:
    response = error_page(
        request,
        "500.html",
        503,
        title=_("This service is unavailable right now"),
        message=_(
            "We cannot reach our database at the moment. Nothing you sent just now was saved, and nothing "
            "already saved is lost. Please try again in a few minutes."
        ),
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500, called while the exception is being handled: a lost database is a 503, not a bug.

    Errors in middleware (the session or user lookup when the database is down) reach this handler,
    not `DatabaseUnavailableMiddleware.process_exception`, which only sees the view's.
    """
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    return error_page(request, "500.html", 500)


class ErrorResponseMiddleware:
    """Put the site's CSP on any response that lacks it.

    ContentSecurityPolicyMiddleware adds it to everything that passes through it; a response made
    by an exception in middleware outside it (SecurityMiddleware reading a malformed Host header)
    does not, and would otherwise reach the browser without a policy.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.SECURE_CSP and CSP.HEADER_ENFORCE not in response:
            response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(settings.SECURE_CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def body_limit(path: str) -> int:
    """The largest body, in bytes, that the route at `path` accepts (REQUEST_BODY_LIMITS by URL name)."""
    try:
        url_name = resolve(path).url_name
    except Resolver404:
        url_name = None
    return settings.REQUEST_BODY_LIMITS.get(url_name, settings.REQUEST_BODY_DEFAULT_LIMIT)


class RequestSizeLimitMiddleware:
    """Answer 413 to a body declared larger than its route accepts, without reading any of it.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams files of any size to disk
    first; this refuses a 1 GB "screenshot" at once, and everything else above a small limit. A
    body without a Content-Length is never read by Django, and the reverse proxy caps it anyway.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            length = -1
        if length < 0:
            return self._refuse(request, 400, _("The request could not be read"))
        # Resolving only for large bodies keeps ordinary requests free of the extra lookup.
        if length > min(settings.REQUEST_BODY_DEFAULT_LIMIT, *settings.REQUEST_BODY_LIMITS.values()):
            limit = body_limit(request.path_info)
            if length > limit:
                megabytes = max(1, limit // (1024 * 1024))
                return self._refuse(
                    request,
                    413,
                    _("What you sent is too large: at most %(mb)d MB is accepted here") % {"mb": megabytes},
                )
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        title = _("The request is too large") if status == 413 else _("Bad request")
        # No `Connection: close` here: WSGI forbids hop-by-hop headers from the application (wsgiref
        # asserts); gunicorn's sync workers close every connection, and the proxy caps bodies first.
        return error_page(request, "400.html", status, title=title, message=message)


class DatabaseUnavailableMiddleware:
    """Answer 503 when a view loses the database, instead of a 500 and a traceback page."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable: %s", type(exception).__name__)
            return service_unavailable(request)
        return None
