"""Storing checked files (complaints.validation.check_attachments) on a complaint: the
citizen's photos and documents at intake and in replies, and staff documents such as the
minutes (berita acara) of a review meeting taken as a step's file input."""

from __future__ import annotations

from collections.abc import Sequence

from complaints.models import Attachment, Complaint
from complaints.storage import record_stored
from complaints.validation import CheckedFile


def store_attachments(
    complaint: Complaint, checked: Sequence[CheckedFile], stored: list[Attachment]
) -> None:
    for item in checked:
        attachment = Attachment(
            complaint=complaint,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
        )
        # The stored name comes from the detected type, never from the sender's file name.
        attachment.file.save(f"upload.{item.extension}", item.file, save=False)
        stored.append(attachment)
        attachment.save()
        record_stored([attachment])


def discard_files(stored: Sequence[Attachment]) -> None:
    """Files are written before the transaction commits; on a rollback, remove them again."""
    for attachment in stored:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
