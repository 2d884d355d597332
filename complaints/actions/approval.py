"""Answer approval (persetujuan jawaban): an SOP step with `"approval": ["head"]` is held as a
draft (complaints.actions.workflow) until a holder of one of those roles approves it, which
takes the step and only then tells the citizen, or sends it back to the drafter with a note.

`do_approve_answer` and `do_return_answer` are the only writers of a held answer's decision.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from aduan.tenancy import connection_tenant
from complaints.actions.workflow import (
    ANSWER_RETURNED,
    check_from_here,
    complaint_sop,
    take_step,
    waiting_answer,
)
from complaints.audit import actor_name, record_event
from complaints.models import Complaint, EventKind
from complaints.sop import Transition
from tenants.permissions import AnyUser, Capability, has_capability, roles_in

NOTE_MAX = 2000


class ApprovalErrorCode(StrEnum):
    NOTHING_WAITING = "approval.nothing_waiting"
    NOT_APPROVER = "approval.not_approver"
    NOTE_REQUIRED = "approval.note_required"
    NOTE_TOO_LONG = "approval.note_too_long"
    STALE = "approval.stale"


def _locked_draft(
    complaint: Complaint, actor: AnyUser
) -> tuple[Complaint, dict[str, Any], Transition]:
    tenant = connection_tenant()
    if not has_capability(actor, tenant, Capability.APPROVE_ANSWER):
        raise AduanError(
            ApprovalErrorCode.NOT_APPROVER,
            _("Anda tidak berwenang menyetujui jawaban."),
            {"field": "decision"},
        )
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    draft = waiting_answer(complaint)
    if draft is None:
        raise AduanError(
            ApprovalErrorCode.NOTHING_WAITING,
            _("Tidak ada jawaban yang menunggu persetujuan pada pengaduan ini."),
            {"field": "decision"},
        )
    step = complaint_sop(complaint).transition(str(draft.get("transition")))
    if step is None or not step.approval & roles_in(actor, tenant):
        raise AduanError(
            ApprovalErrorCode.NOT_APPROVER,
            _("Langkah ini harus disetujui oleh peran lain: %(roles)s.")
            % {"roles": ", ".join(sorted(step.approval)) if step else "-"},
            {"field": "decision"},
        )
    return complaint, draft, step


def _note(note: str, *, required: bool) -> str:
    note = note.strip()
    if required and not note:
        message = _("Tulis catatan untuk penyusun jawaban: apa yang harus diperbaiki.")
        raise AduanError(
            ApprovalErrorCode.NOTE_REQUIRED,
            message,
            {"field": "note", "fields": {"note": [message]}},
        )
    if len(note) > NOTE_MAX:
        message = _("Catatan paling banyak %(n)d karakter.") % {"n": NOTE_MAX}
        raise AduanError(
            ApprovalErrorCode.NOTE_TOO_LONG,
            message,
            {"field": "note", "fields": {"note": [message]}},
        )
    return note


def do_approve_answer(*, complaint: Complaint, actor: AnyUser, note: str = "") -> Complaint:
    """Approve the held answer: the step is taken now (its public response and files leave,
    the citizen is told), with the approval on the timeline."""
    note = _note(note, required=False)
    tenant = connection_tenant()
    with transaction.atomic():
        complaint, draft, step = _locked_draft(complaint, actor)
        sop = complaint_sop(complaint)
        check_from_here(complaint, step)
        record_event(
            complaint,
            kind=EventKind.ANSWER_APPROVED,
            actor=actor,
            message=note or step.label.id,
            after={"transition": step.key, "drafted_by": draft.get("drafted_by")},
        )
        complaint.pending_answer = None
        take_step(
            tenant=tenant,
            complaint=complaint,
            sop=sop,
            step=step,
            cleaned=dict(draft.get("inputs") or {}),
            actor=actor,
            also_save=["pending_answer"],
            approved_by=actor_name(actor),
        )
    return complaint


def do_return_answer(*, complaint: Complaint, actor: AnyUser, note: str) -> Complaint:
    """Send the held answer back to its drafter with a note; nothing leaves, the complaint
    stays where it is, and the drafter may take the step again."""
    note = _note(note, required=True)
    with transaction.atomic():
        complaint, draft, step = _locked_draft(complaint, actor)
        complaint.pending_answer = {**draft, "status": ANSWER_RETURNED, "note": note}
        complaint.save(update_fields=["pending_answer", "updated_at"])
        record_event(
            complaint,
            kind=EventKind.ANSWER_RETURNED,
            actor=actor,
            message=note,
            after={"transition": step.key, "drafted_by": draft.get("drafted_by")},
        )
    return complaint
