"""What an account holds besides its requests: the plan it saved, and its settings for the site.

Both are attached to the user with `on_delete=CASCADE`, so deleting the account deletes them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """An account holder's plan: the wizard's answers and the steps ticked done.

    The same JSON structure as the visitor's plan in the session (see
    wizard/plan_session.py), so claiming it on sign-up or login is a copy.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class AccountSettings(models.Model):
    """A person's choices about the site itself: for now, whether it emails them reminders.

    No row means the defaults; one is made the first time the person changes a setting.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings")
    reminder_emails = models.BooleanField(
        default=True, help_text=_("Email a week and a day before a request's due date, and when it has passed.")
    )

    def __str__(self) -> str:
        return f"Settings {self.pk}"

    @classmethod
    def reminders_wanted(cls, user) -> bool:
        return not cls.objects.filter(user=user, reminder_emails=False).exists()
