"""Our own error pages: plain, within the CSP, never cached, and rendered without the database.

The handlers (`handler400` and friends in config/urls.py, CSRF_FAILURE_VIEW) render our plain
templates without a RequestContext: no context processor runs, so they never touch the database.
A lost database is a 503 with a plain page, and the site recovers by itself when it comes back.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
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
    return error_page(request, "requests_app/web/errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "requests_app/web/errors/403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's own page carries an inline style our CSP would block."""
    return error_page(
        request,
        "requests_app/web/errors/403.html",
        403,
        title=_("This form has expired"),
        message=_(
            "Your browser sent the form without the cookie or token that shows it came from this site. "
            "Go back, reload the page and try again. If it happens again, allow cookies for this site."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, "requests_app/web/errors/404.html", 404)


def service_unavailable(request: HttpRequest | None) -> HttpResponse:
    response = error_page(
        request,
        "requests_app/web/errors/500.html",
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
    return error_page(request, "requests_app/web/errors/500.html", 500)
