"""Checks on what a complainant sends. The rule (documented in actions/intake.py): a required
element that is MISSING keeps the complaint incomplete; a value that is PRESENT but INVALID (a
phone number outside the rule of aduan.phones, a disguised file) is refused with a field error."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from aduan.phones import InvalidPhoneError, normalize_phone
from complaints.errors import ComplaintErrorCode
from complaints.scrub import ScrubError, scrub

# Detected type -> stored extension. Only what a phone camera or a scanner makes.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: ComplaintErrorCode
    message: str


# A complainant may be abroad (a migrant worker): intake and the desk take foreign numbers.
INTAKE_FOREIGN_OK = True


def intake_phone(value: str) -> str:
    """The complainant's number in E.164, by the platform's one rule (aduan.phones)."""
    return normalize_phone(value, foreign_ok=INTAKE_FOREIGN_OK)


def checked_phone(value: str) -> tuple[str, FieldProblem | None]:
    """The number in E.164 and no problem, or "" and its problem: parsed once."""
    try:
        return intake_phone(value), None
    except InvalidPhoneError as error:
        return "", FieldProblem("phone", ComplaintErrorCode.INVALID_PHONE, error.message)


def phone_problem(value: str) -> FieldProblem | None:
    return checked_phone(value)[1]


def email_problem(value: str) -> FieldProblem | None:
    try:
        validate_email(value)
    except ValidationError:
        return FieldProblem(
            "email", ComplaintErrorCode.INVALID_EMAIL, _("Alamat surel tidak valid.")
        )
    return None


def length_problem(field: str, value: str, limit: int) -> FieldProblem | None:
    if len(value) <= limit:
        return None
    return FieldProblem(
        field,
        ComplaintErrorCode.TOO_LONG,
        _("Terlalu panjang: paling banyak %(limit)s karakter.") % {"limit": limit},
    )


def coordinates_problem(
    latitude: Decimal | float | str | None, longitude: Decimal | float | str | None
) -> tuple[FieldProblem | None, Decimal | None, Decimal | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None, None
    problem = FieldProblem(
        "latitude",
        ComplaintErrorCode.INVALID_COORDINATES,
        _("Koordinat tidak valid: isi lintang (-90..90) dan bujur (-180..180)."),
    )
    try:
        lat = Decimal(str(latitude)).quantize(Decimal("0.000001"))
        lon = Decimal(str(longitude)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return problem, None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return problem, None, None
    return None, lat, lon


# An attachment's name is kept to its last this many characters (its extension with it).
ORIGINAL_NAME_LENGTH = 150


@dataclass(frozen=True)
class CheckedFile:
    file: File  # type: ignore[type-arg]
    original_name: str
    content_type: str
    extension: str
    size: int
    sha256: str


def check_attachments(
    files: Sequence[File],  # type: ignore[type-arg]
    *,
    already: int = 0,
    strip_metadata: bool = False,
) -> tuple[list[CheckedFile], FieldProblem | None]:
    """Type from the bytes (a `.jpg` that is really a program is refused), size and count.
    `strip_metadata` (a whistleblower's files): stored without EXIF or document metadata
    (complaints.scrub); a file that cannot be read as its type is refused."""
    limit_count: int = settings.ADUAN_ATTACHMENTS_MAX
    limit_bytes: int = settings.ADUAN_ATTACHMENT_MAX_BYTES
    if already + len(files) > limit_count:
        return [], FieldProblem(
            "attachments",
            ComplaintErrorCode.TOO_MANY_ATTACHMENTS,
            _("Paling banyak %(count)s lampiran per pengaduan.") % {"count": limit_count},
        )
    checked: list[CheckedFile] = []
    for upload in files:
        name = str(upload.name or "")[-ORIGINAL_NAME_LENGTH:]
        size = int(upload.size or 0)
        if size > limit_bytes:
            return [], FieldProblem(
                "attachments",
                ComplaintErrorCode.ATTACHMENT_TOO_LARGE,
                _("Berkas %(name)s terlalu besar: paling besar %(limit)s.")
                % {"name": name, "limit": filesizeformat(limit_bytes)},
            )
        upload.seek(0)
        head = upload.read(2048)
        kind = filetype.guess(head)
        mime = kind.mime if kind is not None else ""
        if mime not in ALLOWED_TYPES:
            return [], FieldProblem(
                "attachments",
                ComplaintErrorCode.ATTACHMENT_TYPE,
                _("Berkas %(name)s bukan foto (JPEG, PNG, WebP) atau PDF.") % {"name": name},
            )
        if strip_metadata:
            upload.seek(0)
            try:
                cleaned = scrub(upload.read(), mime)
            except ScrubError:
                return [], FieldProblem(
                    "attachments",
                    ComplaintErrorCode.ATTACHMENT_TYPE,
                    _("Berkas %(name)s tidak dapat dibaca.") % {"name": name},
                )
            upload = ContentFile(cleaned, name=name)
            size = len(cleaned)
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append(
            CheckedFile(upload, name, mime, ALLOWED_TYPES[mime], size, digest.hexdigest())
        )
    return checked, None
