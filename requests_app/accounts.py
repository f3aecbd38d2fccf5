"""Accounts: the allauth adapter, staff two-factor enforcement, and the person's own /account/ pages.

Signing up, in and out, email verification, password reset, two-factor authentication and the
session list are django-allauth's views with our templates. What is ours: usernames that say nothing
about the person, MFA required before /admin/, `Cache-Control: no-store` on private responses,
`Clear-Site-Data` after every sign-out, and the export and deletion of everything an account holds.
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .models import AccountSettings
from .throttle import RENDER_PDF, throttle
from .web.widgets import WIDGET_RENDERER

# Sent on every response that ends a signed-in session: the browser drops its cache, cookies and
# storage for this site, so nothing of the account stays on a shared device.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'

# URL names of the pages that belong to an account (ours, allauth's, its MFA and session pages).
# They are never stored by a cache, even before sign-in: the forms carry CSRF tokens.
PRIVATE_URL_NAME_PREFIXES = ("account", "mfa_", "usersessions_")


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Give Django's required, unique username a random value.

        allauth would derive it from the email address; the username is never shown or used to
        sign in here, so it should not repeat personal data in the admin or in exports.
        """
        if not user.get_username():
            user.username = f"user-{secrets.token_hex(8)}"


def user_display(user: AbstractBaseUser) -> str:
    """How allauth names a person in pages and emails (ACCOUNT_USER_DISPLAY): by email address."""
    return user.email


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
        url_name = (match.url_name or "") if match else ""
        if getattr(request, "signed_out", False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
            add_never_cache_headers(response)
        elif request.user.is_authenticated or url_name.startswith(PRIVATE_URL_NAME_PREFIXES):
            add_never_cache_headers(response)
        return response


@receiver(user_logged_out, dispatch_uid="requests_app.accounts.mark_signed_out")
def mark_signed_out(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Flag the request so `PrivateResponseMiddleware` adds Clear-Site-Data to its response.

    A signal rather than a view hook, so allauth's sign-out, the admin's and account deletion all
    get the header.
    """
    if request is not None:
        request.signed_out = True


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The page allauth shows when a rate limit is exceeded (`handler429` in the root URLconf)."""
    return TemplateResponse(request, "accounts/too_many_requests.html", status=429).render()


def export_account(user: AbstractBaseUser) -> dict[str, Any]:
    """Everything the site holds about `user`, as plain JSON-ready data, with no secrets.

    Never included: password hashes, TOTP secrets, recovery codes, session keys.
    account_export.py adds the plan and submissions and zips it with the uploaded files.
    """
    return {
        "format": "opt-out-guide-account-export",
        "version": 1,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_authentication": [
            {
                "type": authenticator.type,
                "created_at": authenticator.created_at.isoformat(),
                "last_used_at": authenticator.last_used_at.isoformat() if authenticator.last_used_at else None,
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "ip": session.ip,
                "user_agent": session.user_agent,
                "created_at": session.created_at.isoformat(),
                "last_seen_at": session.last_seen_at.isoformat(),
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
    }


@transaction.atomic
def delete_account(*, user: AbstractBaseUser) -> None:
    """Delete `user` and every row and session that names them.

    Sessions: allauth.usersessions records every session in which the person was signed in (at
    sign-in and on each request), so ending those removes the session data on every device, not
    only this one. Rows: `user.delete()` cascades to allauth's email addresses, authenticators and
    session records, and to any model with a `ForeignKey` to the user and `on_delete=CASCADE`;
    every model that holds a person's data must be attached that way. Files (attachments, stored
    PDFs): delete them from storage here with `transaction.on_commit`, so a rolled-back deletion
    keeps them.
    """
    for user_session in UserSession.objects.filter(user=user).select_for_update():
        user_session.end()
    user.delete()


class DeleteAccountForm(forms.Form):
    default_renderer = WIDGET_RENDERER
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("To make sure it is you, enter the password you sign in with."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password")},
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct"), code="incorrect_password")
        return password


@require_safe
@login_required
def account_overview(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request,
        "accounts/account.html",
        {
            "mfa_enabled": is_mfa_enabled(request.user),
            "session_count": UserSession.objects.filter(user=request.user).count(),
            "reminder_emails": AccountSettings.reminders_wanted(request.user),
        },
    )


@require_POST
@login_required
def account_reminders(request: HttpRequest) -> HttpResponseRedirect:
    """Turn reminder emails on or off (a queued reminder checks again before it is sent)."""
    wanted = request.POST.get("reminder_emails") == "on"
    AccountSettings.objects.update_or_create(user=request.user, defaults={"reminder_emails": wanted})
    if wanted:
        messages.success(request, _("Reminder emails are on."))
    else:
        messages.success(request, _("Reminder emails are off. We will not email you about due dates."))
    return HttpResponseRedirect(reverse("account_overview") + "#reminders")


@require_safe
@login_required
@throttle(RENDER_PDF)
def account_export(request: HttpRequest) -> HttpResponse:
    """Everything the account holds: a zip of the data as JSON, the uploaded files and the evidence PDF."""
    from .account_export import export_archive  # account_export imports this module

    archive = export_archive(
        request.user,
        verify_url=request.build_absolute_uri(reverse("evidence_verify")),
        key_url=request.build_absolute_uri(reverse("evidence_public_key_well_known")),
    )
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="opt-out-guide-export.zip"'
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request: HttpRequest) -> HttpResponseBase:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        # The password check is a guessing oracle for whoever holds a stolen session: limit it.
        if limited := ratelimit.consume_or_429(request, action="reauthenticate", user=request.user):
            return limited
        if form.is_valid():
            delete_account(user=request.user)
            # Ends this session too; the logout signal adds Clear-Site-Data to the response.
            logout(request)
            return TemplateResponse(request, "accounts/deleted.html")
    return TemplateResponse(request, "accounts/delete.html", {"form": form})
