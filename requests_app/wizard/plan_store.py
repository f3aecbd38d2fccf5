"""Where a person's plan lives: the session for a visitor, the `Plan` row for an account holder.

A visitor's plan (see plan_session.py) is copied into their account when they sign up and when they
sign in (allauth's `user_signed_up` and `user_logged_in` signals). When the account already has a
plan, the two are merged: the session's answers are the newer ones and win question by question,
and the steps ticked done are the union of both. Once signed in, the session copy is dropped, so the
plan exists in one place; signing up alone does not sign in (the email address is verified first),
so the session keeps the plan until then.

Views read and write a plan only through `load_plan_data` and `save_plan_data`, which pick the place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allauth.account.signals import user_logged_in, user_signed_up
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from ..models import Plan
from . import plan_session


def _is_empty(data: Mapping[str, Any]) -> bool:
    return not data["answers"] and not data["done"]


@transaction.atomic
def claim_session_plan(*, request: HttpRequest, user: Any, keep_in_session: bool) -> Plan | None:
    """Copy the session's plan into `user`'s `Plan`, merging with what is there; None when there is nothing."""
    session_data = plan_session.read(request.session)
    if _is_empty(session_data):
        return None
    plan, _created = Plan.objects.select_for_update().get_or_create(user=user)
    plan.data = plan_session.merge_plan_data(plan.data or {}, session_data)
    # The plan began when the visitor first answered, not when they made an account.
    started = plan_session.started_at(plan.data)
    if started is not None and started < plan.created_at:
        plan.created_at = started
    plan.full_clean(exclude=["user"])
    plan.save()
    if not keep_in_session:
        plan_session.clear(request.session)
    return plan


@receiver(user_signed_up, dispatch_uid="requests_app.wizard.plan_store.on_signed_up")
def on_signed_up(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # Not signed in yet while the address awaits verification: the visitor keeps seeing their plan.
    if request is not None and hasattr(request, "session"):
        claim_session_plan(request=request, user=user, keep_in_session=True)


@receiver(user_logged_in, dispatch_uid="requests_app.wizard.plan_store.on_logged_in")
def on_logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        claim_session_plan(request=request, user=user, keep_in_session=False)


def _cached_plan(request: HttpRequest) -> Plan | None:
    if not hasattr(request, "_account_plan"):
        request._account_plan = Plan.objects.filter(user=request.user).first()
    return request._account_plan


def load_plan_data(request: HttpRequest) -> dict[str, Any]:
    """The person's plan in plan_session's structure: the account's when signed in, else the session's."""
    if request.user.is_authenticated:
        plan = _cached_plan(request)
        return plan_session.read({plan_session.SESSION_KEY: plan.data if plan else {}})
    return plan_session.read(request.session)


@transaction.atomic
def save_plan_data(request: HttpRequest, data: Mapping[str, Any]) -> None:
    """Store a whole plan dict where `load_plan_data` reads it."""
    normalised = plan_session.read({plan_session.SESSION_KEY: dict(data)})
    if not request.user.is_authenticated:
        plan_session.write(request.session, normalised)
        return
    plan, _created = Plan.objects.select_for_update().get_or_create(user=request.user)
    plan.data = normalised
    plan.save(update_fields=["data", "updated_at"])
    request._account_plan = plan


# The plan operations the views need, on whichever store `load_plan_data` picks. Each reuses
# plan_session's function on a copy of the plan, then stores the result.


def _update(request: HttpRequest, change: Any, *args: Any) -> None:
    holder = {plan_session.SESSION_KEY: load_plan_data(request)}
    change(holder, *args)
    save_plan_data(request, plan_session.read(holder))


def plan_answers(request: HttpRequest) -> dict[str, Any]:
    return load_plan_data(request)["answers"]


def plan_done(request: HttpRequest) -> list[str]:
    return load_plan_data(request)["done"]


def save_plan_answers(request: HttpRequest, answers: Mapping[str, Any]) -> None:
    _update(request, plan_session.save_answers, answers)


def set_plan_step_done(request: HttpRequest, step_key: str, is_done: bool) -> None:
    _update(request, plan_session.set_done, step_key, is_done)


def clear_plan(request: HttpRequest) -> None:
    """Start again: forget the answers and progress (an account's tracked requests stay)."""
    plan_session.clear(request.session)
    if request.user.is_authenticated:
        save_plan_data(request, plan_session.empty())
