"""The idle timeout and a session's "last seen", kept without a database write on every request.

Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) and allauth's tracking of every
signed-in request would be more than half of a signed-in page's queries, all of them writes
(bench/README.md). Instead a session records when it was last touched; once SESSION_TOUCH_INTERVAL
has passed, the next request touches it again: the session is saved, which pushes its expiry
SESSION_COOKIE_AGE forward and re-sends the cookie, and the account's UserSession gets its IP,
browser and last-seen time. So a session ends between SESSION_COOKIE_AGE minus the interval and
SESSION_COOKIE_AGE after its last request, and "last seen" is right to within the interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.http import HttpRequest, HttpResponse

TOUCHED = "_touched"  # epoch seconds of the last touch, in the session


def touch_due(touched: object, now: float, interval: int) -> bool:
    """Whether a session last touched at `touched` (None: never) needs touching at `now`."""
    return not isinstance(touched, int) or not (0 <= now - touched < interval)


class ActivityMiddleware:
    """After AuthenticationMiddleware, in place of allauth's UserSessionsMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only a request that brings a session cookie: reading the session of one without it would
        # add "Vary: Cookie" to every anonymous page, and touching it would start a session.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            self.touch(request)
        return self.get_response(request)

    @staticmethod
    def touch(request: HttpRequest) -> None:
        session = request.session
        touched = session.get(TOUCHED)
        if session.session_key is None:  # the cookie named no live session: nothing to keep alive
            return
        now = time.time()
        if not touch_due(touched, now, settings.SESSION_TOUCH_INTERVAL):
            return
        session[TOUCHED] = int(now)  # marks the session modified: SessionMiddleware saves it
        usersessionkit.track_activity(request, user=getattr(request, "user", None), session=session)
