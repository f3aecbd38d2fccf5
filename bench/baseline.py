"""The baseline of every load figure: a minimal Django template view behind the site's own middleware."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe


@require_safe
def baseline(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "bench/baseline.html", {"title": "Baseline"})
