"""Storing checked files (complaints.validation.check_attachments) on a complaint: the
citizen's photos and documents at intake and in replies, and staff documents such as the
minutes (berita acara) of a review meeting taken as a step's file input."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.core.files.base import ContentFile
from django.http import FileResponse

from complaints.models import Attachment, Complaint
from complaints.sealing import FILE_MAGIC, is_sealed_file, open_file, seal_file
from complaints.storage import record_stored
from complaints.validation import CheckedFile


def store_attachments(
    complaint: Complaint, checked: Sequence[CheckedFile], stored: list[Attachment]
) -> None:
    for item in checked:
        attachment = Attachment(
            complaint=complaint,
            # A WBS reporter's file name may name them ("scan KTP Budi.pdf"): not kept.
            original_name=f"lampiran.{item.extension}" if complaint.is_wbs else item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )
        # The stored name comes from the detected type, never from the sender's file name.
        if complaint.is_wbs:
            # A WBS report's file never reaches the disk in plain (UU 27/2022, issue 18).
            item.file.seek(0)
            sealed = seal_file(complaint, item.file.read(), item.sha256)
            attachment.file.save(f"upload.{item.extension}", ContentFile(sealed), save=False)
        else:
            attachment.file.save(f"upload.{item.extension}", item.file, save=False)
        stored.append(attachment)
        attachment.save()
        record_stored([attachment])


def discard_files(stored: Sequence[Attachment]) -> None:
    """Files are written before the transaction commits; on a rollback, remove them again."""
    for attachment in stored:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)


def file_response(attachment: Attachment, complaint: Complaint, filename: str) -> FileResponse:
    """A stored file for download; a sealed one (a WBS report's) opened under its complaint's
    data key, in memory, for the WBS officer the caller let through."""
    storage, name = attachment.file.storage, str(attachment.file.name)
    with storage.open(name, "rb") as handle:
        sealed = is_sealed_file(handle.read(len(FILE_MAGIC)))
    if not sealed:
        return FileResponse(
            storage.open(name, "rb"), content_type=attachment.content_type, filename=filename
        )
    with storage.open(name, "rb") as handle:
        plain = open_file(complaint, handle.read(), attachment.sha256)
    return FileResponse(
        io.BytesIO(plain), content_type=attachment.content_type, filename=filename
    )
