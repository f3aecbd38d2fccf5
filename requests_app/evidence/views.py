"""Evidence pages: the evidence PDF of a request, the pack of all of them, the public key, /verify/.

The PDFs are the owner's only (another account's request is a 404: `tracking.ownership`) and never cached. /verify/ is
public and keeps nothing: an upload is read in memory, checked and dropped with the request.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from ..models import Submission
from ..tracking.ownership import submission_view
from ..web.downloads import download
from ..web.throttle import RENDER_PDF, VERIFY_EVIDENCE, throttle
from .export import export_evidence
from .forms import InMemoryUploadHandler, VerifyForm
from .keys import key_id, public_key_pem
from .pdf import render_evidence_pdf, verify_links
from .pdf_certificate import pem, trusted_roots
from .signing_key import signing_key
from .upload import MAX_UPLOAD_BYTES, UnreadableUpload, verify_upload


@login_required
@throttle(RENDER_PDF)
@submission_view()
def evidence_pdf(request: HttpRequest, submission: Submission) -> HttpResponse:
    """One request's evidence PDF (PDF/A-3b with its signed record embedded as evidence.json).

    Each download appends an `exported` event first, so the PDF holds its own export.
    """
    items = export_evidence(request.user, [submission.pk])
    content = render_evidence_pdf(items, pack=False, **verify_links(request))
    day = timezone.now().date().isoformat()
    return download(content, content_type="application/pdf", filename=f"evidence-{submission.pk}-{day}.pdf")


@login_required
@throttle(RENDER_PDF)
@require_safe
def evidence_pack_pdf(request: HttpRequest) -> HttpResponseBase:
    """Every request of the person in one PDF, each with its own record (evidence-pack.json inside)."""
    items = export_evidence(request.user)
    if not items:
        messages.info(request, _("You have no requests yet, so there is no evidence to download."))
        return HttpResponseRedirect(reverse("tracking:dashboard"))
    content = render_evidence_pdf(items, pack=True, **verify_links(request))
    day = timezone.now().date().isoformat()
    return download(content, content_type="application/pdf", filename=f"evidence-pack-{day}.pdf")


@require_http_methods(["GET", "HEAD"])
def root_certificate(request: HttpRequest) -> HttpResponse:
    """The root certificates (PEM) the evidence PDFs' signatures chain to: current first, then retired ones.

    Trusting it in a PDF reader (or passing it to pyHanko's validator) checks a PDF offline.
    """
    response = HttpResponse(pem(*trusted_roots()), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="opt-out-guide-evidence-root.pem"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_http_methods(["GET", "HEAD"])
def public_key(request: HttpRequest) -> HttpResponse:
    """The site's public key (PEM) that evidence records are signed with, for anyone to check them."""
    response = HttpResponse(public_key_pem(signing_key()), content_type="text/plain")
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=3600)
    return response


def _verify_page(request: HttpRequest, form: VerifyForm, *, status: int = 200, **context: object) -> TemplateResponse:
    form.is_valid()  # a refused form lists its errors; an unbound one has none
    site_key = signing_key()
    response = TemplateResponse(
        request,
        "requests_app/evidence/verify.html",
        {
            "form": form,
            "key_id": key_id(site_key),
            "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            **context,
        },
        status=status,
    )
    # A verdict is about what someone uploaded: never keep a copy of the page anywhere.
    add_never_cache_headers(response)
    return response


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


# Public and stateless: the form changes nothing and stores nothing, so there is no request to
# forge. Exempt from CSRF so the size check below runs before anything reads the body (the CSRF
# check would parse the whole upload first to find its token).
@csrf_exempt
@throttle(VERIFY_EVIDENCE, methods=("POST",))
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> TemplateResponse:
    """Anyone checks an evidence PDF or record: valid (and what it proves), or exactly what fails."""
    if request.method != "POST":
        return _verify_page(request, VerifyForm())
    too_large = _("The file is larger than %(mb)d MB, so it cannot be an evidence PDF of ours.") % {
        "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
    }
    if _declared_length(request) > MAX_UPLOAD_BYTES + 64 * 1024:
        form = VerifyForm(refusal=("file", too_large))
        # No `Connection: close`: WSGI forbids hop-by-hop headers (see RequestSizeLimitMiddleware).
        return _verify_page(request, form, status=413, unreadable=too_large)
    handler = InMemoryUploadHandler(request)
    request.upload_handlers = [handler]
    try:
        form = VerifyForm(request.POST, request.FILES)
    except RequestDataTooBig:
        message = _("The pasted record is too long: upload it as a file instead")
        form = VerifyForm(refusal=("record", message))
        return _verify_page(request, form, status=413, unreadable=message)
    except (SuspiciousOperation, MultiPartParserError):
        message = _("The upload could not be read. Choose the file again and retry.")
        form = VerifyForm(refusal=("file", message))
        return _verify_page(request, form, status=400, unreadable=message)
    if handler.too_large:
        form = VerifyForm(refusal=("file", too_large))
        return _verify_page(request, form, status=413, unreadable=too_large)
    if not form.is_valid():
        return _verify_page(request, form, status=400)
    try:
        result = verify_upload(form.content())
    except UnreadableUpload as error:
        form.add_error("file" if form.cleaned_data.get("file") else "record", error.message)
        return _verify_page(request, form, status=400, unreadable=error.message)
    return _verify_page(request, VerifyForm(), result=result)
