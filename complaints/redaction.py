"""The public version of a complaint's text: passages an officer redacted
(complaints.actions.corrections.do_redact_complaint) replaced by a mark. Every public view
(the tracking page and its API, Open311) reads the complainant's text through here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from complaints.models import Attachment, Complaint

REDACTABLE_FIELDS = ("subject", "description")


def mark() -> str:
    return _("[disamarkan]")


def public_text(complaint: Complaint, field: str) -> str:
    text = str(getattr(complaint, field) or "")
    for redaction in complaint.redactions or []:
        if redaction.get("field") == field and redaction.get("passage"):
            text = text.replace(str(redaction["passage"]), mark())
    return text


def public_files(complaint: Complaint) -> QuerySet[Attachment]:
    """The files of its public responses, less those redacted."""
    return complaint.attachments.filter(is_response=True, redacted=False).order_by("pk")
