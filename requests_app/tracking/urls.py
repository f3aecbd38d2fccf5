"""URLs of request tracking (/requests/...): an account holder's submissions."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "tracking"
urlpatterns = [
    path("requests/", views.dashboard, name="dashboard"),
    path("requests/track/", views.track, name="track"),
    path("requests/<uuid:submission_id>/", views.detail, name="detail"),
    path("requests/<uuid:submission_id>/filing/", views.record_filing, name="record_filing"),
    path("requests/<uuid:submission_id>/update/", views.record_update, name="record_update"),
    path("requests/<uuid:submission_id>/attachments/", views.add_attachment, name="add_attachment"),
    path(
        "requests/<uuid:submission_id>/attachments/<uuid:attachment_id>",
        views.attachment,
        name="attachment",
    ),
    path("requests/<uuid:submission_id>/escalate/", views.escalate, name="escalate"),
    path("requests/<uuid:submission_id>/deadline.ics", views.deadline_ics, name="deadline_ics"),
]
