"""Slowing down expensive requests from one address, with allauth's rate limits in the shared cache.

Rendering a PDF or checking an uploaded one costs a server worker hundreds of milliseconds to
seconds; the limits (ACCOUNT_RATE_LIMITS in settings, actions named here) keep one address from
occupying every worker. Over the limit, allauth answers 429 with our page (config.urls.handler429).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

# allauth's public `ratelimit.consume_or_429` never counts GET requests; its internal one can
# (`limit_get`). Pinned with allauth in requirements.txt, and tests/test_verify_limits.py checks it.
from allauth.core.internal import ratelimit
from django.http import HttpRequest, HttpResponseBase

RENDER_PDF = "render_pdf"
VERIFY_EVIDENCE = "verify_evidence"


def throttle(action: str, methods: tuple[str, ...] = ("GET", "HEAD", "POST")) -> Callable:
    """Decorate a view so each request by `methods` counts against `action`'s limit, before the view
    reads anything of the request."""

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def throttled(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            if request.method in methods and (
                limited := ratelimit.consume_or_429(request, app="allauth.account", action=action, limit_get=True)
            ):
                return limited
            return view(request, *args, **kwargs)

        return throttled

    return decorate
