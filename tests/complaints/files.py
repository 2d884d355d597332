"""Small real files for attachment tests, made in memory."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(name: str = "jalan.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def disguised_program(name: str = "foto.jpg") -> SimpleUploadedFile:
    """A Windows executable named like a photo, sent with an image content type."""
    body = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    return SimpleUploadedFile(name, body, content_type="image/jpeg")


def oversized_photo(limit: int, name: str = "besar.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() + b"\x00" * limit, content_type="image/png")
