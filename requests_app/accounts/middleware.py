"""Middleware for signed-in people: two-factor authentication before the admin, private pages kept private.

- `StaffMFAMiddleware` sends a member of staff without a second factor to set one up before any
  admin page.
- `PrivateResponseMiddleware` adds `Cache-Control: no-store` to every response of a signed-in
  person and of an account page, and `Clear-Site-Data` after every sign-out (`mark_signed_out`).
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

# Sent on every response that ends a signed-in session: the browser drops its cache, cookies and
# storage for this site, so nothing of the account stays on a shared device.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'

# View names of the pages that belong to an account (ours in the `accounts` namespace, allauth's
# `account_*`, its MFA and session pages). They are never stored by a cache, even before sign-in:
# the forms carry CSRF tokens.
PRIVATE_VIEW_NAME_PREFIXES = ("accounts:", "account_", "mfa_", "usersessions_")


class StaffMFAMiddleware:
    """Send a member of staff without two-factor authentication to set it up before any admin page.

    Admin sign-in itself goes through allauth (`secure_admin_login` in config/urls.py), which asks
    everyone who has a second factor for it; this closes the gap for staff who have none yet.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        # Signing out must stay possible without MFA.
        if match is None or match.namespace != "admin" or match.url_name == "logout":
            return None
        user = request.user
        if not (user.is_authenticated and user.is_staff) or is_mfa_enabled(user):
            return None
        messages.warning(request, _("Staff accounts need two-factor authentication. Set it up to open the admin."))
        return HttpResponseRedirect(reverse("mfa_activate_totp"))


class PrivateResponseMiddleware:
    """Keep private pages out of every cache, and clear the browser's copy of the site on sign-out."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        view_name = (match.view_name or "") if match else ""
        if getattr(request, "signed_out", False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
            add_never_cache_headers(response)
        elif request.user.is_authenticated or view_name.startswith(PRIVATE_VIEW_NAME_PREFIXES):
            add_never_cache_headers(response)
        return response


@receiver(user_logged_out, dispatch_uid="requests_app.accounts.middleware.mark_signed_out")
def mark_signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Flag the request so `PrivateResponseMiddleware` adds Clear-Site-Data to its response.

    A signal rather than a view hook, so allauth's sign-out, the admin's and account deletion all
    get the header.
    """
    if request is not None:
        request.signed_out = True
