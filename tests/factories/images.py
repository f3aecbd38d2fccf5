"""Images for upload tests: small real PNGs and other formats, and a PNG that only claims to be huge."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def png_bytes(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", **save)
    return out.getvalue()


def image_bytes(format_name: str, size: tuple[int, int] = (40, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format_name, **save)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels: a decompression bomb's calling card."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def screenshot_png(size: tuple[int, int], seed: int = 0, mode: str = "RGB", format_name: str = "PNG", **save) -> bytes:
    """A synthetic screenshot: a white page with a coloured bar and rows of text-like blocks (it
    compresses like one: a 7000 x 7000 PNG is about 160 KB)."""
    from PIL import ImageDraw

    width, height = size
    image = Image.new(mode, size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 60), fill=(24, 119, 242) if mode != "L" else 90)
    for row, y in enumerate(range(90, height - 40, 34)):
        length = 200 + (row * 97 + seed * 31) % max(1, width - 260)
        draw.rectangle((30, y, 30 + length, y + 14), fill=(60, 60, 60) if mode != "L" else 60)
    out = io.BytesIO()
    image.save(out, format_name, **save)
    return out.getvalue()
