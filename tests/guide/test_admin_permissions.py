"""The "Content editors" group: guide content and its history, and nothing else in admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories.admin import CONTENT_MODELS, make_editor
from tests.factories.guide import make_action

pytestmark = pytest.mark.django_db


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_the_group_holds_guide_content_permissions_only():
    codenames = set(Group.objects.get(name="Content editors").permissions.values_list("codename", flat=True))

    expected = {
        f"{verb}_{model._meta.model_name}" for model in CONTENT_MODELS for verb in ("view", "add", "change", "delete")
    }
    history = {f"view_{model.history.model._meta.model_name}" for model in CONTENT_MODELS}
    history.add("view_historicalaction_jurisdictions")
    assert codenames == expected | history


def test_the_group_gives_no_permission_outside_this_app():
    group = Group.objects.get(name="Content editors")

    assert not group.permissions.exclude(content_type__app_label="requests_app").exists()
    assert not group.permissions.filter(codename__startswith="change_historical").exists()


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model.__name__)
def test_an_editor_opens_every_guide_content_list(editor_client, model):
    assert editor_client.get(_changelist(model)).status_code == 200


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model.__name__)
def test_an_editor_may_add_guide_content(editor_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")

    assert editor_client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"])
def test_an_editor_cannot_open_accounts(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_an_editor_cannot_open_sessions(editor_client):
    assert editor_client.get("/admin/sessions/session/").status_code in (403, 404)


def test_an_editor_is_refused_every_admin_model_that_is_not_guide_content(editor_client):
    """Covers models registered later (submissions, attachments...) without changing this test."""
    others = [model for model in admin.site._registry if model not in CONTENT_MODELS]

    assert others, "auth's User and Group at least are registered"
    for model in others:
        response = editor_client.get(_changelist(model))
        assert response.status_code in (403, 404), f"{model._meta.label} answered {response.status_code}"


def test_a_superuser_still_opens_accounts(superuser_client):
    assert superuser_client.get("/admin/auth/user/").status_code == 200


def test_the_admin_index_lists_only_guide_content_for_an_editor(editor_client):
    response = editor_client.get("/admin/")

    assert response.status_code == 200
    models = {model["object_name"] for app in response.context["app_list"] for model in app["models"]}
    assert models == {model.__name__ for model in CONTENT_MODELS}


def test_an_editor_sees_the_history_of_an_action(editor_client):
    action = make_action("object-instagram")

    response = editor_client.get(reverse("admin:requests_app_action_history", args=[action.pk]))

    assert response.status_code == 200


def test_a_staff_member_outside_the_group_sees_no_content(client):
    user = make_editor("outsider")
    user.groups.clear()
    client.force_login(user)

    assert client.get(_changelist(CONTENT_MODELS[0])).status_code == 403


def test_the_admin_is_titled_for_content(editor_client):
    assert "Opt-Out Guide content" in editor_client.get("/admin/").content.decode()
