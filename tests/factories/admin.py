"""Staff for the admin tests: content editors and superusers with a second factor, and change forms' data."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django import forms
from django.contrib.auth.models import Group, User

from requests_app.models import (
    TEXT_MODELS,
    Action,
    Jurisdiction,
    LetterTemplate,
    Platform,
    PlatformController,
    Region,
    Step,
)

CONTENT_MODELS = (Jurisdiction, Region, Platform, PlatformController, Action, Step, LetterTemplate, *TEXT_MODELS)
PASSWORD = "correct horse battery staple"


def with_totp(user: User) -> str:
    """Staff need two-factor authentication before any admin page: give `user` an authenticator."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def make_editor(username: str = "editor") -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.org", password=PASSWORD)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name="Content editors"))
    with_totp(user)
    return user


def form_data(response) -> dict:
    """The POST data an admin change form would send unchanged: main form, inline management forms and rows."""
    data: dict = {}

    def add(form: forms.BaseForm) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def text_key(data: dict, field: str, language: str, prefix: str = "texts") -> str:
    """The POST key of `field` in the inline row for `language`, as `form_data` collected it."""
    for key, value in data.items():
        if key.startswith(f"{prefix}-") and key.endswith("-language") and value == language:
            return f"{key.removesuffix('-language')}-{field}"
    raise KeyError(f"no {prefix} row in {language}")
