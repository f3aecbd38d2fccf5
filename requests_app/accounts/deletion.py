"""Deleting an account: every row and every session that names the person."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction


@transaction.atomic
def delete_account(*, user: AbstractBaseUser) -> None:
    """Delete `user` and every row and session that names them.

    Sessions: allauth.usersessions records every session in which the person was signed in (at
    sign-in and on each request), so ending those removes the session data on every device, not
    only this one. Rows: `user.delete()` cascades to allauth's email addresses, authenticators and
    session records, and to any model with a `ForeignKey` to the user and `on_delete=CASCADE`;
    every model that holds a person's data must be attached that way. Screenshots are kept as bytes
    in the database (`Attachment.content`), so they go with their rows; nothing of a person is kept
    in files.
    """
    for user_session in UserSession.objects.filter(user=user).select_for_update():
        user_session.end()
    user.delete()
