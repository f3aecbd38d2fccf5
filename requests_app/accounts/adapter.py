"""allauth's adapter: usernames that say nothing about the person, and people named by their address."""

from __future__ import annotations

import secrets

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        """Give Django's required, unique username a random value.

        allauth would derive it from the email address; the username is never shown or used to
        sign in here, so it should not repeat personal data in the admin or in exports.
        """
        if not user.get_username():
            user.username = f"user-{secrets.token_hex(8)}"


def user_display(user: AbstractBaseUser) -> str:
    """How allauth names a person in pages and emails (ACCOUNT_USER_DISPLAY): by email address."""
    return user.email
