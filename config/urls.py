from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from requests_app import accounts

# allauth renders this when a rate limit is exceeded (it looks for `handler429` in the root URLconf).
handler429 = accounts.too_many_requests

urlpatterns = [
    # Before admin.site.urls: admin sign-in goes through allauth, which asks for the second factor.
    path("admin/login/", accounts.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("account/", accounts.account_overview, name="account_overview"),
    path("account/export.json", accounts.account_export, name="account_export"),
    path("account/delete/", accounts.account_delete, name="account_delete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("requests_app.tracking_urls")),
    path("", include("requests_app.urls")),
]
