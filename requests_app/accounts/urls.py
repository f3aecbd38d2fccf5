"""URLs of the person's own account pages (/account/...); allauth's are under /accounts/."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("account/", views.account_overview, name="overview"),
    path("account/export.zip", views.account_export, name="export"),
    path("account/reminders/", views.account_reminders, name="reminders"),
    path("account/delete/", views.account_delete, name="delete"),
]
