"""URLs of the person's own account pages (/account/...); allauth's are under /accounts/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("account/", views.account_overview, name="account_overview"),
    path("account/export.zip", views.account_export, name="account_export"),
    path("account/reminders/", views.account_reminders, name="account_reminders"),
    path("account/delete/", views.account_delete, name="account_delete"),
]
