"""The person's own /account/ pages: the overview, reminder emails, the export, and deleting everything.

Signing up, in and out, email verification, password reset, two-factor authentication and the
session list are django-allauth's views with our templates.
"""

from __future__ import annotations

from allauth.core import ratelimit
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..evidence.pdf import verify_links
from ..models import AccountSettings
from ..web.downloads import download
from ..web.throttle import RENDER_PDF, throttle
from .deletion import delete_account
from .export import export_archive
from .forms import DeleteAccountForm


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The page allauth shows when a rate limit is exceeded (`handler429` in the root URLconf)."""
    return TemplateResponse(request, "requests_app/accounts/too_many_requests.html", status=429).render()


@require_safe
@login_required
def account_overview(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request,
        "requests_app/accounts/account.html",
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
    return HttpResponseRedirect(reverse("accounts:overview") + "#reminders")


@require_safe
@login_required
@throttle(RENDER_PDF)
def account_export(request: HttpRequest) -> HttpResponse:
    """Everything the account holds: a zip of the data as JSON, the uploaded files and the evidence PDF."""
    archive = export_archive(request.user, **verify_links(request))
    return download(archive, content_type="application/zip", filename="opt-out-guide-export.zip")


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
            return TemplateResponse(request, "requests_app/accounts/deleted.html")
    return TemplateResponse(request, "requests_app/accounts/delete.html", {"form": form})
