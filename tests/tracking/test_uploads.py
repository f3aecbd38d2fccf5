"""tracking/uploads.py: only real PNG, JPEG and WebP images within the limits are kept, re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image

from requests_app.tracking import uploads
from tests.factories.images import image_bytes, png_bytes, png_declaring


def clean(data: bytes, name: str) -> uploads.CleanImage:
    return uploads.clean_image(io.BytesIO(data), name, len(data))


@pytest.mark.parametrize(
    ("format_name", "name", "content_type"),
    [("PNG", "shot.png", "image/png"), ("JPEG", "shot.JPG", "image/jpeg"), ("JPEG", "a.jpeg", "image/jpeg"),
     ("WEBP", "shot.webp", "image/webp")],
)  # fmt: skip
def test_it_keeps_png_jpeg_and_webp(format_name, name, content_type):
    result = clean(image_bytes(format_name), name)
    assert result.content_type == content_type
    assert (result.width, result.height) == (40, 30)
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()
    assert Image.open(io.BytesIO(result.content)).format == format_name


def test_it_strips_exif_and_gps_and_applies_the_orientation():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: shown upright as 30 x 40
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (52.0, 31.0, 12.0)  # GPS latitude
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()
    result = clean(data, "photo.jpg")
    stored = Image.open(io.BytesIO(result.content))
    assert (result.width, result.height) == (30, 40)
    assert not stored.getexif()
    assert b"PhoneMaker" not in result.content
    assert "exif" not in stored.info


def test_it_strips_png_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address 1 Example Street")
    result = clean(png_bytes(pnginfo=info), "shot.png")
    assert b"Example Street" not in result.content


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00" + os.urandom(2000), "screenshot.png"),  # a renamed Windows executable
        (b"#!/bin/sh\nrm -rf /\n", "shot.jpg"),
        (b"%PDF-1.7\n" + b"0" * 100, "shot.webp"),
        (png_bytes()[:60], "cut.png"),  # truncated
        (b"GIF89a" + b"\x00" * 40, "anim.png"),
    ],
)
def test_it_refuses_what_is_not_a_png_jpeg_or_webp_image(data, name):
    with pytest.raises(uploads.UploadError) as error:
        clean(data, name)
    assert "not a PNG, JPEG or WebP image" in error.value.message


def test_it_refuses_a_gif_even_named_gif():
    out = io.BytesIO()
    Image.new("RGB", (5, 5)).save(out, "GIF")
    with pytest.raises(uploads.UploadError, match="must be a PNG, JPEG or WebP"):
        clean(out.getvalue(), "a.gif")


@pytest.mark.parametrize("name", ["shot.exe", "shot", "shot.png.exe", "shot.svg"])
def test_it_refuses_other_extensions(name):
    with pytest.raises(uploads.UploadError, match="must be a PNG, JPEG or WebP"):
        clean(png_bytes(), name)


def test_it_refuses_an_image_whose_name_says_another_format():
    with pytest.raises(uploads.UploadError, match="name says JPG but it is a PNG"):
        clean(png_bytes(), "shot.jpg")


def test_it_refuses_a_file_over_10_mb():
    width = 1900
    noise = Image.frombytes("RGB", (width, width), os.urandom(width * width * 3))
    out = io.BytesIO()
    noise.save(out, "PNG", compress_level=0)
    assert out.tell() > uploads.MAX_BYTES
    with pytest.raises(uploads.UploadError, match="smaller than 10 MB"):
        clean(out.getvalue(), "big.png")
    # The size is checked even when the caller does not say it.
    with pytest.raises(uploads.UploadError, match="smaller than 10 MB"):
        uploads.clean_image(io.BytesIO(out.getvalue()), "big.png")


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (8_000, 8_000), (50_001, 1_000)])
def test_it_refuses_a_decompression_bomb(width, height):
    data = png_declaring(width, height)
    assert len(data) < 200
    with pytest.raises(uploads.UploadError, match="at most 50 megapixels"):
        clean(data, "bomb.png")


def test_an_image_just_within_the_pixel_limit_is_not_a_bomb():
    with pytest.raises(uploads.UploadError) as error:
        clean(png_declaring(5_000, 10_000), "large.png")  # 50 MP exactly, but its pixel data is missing
    assert "damaged" in error.value.message


def test_it_refuses_a_truncated_image_even_after_weasyprint_relaxed_pillow():
    import weasyprint.images  # noqa: F401  (sets ImageFile.LOAD_TRUNCATED_IMAGES = True on import)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    data = image_bytes("PNG", size=(400, 300))
    with pytest.raises(uploads.UploadError, match="damaged"):
        clean(data[: len(data) // 2] + data[-12:], "cut.png")
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # restored for WeasyPrint


def test_it_refuses_an_empty_file():
    with pytest.raises(uploads.UploadError, match="empty"):
        clean(b"", "shot.png")
