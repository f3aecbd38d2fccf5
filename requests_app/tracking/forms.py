"""Forms of request tracking: record a filing, what happened next, a screenshot, an escalation.

Each form carries a one-off `token` (see services.py) and can list its errors for the error
summary, in the order of its fields. Bad input is answered at the field; what was typed is kept.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from functools import lru_cache
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from ..web.forms import ErrorSummaryMixin, ShowableTextMixin
from ..web.widgets import WIDGET_RENDERER, HiddenInputWithoutId
from . import uploads
from .escalation import Authority
from .services import CLARIFICATION_ANSWERED, CLARIFICATION_ASKED, EXTENDED, REPLY_ONLY, TrackingError, new_token

TOKEN_RE = re.compile(r"[0-9a-f]{32}")
NOTE_MAX = 2_000
TEXT_MAX = 20_000
REFERENCE_MAX = 200
UPLOAD_LIMITED = _(
    "You have added a lot of screenshots in a short time. Wait a few minutes, then choose the file again."
)
# Limits are validators rather than `max_length`, whose `maxlength` attribute makes browsers cut pasted
# text silently: the server refuses over-long text with a message stating the limit (as the wizard does).


@lru_cache(maxsize=1)
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone people live in (no legacy aliases), with UTC first."""
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "Brazil/", "Canada/", "Chile/", "Mexico/"))
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


class TrackingForm(ShowableTextMixin, ErrorSummaryMixin, forms.Form):
    default_renderer = WIDGET_RENDERER
    token = forms.CharField(widget=HiddenInputWithoutId, max_length=32)

    def __init__(self, *args: Any, attachments: int = 0, upload_limited: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("token", new_token())
        super().__init__(*args, **kwargs)
        self.attachments = attachments
        self.upload_limited = upload_limited

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not TOKEN_RE.fullmatch(token):
            raise forms.ValidationError(_("This form has expired: reload the page and try again"))
        return token

    def clean_upload(self, upload: Any) -> uploads.CleanImage:
        """A screenshot, checked and re-encoded: refused first, before a pixel is decoded, when the
        request has no room for it (`attachments` it already has) or the person is over the upload
        limit (`upload_limited`); the file's size is checked next (uploads.clean_image)."""
        if self.attachments >= uploads.MAX_FILES_PER_SUBMISSION:
            raise forms.ValidationError(
                _("A request can have at most %(count)d screenshots") % {"count": uploads.MAX_FILES_PER_SUBMISSION}
            )
        if self.upload_limited:
            raise forms.ValidationError(UPLOAD_LIMITED)
        try:
            return uploads.clean_image(upload, upload.name, upload.size)
        except uploads.UploadError as exc:
            raise forms.ValidationError(exc.message) from exc

    def add_tracking_error(self, error: TrackingError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)


class TrackForm(forms.Form):
    default_renderer = WIDGET_RENDERER
    item = forms.CharField(max_length=100)


class FilingForm(TrackingForm):
    filed_at = forms.DateTimeField(
        label=_("When did you file it?"),
        help_text=_(
            "The date and time you sent the form or email, where you were: any day from 25 May 2018 to today. "
            "For example, 31/01/2025 14:30."
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Enter the date and time you filed the request"),
            "invalid": _("Enter a real date and time, for example 31/01/2025 14:30"),
        },
    )
    timezone = forms.ChoiceField(
        label=_("Your time zone"),
        help_text=_("Deadlines count from the day you filed, where you were."),
        error_messages={
            "required": _("Select your time zone"),
            "invalid_choice": _("Select your time zone from the list"),
        },
    )
    reference = forms.CharField(
        label=_("Reference or confirmation code (optional)"),
        help_text=_("If the company showed or emailed you one."),
        required=False,
        validators=[MaxLengthValidator(REFERENCE_MAX, _("The reference must be %(limit_value)d characters or fewer"))],
    )
    confirmation_text = forms.CharField(
        label=_("Confirmation message (optional)"),
        help_text=_("Paste the confirmation page's or email's text."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[
            MaxLengthValidator(TEXT_MAX, _("The confirmation message must be %(limit_value)d characters or fewer"))
        ],
    )
    screenshot = forms.FileField(
        label=_("Screenshot of the confirmation (optional)"),
        help_text=_("PNG, JPEG or WebP, up to 10 MB. We remove the location and camera details it may hold."),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    field_order = ["filed_at", "timezone", "reference", "confirmation_text", "screenshot", "token"]

    def __init__(self, *args: Any, default_timezone: str = "UTC", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("timezone", default_timezone)
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = time_zone_choices()

    def clean_filed_at(self) -> datetime.datetime:
        # Read as the wall-clock time where the person was; the time zone field says where.
        value = self.cleaned_data["filed_at"]
        return value.replace(tzinfo=None)

    def clean_screenshot(self) -> uploads.CleanImage | None:
        upload = self.cleaned_data.get("screenshot")
        if not upload:
            return None
        return self.clean_upload(upload)


class UploadForm(TrackingForm):
    image = forms.FileField(
        label=_("Add a screenshot"),
        help_text=_("PNG, JPEG or WebP, up to 10 MB, for example of the company's reply."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        error_messages={"required": _("Choose a screenshot to add")},
    )
    field_order = ["image", "token"]

    def clean_image(self) -> uploads.CleanImage:
        return self.clean_upload(self.cleaned_data["image"])


UPDATE_CHOICES = [
    ("acknowledged", _("They confirmed they received it")),
    (EXTENDED, _("They said they need more time (an extension)")),
    ("granted", _("They did what I asked")),
    ("refused", _("They refused")),
    (REPLY_ONLY, _("They replied, and nothing else changed")),
    ("withdrawn", _("I withdrew the request")),
]
# Offered only where the request's clock stops for clarification (services.clarification_offered).
CLARIFICATION_CHOICES = {
    CLARIFICATION_ASKED: _("They asked me for clarification (the deadline pauses)"),
    CLARIFICATION_ANSWERED: _("I answered their request for clarification (the deadline runs again)"),
}


class UpdateForm(TrackingForm):
    what = forms.ChoiceField(
        label=_("What happened?"),
        choices=UPDATE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what happened"), "invalid_choice": _("Select what happened")},
    )
    happened_on = forms.DateField(
        label=_("When?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": _("Enter the date it happened"),
            "invalid": _("Enter a real date, for example 28/02/2025"),
        },
    )
    reply_text = forms.CharField(
        label=_("Their reply (optional)"),
        help_text=_("Paste the text of their email or message."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[MaxLengthValidator(TEXT_MAX, _("The reply must be %(limit_value)d characters or fewer"))],
    )
    note = forms.CharField(
        label=_("A note for yourself (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[MaxLengthValidator(NOTE_MAX, _("The note must be %(limit_value)d characters or fewer"))],
    )
    field_order = ["what", "happened_on", "reply_text", "note", "token"]

    def __init__(self, *args: Any, clarification: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = list(UPDATE_CHOICES)
        if clarification is not None:
            offered.insert(1, (clarification, CLARIFICATION_CHOICES[clarification]))
        # Every kind of update is a valid answer, so that one not offered here reaches the service,
        # which says why it cannot be recorded; the radios show what this request offers.
        self.fields["what"].choices = [*UPDATE_CHOICES, *CLARIFICATION_CHOICES.items()]
        self.fields["what"].widget.choices = offered


class EscalateForm(TrackingForm):
    route = forms.ChoiceField(
        choices=[("complaint", _("Complain to the authority")), ("reminder", _("Remind the company"))],
        widget=HiddenInputWithoutId,
        error_messages={"required": _("Select how you want to escalate")},
    )
    authority = forms.ChoiceField(
        label=_("Which authority?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[],
    )

    def __init__(self, *args: Any, authorities: list[Authority] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].choices = [(authority.key, authority.name) for authority in authorities]
        if authorities:
            self.fields["authority"].initial = authorities[0].key
