"""The transition engine: works a complaint through the SOP version it started under.

`do_transition_complaint` is the only code that takes a staff step of the SOP from one state
to the next. It checks, in this order: the step exists from the current state in the complaint's SOP
version, the actor holds a role the step allows in this tenant, the step's inputs are present
and valid; then it enters the new state through the one state writer
(complaints.actions.state.enter_state: the state, the timeline with the change and any public
response to the complainant, the clocks, the notification), in one transaction.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.db import tenant_db
from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import connection_tenant
from complaints.actions.route import do_hand_to_authority, do_refer_up
from complaints.actions.sop import do_ensure_sop_version
from complaints.actions.state import Entry, enter_state
from complaints.attachments import discard_files, store_attachments
from complaints.audit import record_event
from complaints.canned import unfilled
from complaints.models import URGENCY_INPUTS, Attachment, Complaint, EventKind, Urgency
from complaints.selectors import sop_of
from complaints.sop import InputSpec, Sop, Transition
from complaints.validation import CheckedFile, check_attachments
from tenants import entitlements
from tenants.models import Tenant
from tenants.permissions import is_staff_of, roles_in

AnyUser = AbstractBaseUser | AnonymousUser
MAX_TEXT = 10_000
TRUE_WORDS = frozenset({"true", "1", "on", "yes", "ya"})
FALSE_WORDS = frozenset({"false", "0", "off", "no", "tidak", ""})
# The SOP state that means "bukan wewenang" (not our authority): entering it hands the
# complaint to the router (complaints.actions.forward.do_hand_to_authority), which forwards it
# to the body it finds or marks it for SP4N-LAPOR!. A tenant's edited SOP keeps the key to
# keep the behaviour.
NOT_OUR_AUTHORITY = "not_our_authority"
# The SOP state that means "diteruskan ke instansi di atasnya" (passed up, seed 003): entering
# it hands the complaint to the tenant's higher authority (complaints.actions.route.do_refer_up)
# in the same transaction, with the step's note as the reason.
REFERRED_UP = "referred"


class WorkflowErrorCode(StrEnum):
    UNKNOWN_TRANSITION = "workflow.unknown_transition"
    NOT_FROM_HERE = "workflow.not_from_current_state"
    ROLE_NOT_ALLOWED = "workflow.role_not_allowed"
    INVALID_INPUT = "workflow.invalid_input"
    AWAITING_APPROVAL = "workflow.awaiting_approval"
    UNFILLED_PLACEHOLDER = "workflow.unfilled_placeholder"
    STORAGE_FULL = "workflow.storage_full"


# The states of an answer held for approval (complaint.pending_answer["status"]).
ANSWER_WAITING = "waiting"
ANSWER_RETURNED = "returned"


def complaint_sop(complaint: Complaint) -> Sop:
    """The SOP the complaint runs under; one filed before SOPs existed joins the active one."""
    if complaint.sop_version_id is None:
        complaint.sop_version = do_ensure_sop_version(tenant=connection_tenant())
        complaint.save(update_fields=["sop_version", "updated_at"])
    assert complaint.sop_version is not None
    return sop_of(complaint.sop_version, tenant_db.schema_name)


def allowed_transitions(complaint: Complaint, user: AnyUser) -> list[Transition]:
    """The steps this user may take on the complaint now (for the complaint view's buttons)."""
    if not user.is_authenticated:
        return []
    roles = roles_in(user, connection_tenant())
    return [
        t for t in complaint_sop(complaint).transitions_from(complaint.state) if t.roles & roles
    ]


def _clean_input(spec: InputSpec, raw: Any) -> Any:
    """The value to store, None when absent; raises ValueError with the message to show."""
    if spec.type == "boolean":
        if isinstance(raw, bool):
            return raw
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in FALSE_WORDS):
            return False
        if isinstance(raw, str) and raw.strip().lower() in TRUE_WORDS:
            return True
        raise ValueError(_("Harus ya atau tidak (true/false)."))
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if spec.type == "file":
        if not isinstance(raw, File):
            raise ValueError(_("Harus berupa berkas (PDF atau foto) yang diunggah."))
        # The same checks as every attachment: type from the bytes, size. Not the citizen's
        # count limit: staff minutes must never be refused because the citizen sent photos.
        checked, problem = check_attachments([raw])
        if problem is not None:
            raise ValueError(problem.message)
        return checked[0]
    if not isinstance(raw, str):
        raise ValueError(_("Harus berupa teks."))
    value = raw.strip()
    if spec.type == "text":
        if len(value) > MAX_TEXT:
            raise ValueError(_("Paling banyak %(n)d karakter.") % {"n": MAX_TEXT})
        return value
    if spec.type == "date":
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(_("Tanggal tidak valid (format YYYY-MM-DD).")) from None
    if spec.choice(value) is None:
        raise ValueError(
            _("Pilihan tidak dikenal: %(value)s. Pilihan: %(choices)s.")
            % {"value": value, "choices": ", ".join(c.key for c in spec.choices)}
        )
    return value


def clean_inputs(transition: Transition, inputs: dict[str, Any]) -> dict[str, Any]:
    """The step's inputs checked against its definition; `AduanError` with every field error."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    specs = {spec.key: spec for spec in transition.inputs}
    for key in inputs:
        if key not in specs:
            errors[key] = [_("Isian ini tidak dikenal untuk langkah ini.")]
    for spec in transition.inputs:
        try:
            value = _clean_input(spec, inputs.get(spec.key))
        except ValueError as invalid:
            errors[spec.key] = [str(invalid)]
            continue
        if value is None:
            if spec.required:
                errors[spec.key] = [_("Wajib diisi.")]
            continue
        left = unfilled(value) if spec.public and isinstance(value, str) else []
        if left:
            # A canned answer's placeholder must never reach the complainant raw.
            errors[spec.key] = [
                _("Isian templat {%(name)s} belum diganti dengan isinya.") % {"name": left[0]}
            ]
            continue
        cleaned[spec.key] = value
    for spec in transition.inputs:
        value, parent = cleaned.get(spec.key), cleaned.get(spec.depends_on)
        if spec.depends_on and value is not None and parent is not None:
            choice = spec.choice(value)
            if choice is not None and choice.group != parent:
                errors[spec.key] = [
                    _("Pilihan %(value)s tidak sesuai dengan %(parent)s = %(chosen)s.")
                    % {"value": value, "parent": spec.depends_on, "chosen": parent}
                ]
    if errors:
        first = next(iter(errors))
        raise AduanError(
            WorkflowErrorCode.INVALID_INPUT,
            _("Isian langkah %(transition)s belum benar: %(field)s: %(message)s")
            % {"transition": transition.key, "field": first, "message": errors[first][0]},
            {"field": first, "fields": errors},
        )
    return cleaned


def _checked_step(complaint: Complaint, sop: Sop, transition: str, actor: AnyUser) -> Transition:
    """The step, if it exists in the complaint's SOP, runs from its state and the actor may
    take it; `AduanError` naming the field otherwise."""
    step = sop.transition(transition)
    if step is None:
        raise AduanError(
            WorkflowErrorCode.UNKNOWN_TRANSITION,
            _("Langkah %(transition)s tidak ada di SOP pengaduan ini.")
            % {"transition": transition},
            {"field": "transition"},
        )
    check_from_here(complaint, step)
    if not step.roles & roles_in(actor, connection_tenant()):
        raise AduanError(
            WorkflowErrorCode.ROLE_NOT_ALLOWED,
            _("Peran Anda tidak berwenang melakukan langkah %(transition)s.")
            % {"transition": step.key},
            {"field": "transition", "roles": sorted(step.roles)},
        )
    return step


def check_from_here(complaint: Complaint, step: Transition) -> None:
    """`AduanError` unless the step runs from the complaint's current state."""
    if complaint.state not in step.sources:
        raise AduanError(
            WorkflowErrorCode.NOT_FROM_HERE,
            _("Langkah %(transition)s tidak dapat dilakukan dari tahap %(state)s.")
            % {"transition": step.key, "state": complaint.state},
            {"field": "transition", "state": complaint.state},
        )


def waiting_answer(complaint: Complaint) -> dict[str, Any] | None:
    """The answer held for approval, if one waits (not one sent back)."""
    pending = complaint.pending_answer
    return pending if pending and pending.get("status") == ANSWER_WAITING else None


def do_transition_complaint(
    *, complaint: Complaint, transition: str, actor: AnyUser, inputs: dict[str, Any] | None = None
) -> Complaint:
    """Take one SOP step on the complaint; see the module docstring for the checks. A step
    with `approval` is held as a draft instead (complaint.pending_answer) until an approver
    takes it (complaints.actions.approval)."""
    tenant = connection_tenant()
    if not is_staff_of(actor, tenant):
        raise NotFoundError("complaints.not_found", _("Tidak ditemukan."))
    with transaction.atomic():
        # The row lock makes two simultaneous steps on one complaint run one after the other;
        # the second then sees the state the first left.
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        sop = complaint_sop(complaint)
        step = _checked_step(complaint, sop, transition, actor)
        if waiting_answer(complaint) is not None:
            raise AduanError(
                WorkflowErrorCode.AWAITING_APPROVAL,
                _("Sebuah jawaban sedang menunggu persetujuan; tunggu keputusannya dulu."),
                {"field": "transition"},
            )
        cleaned = clean_inputs(step, inputs or {})
        _check_storage(tenant, step, cleaned)
        stored: list[Attachment] = []
        try:
            _store_files(complaint, cleaned, stored)
            if step.approval:
                _hold_for_approval(complaint, step, cleaned, actor)
            else:
                take_step(tenant=tenant, complaint=complaint, sop=sop, step=step,
                          cleaned=cleaned, actor=actor)  # fmt: skip
        except BaseException:
            discard_files(stored)
            raise
    return complaint


def _check_storage(tenant: Tenant, step: Transition, cleaned: dict[str, Any]) -> None:
    """Over the plan's storage quota (as billing last metered it: tenants.entitlements) a
    staff step refuses an optional file; a file the step requires is still taken, so no case
    is held up. Citizens' files (intake, replies) are never refused for storage."""
    if not entitlements.exhausted(tenant, entitlements.STORAGE_MB):
        return
    for spec in step.inputs:
        if not spec.required and isinstance(cleaned.get(spec.key), CheckedFile):
            raise AduanError(
                WorkflowErrorCode.STORAGE_FULL,
                _(
                    "Kuota penyimpanan paket instansi ini sudah habis: lampiran staf yang tidak "
                    "wajib tidak dapat disimpan. Ambil langkah tanpa berkas ini, atau minta admin "
                    "mengganti paket."
                ),
                {"field": spec.key},
            )


def _hold_for_approval(
    complaint: Complaint, step: Transition, cleaned: dict[str, Any], actor: AnyUser
) -> None:
    """The draft waits in the approval queue; nothing is taken and nobody outside is told."""
    complaint.pending_answer = {
        "transition": step.key,
        "inputs": cleaned,
        "drafted_by": actor.pk if actor.is_authenticated else None,
        "drafted_at": timezone.now().isoformat(),
        "status": ANSWER_WAITING,
        "note": "",
    }
    complaint.save(update_fields=["pending_answer", "updated_at"])
    record_event(
        complaint,
        kind=EventKind.ANSWER_DRAFTED,
        actor=actor,
        message=step.label.id,
        after={"transition": step.key, "inputs": cleaned, "approval": sorted(step.approval)},
    )


def take_step(
    *,
    tenant: Tenant,
    complaint: Complaint,
    sop: Sop,
    step: Transition,
    cleaned: dict[str, Any],
    actor: AnyUser,
    also_save: list[str] | None = None,
    approved_by: str = "",
) -> None:
    """Take a checked step (its inputs cleaned, its files stored) on the locked complaint, in
    the caller's transaction: the state through enter_state, the public responses and files,
    and any hand-over."""
    before = complaint.state
    entered = sop.state(step.target)
    assert entered is not None  # a stored SOP was validated: every target exists
    changed: list[str] = list(also_save or [])
    audit_before: dict[str, Any] = {}
    audit_after: dict[str, Any] = {"approved_by": approved_by} if approved_by else {}
    if sop.incomplete and before == sop.incomplete and step.target != sop.incomplete:
        # Staff declare the file complete (the missing elements came by phone, at the
        # desk...): from now on it is complete, which is where the case limit counts from
        # (Perpres 76/2013: 60 days from the file being complete).
        audit_before.update(is_complete=complaint.is_complete,
                            missing_elements=complaint.missing_elements)  # fmt: skip
        complaint.is_complete = True
        complaint.missing_elements = []
        changed += ["is_complete", "missing_elements"]
        audit_after.update(is_complete=True, missing_elements=[])
    for key in URGENCY_INPUTS:
        # Kept on the complaint: the queues sort and filter by it, and it may set the
        # next step's limit (enter_state reads it).
        if cleaned.get(key) in Urgency.values and cleaned[key] != complaint.urgency:
            complaint.urgency = cleaned[key]
            changed.append("urgency")
    public_texts = {s.key for s in step.inputs if s.public and s.type == "text"}
    # A public file is a response file: shown on the tracking page from now on.
    response_files = [f["attachment"] for f in cleaned_files(step, cleaned)]
    Attachment.objects.filter(pk__in=response_files).update(is_response=True)
    handing_over = (
        step.target == NOT_OUR_AUTHORITY and not complaint.is_wbs
    ) or step.target == REFERRED_UP
    # The notification is written before the hand-over: a pending one moves with the
    # complaint.
    enter_state(
        tenant=tenant,
        complaint=complaint,
        sop=sop,
        state=entered,
        also_save=changed,
        entry=Entry(
            kind=EventKind.TRANSITION,
            actor=actor,
            message=step.label.id,
            before=audit_before,
            after={
                "transition": step.key,
                "sop_version": (complaint.sop_version.number if complaint.sop_version else None),
                # A public text is its own (public) entry; a response file stays linked here.
                "inputs": {k: v for k, v in cleaned.items() if k not in public_texts},
                **audit_after,
            },
        ),
        step=step,
        responses=[
            str(cleaned[spec.key])
            for spec in step.inputs
            if spec.key in public_texts and spec.key in cleaned
        ],
        handing_over=handing_over,
    )
    # In the same transaction: the step is taken only if the hand-over is.
    reason = str(cleaned.get("reason") or cleaned.get("note") or step.label.id)
    if step.target == REFERRED_UP:
        do_refer_up(tenant=tenant, complaint_id=complaint.pk, reason=reason, actor=actor)
    elif handing_over:
        do_hand_to_authority(tenant=tenant, complaint_id=complaint.pk, reason=reason, actor=actor)


def cleaned_files(step: Transition, cleaned: dict[str, Any]) -> list[dict[str, Any]]:
    """The public files of a step's inputs, as stored (attachment id, name, type, size)."""
    return [
        cleaned[spec.key]
        for spec in step.inputs
        if spec.public and spec.type == "file" and isinstance(cleaned.get(spec.key), dict)
    ]


def _store_files(complaint: Complaint, cleaned: dict[str, Any], stored: list[Attachment]) -> None:
    """File inputs become attachments of the complaint; the step keeps a link to each."""
    for key, value in list(cleaned.items()):
        if isinstance(value, CheckedFile):
            store_attachments(complaint, [value], stored)
            attachment = stored[-1]
            cleaned[key] = {
                "attachment": attachment.pk,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
            }
