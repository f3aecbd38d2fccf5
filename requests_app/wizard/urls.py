"""URLs of the visitor's journey: the landing page, the wizard (/start/...) and the plan."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "wizard"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("start/check/", views.check_answers, name="check"),
    path("start/again/", views.start_again, name="start_again"),
    path("start/<slug:question>/", views.question, name="question"),
    path("plan/", views.plan, name="plan"),
    path("plan/progress/", views.plan_progress, name="plan_progress"),
    path("plan.pdf", views.plan_pdf, name="plan_pdf"),
]
