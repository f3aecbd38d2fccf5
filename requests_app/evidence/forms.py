"""The /verify/ form: an evidence PDF or JSON file, or a record pasted as text."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from ..web.forms import ErrorSummaryMixin
from .upload import MAX_UPLOAD_BYTES

PASTE_MAX = 2 * 1024 * 1024


class InMemoryUploadHandler(FileUploadHandler):
    """Keeps an upload of up to `MAX_UPLOAD_BYTES` in memory: nothing reaches the disk, even briefly.

    The view refuses a larger request by its Content-Length before any of it is read; this
    handler stops at the same limit in case the length was not declared truthfully.
    """

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.too_large = False
        self.buffer = bytearray()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = bytearray()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        self.buffer.extend(raw_data)

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        content = io.BytesIO(bytes(self.buffer))
        self.buffer = bytearray()
        return InMemoryUploadedFile(
            file=content,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class VerifyForm(ErrorSummaryMixin, forms.Form):
    file = forms.FileField(
        label=_("Upload the evidence PDF or its JSON file"),
        help_text=_("The PDF from Opt-Out Guide, or the evidence.json inside it. At most 20 MB."),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.json,application/pdf,application/json"}),
    )
    record = forms.CharField(
        label=_("Or paste the JSON record"),
        required=False,
        max_length=PASTE_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"max_length": _("The pasted record is too long: upload it as a file instead")},
    )

    def __init__(self, *args: Any, refusal: tuple[str, str] | None = None, **kwargs: Any) -> None:
        """`refusal` (field, message): the upload was refused before it was read; the form says why."""
        if refusal is not None:
            kwargs.setdefault("data", {})
        super().__init__(*args, **kwargs)
        self.refusal = refusal

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.refusal is not None:
            self.add_error(*self.refusal)
            return cleaned
        upload, text = cleaned.get("file"), cleaned.get("record") or ""
        if self.errors:
            return cleaned
        if upload and text.strip():
            raise forms.ValidationError(_("Upload a file or paste a record, not both"), code="both")
        if not upload and not text.strip():
            self.add_error("file", _("Choose an evidence PDF or JSON file, or paste a record"))
        return cleaned

    def content(self) -> bytes | str:
        """What to check: the uploaded file's bytes, or the pasted text."""
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read()
        return self.cleaned_data["record"]
