"""Ways a signed evidence PDF is tampered with after signing, as someone with a PDF editor could."""

from __future__ import annotations

import datetime
import io

import pikepdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from requests_app.evidence import pades
from requests_app.evidence.pdf_certificate import PdfSigningMaterial, issue_ca, issue_leaf


def other_material(*, expired: bool = False, common_name: str = "Someone else") -> PdfSigningMaterial:
    """A signing key and chain from a CA this site never trusted (or, `expired`, one long expired)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, ca = issue_ca(common_name=f"{common_name} root", now=now - datetime.timedelta(days=400) if expired else now)
    key, leaf = issue_leaf(
        ca_key, ca, common_name=common_name, now=now - datetime.timedelta(days=400) if expired else now, days=30
    )
    return PdfSigningMaterial(key=key, certificate=leaf, chain=(ca,))


def rewrite_a_visible_word(pdf: bytes) -> bytes:
    """The first page's text drawn one glyph off, the file rewritten (as most editors save)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        data = (
            page.Contents.read_bytes()
            if not isinstance(page.Contents, pikepdf.Array)
            else page.Contents[0].read_bytes()
        )
        # Any text-showing operator: change one glyph of it.
        position = data.index(b"> Tj") if b"> Tj" in data else data.index(b"TJ")
        changed = data[: position - 2] + (b"00" if data[position - 2 : position] != b"00" else b"01") + data[position:]
        target = page.Contents if not isinstance(page.Contents, pikepdf.Array) else page.Contents[0]
        target.write(changed)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def append_drawing_incrementally(pdf: bytes) -> bytes:
    """New text drawn over the first page, saved as an incremental update (the signature stays intact)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 72 Td (NOT FILED) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_a_page_incrementally(pdf: bytes) -> bytes:
    """A blank page added at the end, saved as an incremental update."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
            generic.NameObject("/Resources"): generic.DictionaryObject(),
        }
    )
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def resign(pdf: bytes, material: PdfSigningMaterial) -> bytes:
    """A second signature, by `material`, on top of ours."""
    return pades.sign(pdf, material=material, field_name="Resigned")


def break_signature_dictionary(pdf: bytes) -> bytes:
    """The signature's /Contents (the CMS blob) damaged in place: same length, nonsense inside."""
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    return pdf[:start] + b"00" * 40 + pdf[start + 80 :]


def append_unsigned_bytes(pdf: bytes) -> bytes:
    """Bytes after the end of the signed range that no signature covers."""
    return pdf + b"\n% appended after signing\n"
