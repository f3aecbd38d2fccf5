"""The account pages' own form: confirming a deletion with the password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from ..web.widgets import WIDGET_RENDERER


class DeleteAccountForm(forms.Form):
    default_renderer = WIDGET_RENDERER
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("To make sure it is you, enter the password you sign in with."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password")},
    )

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct"), code="incorrect_password")
        return password
