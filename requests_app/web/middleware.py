"""The middleware that keeps bad input and a lost database from becoming a crash.

- `ErrorResponseMiddleware` (outermost) gives every response the Content-Security-Policy and the
  Permissions-Policy, even one made by an error in the middleware below it.
- `RequestSizeLimitMiddleware` refuses a body whose declared length is over its route's limit with
  413, before anything reads it.
- `DatabaseUnavailableMiddleware` answers 503 with a plain page when a view loses the database
  (`errors.server_error` does the same for middleware).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.csp import CSP, build_policy
from django.utils.translation import gettext as _

from .errors import DATABASE_UNAVAILABLE, error_page, service_unavailable

logger = logging.getLogger(__name__)

# Browser features the site never uses, denied to it and to anything it might embed: a script that got
# in through some future hole still cannot reach the camera, the microphone or the person's position.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class ErrorResponseMiddleware:
    """Put the site's CSP and Permissions-Policy on any response that lacks them.

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
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def body_limit(path: str) -> int:
    """The largest body, in bytes, that the route at `path` accepts (REQUEST_BODY_LIMITS by view name)."""
    try:
        view_name = resolve(path).view_name
    except Resolver404:
        view_name = None
    return settings.REQUEST_BODY_LIMITS.get(view_name, settings.REQUEST_BODY_DEFAULT_LIMIT)


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
        return error_page(request, "requests_app/web/errors/400.html", status, title=title, message=message)


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
