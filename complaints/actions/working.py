"""Staff work on a complaint: internal notes and public responses (tanggapan).

A public response is also sent through the complaint's channel (complaints.notifications)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from aduan.tenancy import connection_tenant
from complaints import notifications
from complaints.actions.workflow import complaint_sop
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
        event = record_event(
            complaint, kind=EventKind.RESPONSE, actor=actor, message=text, is_public=True
        )
        tenant = connection_tenant()
        state = complaint_sop(complaint).state(complaint.state)
        # The complaint's source system hears of it (SP4N-LAPOR!'s follow-up).
        notifications.on_entry(
            tenant=tenant,
            complaint=complaint,
            event=event,
            done=state is not None and state.terminal,
        )
        # Also through the complainant's channel (the text only where not confidential).
        notifications.on_public_event(
            tenant=tenant, complaint=complaint, event=event, state=state, note=text
        )
        return event
