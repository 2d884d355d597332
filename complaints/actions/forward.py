"""No wrong door: the write paths that send a complaint where it belongs.

- `do_forward_complaint`: an officer (or the router, or a regency admin from the triage queue)
  moves a complaint to another tenant with a reason; it waits there to be accepted.
- `do_accept_forwarded_complaint` / `do_return_forwarded_complaint`: the receiver takes it on,
  or sends it back to the sender with a reason (a return is not a loop).

The router's own moves (at intake, "bukan wewenang", the front doors) go through the one
disposition executor (complaints.actions.dispose), which calls `do_forward_complaint`.

Refused: a WBS report (never forwarded), a move to the holder itself, a loop (A → B → A: the
target held it before), and a forward of a complaint still waiting to be accepted here.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode, ComplaintNotFoundError
from complaints.forwarding import Actor, Moved, in_schema, move_complaint, pending_hop
from complaints.models import Complaint, EventKind
from routing.models import Hop, HopKind, HopStatus
from tenants.models import Tenant, TenantStatus


def required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ComplaintError(
            ComplaintErrorCode.REASON_REQUIRED,
            _("Tuliskan alasannya."),
            {"field": "reason"},
        )
    return reason


def _target(slug: str) -> Tenant:
    target: Tenant | None = (
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .filter(slug=slug.strip(), status=TenantStatus.ACTIVE)
        .first()
        if slug.strip()
        else None
    )
    if target is None:
        raise ComplaintError(
            ComplaintErrorCode.UNKNOWN_TARGET,
            _("Instansi tujuan tidak ditemukan."),
            {"field": "to", "value": slug},
        )
    return target


def complaint_not_found(complaint_id: int) -> ComplaintNotFoundError:
    return ComplaintNotFoundError(
        ComplaintErrorCode.NOT_FOUND, _("Pengaduan tidak ditemukan."), {"id": complaint_id}
    )


def do_forward_complaint(
    *,
    tenant: Tenant,
    complaint_id: int,
    to: Tenant | str,
    reason: str,
    actor: Actor,
    kind: HopKind = HopKind.FORWARD,
) -> Moved:
    """Move the complaint from `tenant` to `to` (a tenant or its slug); it waits there to be
    accepted or returned."""
    reason = required_reason(reason)
    target = _target(to) if isinstance(to, str) else to

    def check(complaint: Complaint, journey: list[Hop]) -> None:
        if complaint.is_wbs:
            raise ComplaintError(
                ComplaintErrorCode.FORWARD_WBS,
                _("Laporan WBS tidak pernah diteruskan ke instansi lain."),
                {"id": complaint.pk},
            )
        if target.pk == tenant.pk:
            raise ComplaintError(
                ComplaintErrorCode.FORWARD_TO_SELF,
                _("Pengaduan ini sudah ada di instansi tersebut."),
                {"field": "to"},
            )
        if any(h.to_tenant_id == tenant.pk and h.status == HopStatus.PENDING for h in journey):
            raise ComplaintError(
                ComplaintErrorCode.FORWARD_PENDING,
                _("Terima atau kembalikan dulu pengaduan ini sebelum meneruskannya."),
                {"id": complaint.pk},
            )
        held = {h.from_tenant_id for h in journey} | {h.to_tenant_id for h in journey}
        if target.pk in held:
            raise ComplaintError(
                ComplaintErrorCode.FORWARD_LOOP,
                _(
                    "%(name)s sudah pernah memegang pengaduan ini: meneruskannya ke sana "
                    "membuat putaran. Kembalikan atau teruskan ke instansi lain."
                )
                % {"name": target.name},
                {"field": "to", "value": target.slug},
            )

    try:
        moved = move_complaint(
            complaint_id=complaint_id,
            origin=tenant,
            target=target,
            kind=kind,
            reason=reason,
            actor=actor,
            check=check,
            close_triage=True,  # forwarded: the regency admin's triage decision is made
        )
    except Complaint.DoesNotExist:
        raise complaint_not_found(complaint_id) from None
    return moved


def _pending(tenant: Tenant, complaint_id: int) -> tuple[Complaint, Hop]:
    with in_schema(tenant):
        complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        raise complaint_not_found(complaint_id)
    hop = pending_hop(tenant, complaint.tracking_code)
    if hop is None:
        raise ComplaintError(
            ComplaintErrorCode.NOT_PENDING,
            _("Pengaduan ini tidak sedang menunggu diterima."),
            {"id": complaint_id},
        )
    return complaint, hop


def do_accept_forwarded_complaint(*, tenant: Tenant, complaint_id: int, actor: Actor) -> Hop:
    with transaction.atomic():
        complaint, hop = _pending(tenant, complaint_id)
        hop.status = HopStatus.ACCEPTED
        hop.decided_at = timezone.now()
        hop.save(update_fields=["status", "decided_at"])
        with in_schema(tenant):
            record_event(
                complaint,
                kind=EventKind.FORWARD_ACCEPTED,
                actor=actor,
                is_public=True,
                after={"tenant": tenant.name, "number": complaint.number},
            )
    return hop


def do_return_forwarded_complaint(
    *, tenant: Tenant, complaint_id: int, reason: str, actor: Actor
) -> Moved:
    """Send a complaint waiting here back to whoever sent it; it gets its old number back."""
    reason = required_reason(reason)
    complaint, hop = _pending(tenant, complaint_id)
    with transaction.atomic():
        moved = move_complaint(
            complaint_id=complaint.pk,
            origin=tenant,
            target=hop.from_tenant,
            kind=HopKind.RETURN,
            reason=reason,
            actor=actor,
        )
        hop.status = HopStatus.RETURNED
        hop.decision_reason = reason
        hop.decided_at = timezone.now()
        hop.save(update_fields=["status", "decision_reason", "decided_at"])
        # A return needs no acceptance: the sender held it before.
        moved.hop.status = HopStatus.ACCEPTED
        moved.hop.decided_at = hop.decided_at
        moved.hop.save(update_fields=["status", "decided_at"])
    return moved
