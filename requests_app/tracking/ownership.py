"""The one ownership rule: a view of one submission sees it only when it is `request.user`'s.

Every view that takes a submission's id (tracking's and evidence's) is decorated with
`submission_view`: it looks the submission up among the person's own (and an attachment among the
submission's), so another account's id is a 404 whatever the method, and hands the view the object,
never the id. A page answers GET and HEAD, and 405 to any other method once ownership is checked; a
form's URL takes POST, and sends GET and HEAD to the request's page, so a reload after a failed form
never shows a bare "method not allowed".
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from uuid import UUID

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ..models import Attachment, Submission

READ_ONLY = ("GET", "HEAD")


def submission_url(submission: Submission, anchor: str = "") -> str:
    """The request's page, at `anchor` when given."""
    url = reverse("tracking:detail", args=[submission.pk])
    return f"{url}#{anchor}" if anchor else url


def submission_view(*, form: bool = False, anchor: str = "") -> Callable:
    """Decorate a view of one of the person's submissions (after `login_required`); see the module docstring.

    The view is called as `view(request, submission)`, or `view(request, submission, attachment)`
    when its URL also names an attachment. `anchor`: where on the request's page a form's GET goes.
    """

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @require_http_methods(["GET", "HEAD", "POST"])
        @functools.wraps(view)
        def owned(request: HttpRequest, submission_id: UUID, attachment_id: UUID | None = None) -> HttpResponseBase:
            submission = get_object_or_404(
                Submission.objects.for_user(request.user).select_related("escalates"), pk=submission_id
            )
            objects = [submission]
            if attachment_id is not None:
                objects.append(get_object_or_404(Attachment.objects.filter(submission=submission), pk=attachment_id))
            if form and request.method != "POST":
                return HttpResponseRedirect(submission_url(submission, anchor))
            if not form and request.method not in READ_ONLY:
                return HttpResponseNotAllowed(READ_ONLY)
            return view(request, *objects)

        return owned

    return decorate
