"""Screenshots people attach to a request: checked, re-encoded and hashed before they are kept.

An upload is untrusted bytes with an untrusted name. It is kept only when Pillow recognises it as a
PNG, JPEG or WebP image, that format matches the file's extension, it is at most `MAX_BYTES` and
`MAX_PIXELS`, and it decodes completely. The size is checked before a byte is read and the pixel
count from the header before any pixel is decoded, so a small file that claims to be huge (a
decompression bomb) costs nothing. What is stored is not the upload but a re-encoding of its
pixels, scaled so the long side is at most `MAX_SIDE` (screenshots are evidence, not print: text
stays legible, and an evidence PDF of ten of them stays quick to render): EXIF (camera, GPS
position, time), XMP, ICC and text chunks are dropped, and the EXIF orientation is applied to the
pixels so the picture still looks the same way up. `sha256` is the hash of the stored bytes.

Pure: takes a file-like object and a name, returns bytes and facts, imports no models.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000
MAX_FILES_PER_SUBMISSION = 10
# The long side of a stored screenshot, in pixels: a phone screenshot (1170 x 2532) keeps 79% of its
# size, a 4K desktop (3840 x 2160) 52%; both stay readable. Larger uploads are scaled down to it.
MAX_SIDE = 2000

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; the warning is made an error
# below, so nothing larger than MAX_PIXELS is ever decoded, whatever the file claims.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Pillow format name -> (content type, extensions that may carry it).
FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "PNG": ("image/png", ("png",)),
    "JPEG": ("image/jpeg", ("jpg", "jpeg")),
    "WEBP": ("image/webp", ("webp",)),
}
EXTENSIONS = {extension: name for name, (_type, extensions) in FORMATS.items() for extension in extensions}
FILE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


class UploadError(ValueError):
    """An upload that is not kept, with a message for the person who chose the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    content_type: str
    width: int
    height: int
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def scaled_size(width: int, height: int) -> tuple[int, int]:
    """The size a `width` x `height` image is stored at: the same, or scaled so its long side is MAX_SIDE."""
    long_side = max(width, height)
    if long_side <= MAX_SIDE:
        return width, height
    scale = MAX_SIDE / long_side
    return max(1, round(width * scale)), max(1, round(height * scale))


# EXIF orientation -> the transposition that shows the picture upright (as PIL's ImageOps.exif_transpose
# does), applied after scaling so it moves the small image, not the upload's.
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _decode(data: bytes) -> Image.Image:
    """The upload's pixels, upright, at most MAX_SIDE on the long side."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with _open(data) as image:
            target = scaled_size(*image.size)
            if target != image.size:
                # A JPEG decodes straight at 1/2, 1/4 or 1/8 of its size (still at least `target`):
                # a fraction of the memory and time. Other formats decode whole, within MAX_PIXELS.
                image.draft(None, target)
            image.load()
            orientation = image.getexif().get(0x0112)
            pixels = _scaled(image, target)
    transpose = ORIENTATIONS.get(orientation)
    return pixels.transpose(transpose) if transpose is not None else pixels


def _scaled(image: Image.Image, target: tuple[int, int]) -> Image.Image:
    if target == image.size:
        return image.copy()
    # Palette, 1-bit and 16-bit images would be scaled by nearest neighbour, which breaks thin text:
    # scaled as RGB(A) or 8-bit grey instead. A colour-key transparency becomes an alpha channel.
    if image.mode not in ("RGB", "RGBA", "L", "LA") or "transparency" in image.info:
        palette_alpha = image.mode == "P" and image.palette is not None and "A" in image.palette.mode
        has_alpha = "A" in image.getbands() or "transparency" in image.info or palette_alpha
        image = image.convert("RGBA" if has_alpha else "RGB")
    return image.resize(target, Image.Resampling.LANCZOS, reducing_gap=1.5)


def clean_image(upload: BinaryIO, name: str, size: int | None = None) -> CleanImage:
    """Check an uploaded screenshot and return it re-encoded; raises UploadError with the reason."""
    extension = _extension(name or "")
    if extension not in EXTENSIONS:
        raise UploadError(_("The file must be a PNG, JPEG or WebP image (its name ends in .png, .jpg, .jpeg or .webp)"))
    if size is not None and size > MAX_BYTES:
        raise UploadError(_("The file must be smaller than 10 MB"))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UploadError(_("The file must be smaller than 10 MB"))
    if not data:
        raise UploadError(_("The file is empty"))

    not_an_image = _("The file is not a PNG, JPEG or WebP image, or it is damaged")
    too_big = _("The image must be at most 50 megapixels")
    try:
        with _open(data) as probe:
            detected = probe.format
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise UploadError(too_big)
            if detected not in FORMATS:
                raise UploadError(not_an_image)
            if EXTENSIONS[extension] != detected:
                raise UploadError(
                    _("The file's name says %(named)s but it is a %(detected)s image: rename it or choose another file")
                    % {"named": extension.upper(), "detected": detected.replace("WEBP", "WebP")}
                )
            probe.verify()
        # verify() leaves the image unusable: decode a fresh copy. WeasyPrint sets Pillow's global
        # LOAD_TRUNCATED_IMAGES on import, which would pass a cut-off file as an image: not here.
        truncated_ok, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            upright = _decode(data)
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = truncated_ok
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadError(too_big) from exc
    except Exception as exc:  # noqa: BLE001 - any failure to decode untrusted bytes means "not an image"
        raise UploadError(not_an_image) from exc

    content = _reencode(upright, detected)
    if len(content) > MAX_BYTES:
        raise UploadError(_("The file must be smaller than 10 MB"))
    content_type = FORMATS[detected][0]
    return CleanImage(
        content=content,
        content_type=content_type,
        width=upright.width,
        height=upright.height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _reencode(image: Image.Image, format_name: str) -> bytes:
    """The pixels only, in the same format: no EXIF, XMP, ICC profile or text chunks."""
    if format_name == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    # A copy with no metadata: savers read EXIF, XMP and ICC from `info` in some formats.
    clean = image.copy()
    transparency = clean.info.get("transparency")
    clean.info = {}
    if transparency is not None and clean.mode in ("P", "L", "RGB"):
        clean.info["transparency"] = transparency
    out = io.BytesIO()
    if format_name == "JPEG":
        clean.save(out, "JPEG", quality=90, optimize=True)
    elif format_name == "WEBP":
        clean.save(out, "WEBP", quality=90)
    else:
        clean.save(out, "PNG", optimize=False)
    return out.getvalue()
