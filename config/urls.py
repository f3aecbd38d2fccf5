from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from requests_app.accounts.views import too_many_requests
from requests_app.web import errors

# The admin's own login form knows nothing of two-factor authentication or rate limits: send
# anonymous visitors to allauth's sign-in (with the admin page as `next`), and answer 403 to a
# signed-in person without staff rights (allauth's documented pattern).
admin.site.login = secure_admin_login(admin.site.login)

# allauth renders this when a rate limit is exceeded (it looks for `handler429` in the root URLconf).
handler429 = too_many_requests
# Our own plain error pages, rendered without the database (see requests_app/web/errors.py).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("requests_app.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("requests_app.tracking.urls")),
    path("", include("requests_app.evidence.urls")),
    path("", include("requests_app.web.urls")),
    path("", include("requests_app.wizard.urls")),
]
