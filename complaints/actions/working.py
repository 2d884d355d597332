"""Staff work on a complaint: internal notes and public responses (tanggapan).

Neither is sent anywhere yet: delivering a response through the complaint's channel
(WhatsApp, SMS, e-mail) belongs to the channels' outbox; the complainant reads it on the
tracking page meanwhile."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Complaint, ComplaintEvent, EventKind
from complaints.validation import length_problem

MESSAGE_LIMIT = 5000


def checked_message(message: str) -> str:
    text = message.strip()
    if not text:
        raise ComplaintError(
            ComplaintErrorCode.EMPTY_MESSAGE, _("Pesan tidak boleh kosong."), {"field": "message"}
        )
    problem = length_problem("message", text, MESSAGE_LIMIT)
    if problem is not None:
        raise ComplaintError(problem.code, problem.message, {"field": "message"})
    return text


def do_add_note(*, complaint: Complaint, message: str, actor: AbstractBaseUser) -> ComplaintEvent:
    """An internal note: on the staff timeline, never on the tracking page."""
    text = checked_message(message)
    with transaction.atomic():
        return record_event(complaint, kind=EventKind.NOTE, actor=actor, message=text)


def do_respond_to_complaint(
    *, complaint: Complaint, message: str, actor: AbstractBaseUser
) -> ComplaintEvent:
    """A public response to the complainant, shown on the tracking page."""
    text = checked_message(message)
    with transaction.atomic():
        return record_event(
            complaint, kind=EventKind.RESPONSE, actor=actor, message=text, is_public=True
        )
