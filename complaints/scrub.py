"""Metadata stripped from a whistleblower's files before they are stored: a photo's EXIF (the
camera, its serial number, the GPS position, the time) and a PDF's document information and
XMP (author, software, dates) can name the reporter as surely as a signature.

Photos are decoded and written again from their pixels alone (Pillow), turned upright first
so dropping the orientation tag changes nothing a person sees; PDFs are rewritten page by
page (pypdf) without the information dictionary or the catalogue's XMP stream.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


class ScrubError(ValueError):
    """The file could not be read as what its bytes claimed."""


def scrub(content: bytes, mime: str) -> bytes:
    """The file's content without metadata (unchanged for a type that carries none)."""
    try:
        if mime in FORMATS:
            return _image(content, FORMATS[mime])
        if mime == "application/pdf":
            return _pdf(content)
    except ScrubError:
        raise
    except Exception as error:  # a decoder's many ways of refusing a broken file
        raise ScrubError(str(error)) from error
    return content


def _image(content: bytes, fmt: str) -> bytes:
    with Image.open(io.BytesIO(content)) as opened:
        upright = ImageOps.exif_transpose(opened)
        # Pixels only: a new image carries no info, EXIF, XMP or ICC text of the original.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P":
            palette = upright.getpalette()
            if palette is not None:
                clean.putpalette(palette)
    out = io.BytesIO()
    options = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, format=fmt, **options)
    return out.getvalue()


def _pdf(content: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(content))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    root = writer._root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    # pypdf writes its own Producer; an empty information dictionary says nothing.
    writer._info = None
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
