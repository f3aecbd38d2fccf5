"""tracking/uploads.py: only real PNG, JPEG and WebP images within the limits are kept, re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image

from requests_app.tracking import uploads
from tests.factories.images import image_bytes, png_bytes, png_declaring, screenshot_png


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


# --- scaling: what is stored is at most MAX_SIDE on its long side ---------------------------------


def _stored(result: uploads.CleanImage) -> Image.Image:
    stored = Image.open(io.BytesIO(result.content))
    assert stored.size == (result.width, result.height)
    assert result.sha256 == hashlib.sha256(result.content).hexdigest()  # the hash of the bytes kept
    return stored


@pytest.mark.slow  # decodes 49 megapixels
def test_a_7000_by_7000_png_is_stored_at_2000_px_on_its_long_side():
    data = screenshot_png((7000, 7000))
    assert len(data) < 300_000  # a decompression bomb's ratio: 49 megapixels in a small file
    result = clean(data, "huge.png")
    assert (result.width, result.height) == (2000, 2000)
    assert _stored(result).format == "PNG"
    assert result.size < len(data)


@pytest.mark.parametrize(
    ("size", "stored"),
    [((4000, 1000), (2000, 500)), ((1170, 2532), (924, 2000)), ((2001, 3), (2000, 3)), ((2000, 1500), (2000, 1500)),
     ((30_000, 10), (2000, 1))],
)  # fmt: skip
def test_the_long_side_is_scaled_to_2000_px_keeping_the_aspect(size, stored):
    result = clean(screenshot_png(size), "shot.png")
    assert (result.width, result.height) == stored
    _stored(result)


def test_a_large_jpeg_is_scaled_and_still_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: shown upright as 1500 x 3000, so stored as 1000 x 2000
    exif[0x010F] = "PhoneMaker"
    data = screenshot_png((3000, 1500), format_name="JPEG", exif=exif.tobytes())
    result = clean(data, "photo.jpg")
    stored = _stored(result)
    assert (result.width, result.height) == (1000, 2000)
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert b"PhoneMaker" not in result.content
    # The blue bar along the top of the landscape original is now down its left-hand... side.
    assert stored.convert("RGB").getpixel((5, 1000))[2] > 200


def test_scaling_keeps_the_metadata_out():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address 1 Example Street")
    result = clean(screenshot_png((3000, 2000), pnginfo=info), "shot.png")
    assert (result.width, result.height) == (2000, 1333)
    assert b"Example Street" not in result.content


@pytest.mark.parametrize("mode", ["P", "1", "L", "RGBA", "LA"])
def test_thin_text_is_scaled_smoothly_in_every_mode(mode):
    # One-pixel black lines every 4 px, scaled by half: averaged into greys (the page as dark on
    # average as before), where nearest-neighbour scaling, what Pillow does to palette and 1-bit
    # images, keeps each line whole and black or drops it.
    image = Image.new("L", (4000, 400), 255)
    for x in range(0, 4000, 4):
        image.paste(0, (x, 0, x + 1, 400))
    image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, "PNG")
    result = clean(out.getvalue(), "lines.png")
    assert (result.width, result.height) == (2000, 200)
    row = [_stored(result).convert("L").getpixel((x, 100)) for x in range(100, 140)]
    assert min(row) > 60, row
    assert abs(sum(row) / len(row) - 255 * 3 / 4) < 15, row


def test_a_palette_png_with_transparency_keeps_it_when_scaled():
    image = Image.new("P", (3000, 300), 0)
    image.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 1500, 300))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    stored = _stored(clean(out.getvalue(), "clear.png")).convert("RGBA")
    assert stored.getpixel((1900, 100))[3] == 0  # still see-through
    assert stored.getpixel((100, 100)) == (0, 0, 0, 255)


def test_pillow_refuses_what_claims_more_pixels_than_the_upload_limit():
    from PIL import Image as PillowImage

    assert PillowImage.MAX_IMAGE_PIXELS == uploads.MAX_PIXELS  # also bounds WeasyPrint's decoding


@pytest.mark.parametrize(("width", "height"), [(7_100, 7_100), (10_000, 10_000), (200_000, 200_000)])
def test_a_bomb_is_refused_from_its_header_without_decoding(width, height, monkeypatch):
    # 10,000 x 10,000 is over Pillow's own default limit (89.5 megapixels), 200,000 squared over twice it.
    decoded = []
    monkeypatch.setattr(uploads, "_decode", lambda data: decoded.append(data))
    with pytest.raises(uploads.UploadError, match="at most 50 megapixels"):
        clean(png_declaring(width, height), "bomb.png")
    assert decoded == []


def test_a_name_that_says_another_format_is_refused_without_decoding(monkeypatch):
    decoded = []
    monkeypatch.setattr(uploads, "_decode", lambda data: decoded.append(data))
    with pytest.raises(uploads.UploadError, match="name says JPG but it is a PNG"):
        clean(png_bytes(), "shot.jpg")
    assert decoded == []


MEMORY_CHILD = """
import io, resource, sys
sys.path.insert(0, {root!r})
import django
django.setup()
from requests_app.tracking import uploads
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    result = uploads.clean_image(io.BytesIO(data), sys.argv[2], len(data))
    outcome = f"{{result.width}}x{{result.height}}"
except uploads.UploadError as exc:
    outcome = exc.message
print(outcome, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


@pytest.mark.slow  # decodes 49 megapixels in a child process
@pytest.mark.parametrize(
    ("name", "data", "outcome", "limit_mb"),
    [
        # Measured: about 110 MB, 300 MB, nothing and nothing. The bound is MAX_PIXELS at 4 bytes a
        # pixel, twice for an image with alpha (Pillow scales it premultiplied, a second copy).
        ("huge.png", lambda: screenshot_png((7000, 7000)), "2000x2000", 250),
        ("alpha.png", lambda: screenshot_png((7000, 7000), mode="RGBA"), "2000x2000", 450),
        ("huge.jpg", lambda: screenshot_png((7000, 7000), format_name="JPEG"), "2000x2000", 120),
        ("bomb.png", lambda: png_declaring(200_000, 200_000), "The image must be at most 50 megapixels", 20),
    ],
)
def test_memory_stays_bounded_by_the_pixel_limit(name, data, outcome, limit_mb, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    upload = tmp_path / name
    upload.write_bytes(data())
    root = str(Path(uploads.__file__).resolve().parents[2])
    child = subprocess.run(
        [sys.executable, "-c", MEMORY_CHILD.format(root=root), str(upload), name],
        capture_output=True, text=True, check=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
    )  # fmt: skip
    got, grown_mb = child.stdout.strip().rsplit(" ", 1)
    assert got == outcome
    assert int(grown_mb) < limit_mb, f"{name}: {grown_mb} MB"
