"""URLs of request tracking (/requests/...): an account holder's submissions."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("requests/", views.dashboard, name="requests_dashboard"),
    path("requests/track/", views.track, name="requests_track"),
    path("requests/<uuid:submission_id>/", views.detail, name="requests_detail"),
    path("requests/<uuid:submission_id>/filing/", views.record_filing, name="requests_record_filing"),
    path("requests/<uuid:submission_id>/update/", views.record_update, name="requests_record_update"),
    path("requests/<uuid:submission_id>/attachments/", views.add_attachment, name="requests_add_attachment"),
    path(
        "requests/<uuid:submission_id>/attachments/<uuid:attachment_id>",
        views.attachment,
        name="requests_attachment",
    ),
    path("requests/<uuid:submission_id>/escalate/", views.escalate, name="requests_escalate"),
    path("requests/<uuid:submission_id>/deadline.ics", views.deadline_ics, name="requests_deadline_ics"),
]
