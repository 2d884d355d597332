"""No wrong door: the write paths that send a complaint where it belongs.

- `do_forward_complaint`: an officer (or the router, or a regency admin from the triage queue)
  moves a complaint to another tenant with a reason; it waits there to be accepted.
- `do_accept_forwarded_complaint` / `do_return_forwarded_complaint`: the receiver takes it on,
  or sends it back to the sender with a reason (a return is not a loop).
- `do_route_filed_complaint`: the router's look at a complaint a tenant just received (a job).
- `do_file_at_front_door`: the platform's front door routes first, then files with
  `do_file_complaint` in the chosen tenant (or keeps it for SP4N-LAPOR!).

Refused: a WBS report (never forwarded), a move to the holder itself, a loop (A → B → A: the
target held it before), and a forward of a complaint still waiting to be accepted here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from complaints.actions.intake import do_file_complaint, raise_problems
from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode, ComplaintNotFoundError
from complaints.forwarding import (
    Actor,
    Moved,
    already_routed,
    in_schema,
    move_complaint,
    pending_hop,
)
from complaints.models import Channel, Complaint, EventKind, new_tracking_code
from complaints.validation import CheckedFile, check_attachments
from tenants.models import (
    Category,
    Hop,
    HopKind,
    HopStatus,
    LaporReferral,
    Region,
    RegionLevel,
    Tenant,
    TenantKind,
    TenantStatus,
    TrackingCode,
    TriageEntry,
    TriageStatus,
)
from tenants.routing import Outcome, Proposal, propose


def _reason(reason: str) -> str:
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


def _not_found(complaint_id: int) -> ComplaintNotFoundError:
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
    reason = _reason(reason)
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
        raise _not_found(complaint_id) from None
    return moved


def _pending(tenant: Tenant, complaint_id: int) -> tuple[Complaint, Hop]:
    with in_schema(tenant):
        complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        raise _not_found(complaint_id)
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
    reason = _reason(reason)
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


# --- routing at intake ---------------------------------------------------------------------


def _proposal_for(
    tenant: Tenant, complaint: Complaint, excluding: Tenant | None = None
) -> Proposal:
    region = tenant.region_id or ""
    village_code = complaint.village_code
    if not village_code and not complaint.address_text and tenant.kind == TenantKind.PEMDES:
        village_code = region  # filed at a village desk: about that village unless told
    return propose(
        excluding=excluding,
        subject=complaint.subject,
        description=complaint.description,
        category_key=complaint.category,
        village_code=village_code,
        address_text=complaint.address_text,
        latitude=complaint.latitude,
        longitude=complaint.longitude,
        regency_code=region[:5],
    )


def do_route_filed_complaint(*, schema_name: str, complaint_id: int) -> Proposal | None:
    """The router's look at a complaint a tenant just received: a sure route elsewhere
    forwards it at once; an unsure one at a regency government enters its triage queue; an
    unsure one elsewhere stays with its receiver (its officers decide); no body on Aduan marks
    it for SP4N-LAPOR!. Safe to repeat: a complaint that moved on or was looked at is left."""
    tenant = Tenant.objects.filter(schema_name=schema_name).first()
    if tenant is None:
        return None
    with in_schema(tenant):
        complaint = Complaint.objects.filter(pk=complaint_id).first()
        if complaint is None or complaint.is_wbs:
            return None
        if complaint.events.filter(kind=EventKind.ROUTED).exists():
            return None
    if Hop.objects.filter(tracking_code=complaint.tracking_code).exists():
        return None
    proposal = _proposal_for(tenant, complaint)
    with transaction.atomic():
        with in_schema(tenant):
            record_event(
                complaint, kind=EventKind.ROUTED, actor_label="Aduan", message=proposal.reason
            )
        if proposal.outcome is Outcome.ROUTE and proposal.target is not None:
            if proposal.target.pk != tenant.pk:
                do_forward_complaint(
                    tenant=tenant,
                    complaint_id=complaint.pk,
                    to=proposal.target,
                    reason=proposal.reason,
                    actor=None,
                    kind=HopKind.ROUTE,
                )
        elif proposal.outcome is Outcome.TRIAGE and proposal.target == tenant:
            _triage(complaint, tenant, proposal)
        elif proposal.outcome is Outcome.LAPOR:
            LaporReferral.objects.get_or_create(
                tracking_code=complaint.tracking_code,
                defaults={
                    "holder": tenant,
                    "category": proposal.category.key if proposal.category else "",
                    "village_code": proposal.village.code if proposal.village else "",
                    "reason": proposal.reason,
                },
            )
    return proposal


def do_hand_to_authority(
    *, tenant: Tenant, complaint_id: int, reason: str, actor: Actor
) -> Proposal:
    """ "Bukan wewenang" (not our authority): an officer says the complaint is not theirs, and
    the router finds who should have it instead. Sure → forwarded there; unsure → to the
    regency government's triage queue; no body on Aduan → marked for SP4N-LAPOR!. The SOP's
    "not our authority" step calls this (once) with the officer's reason."""
    reason = _reason(reason)
    with in_schema(tenant):
        complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        raise _not_found(complaint_id)
    if complaint.is_wbs:
        raise ComplaintError(
            ComplaintErrorCode.FORWARD_WBS,
            _("Laporan WBS tidak pernah diteruskan ke instansi lain."),
            {"id": complaint_id},
        )
    proposal = _proposal_for(tenant, complaint, excluding=tenant)
    why = f"{reason}; {proposal.reason}"
    target = proposal.target
    with transaction.atomic():
        if target is None:
            LaporReferral.objects.get_or_create(
                tracking_code=complaint.tracking_code,
                defaults={
                    "holder": tenant,
                    "category": proposal.category.key if proposal.category else "",
                    "village_code": proposal.village.code if proposal.village else "",
                    "reason": why,
                },
            )
        elif target.pk == tenant.pk:  # the regency government itself is unsure: its queue
            _triage(complaint, tenant, proposal)
        else:
            moved = do_forward_complaint(
                tenant=tenant, complaint_id=complaint_id, to=target, reason=why, actor=actor
            )
            if proposal.outcome is Outcome.TRIAGE:
                _triage(moved.complaint, target, proposal)
    return proposal


def _triage(complaint: Complaint, holder: Tenant, proposal: Proposal) -> TriageEntry:
    code = proposal.regency_code or (holder.region_id or "")[:5]
    region = Region.objects.filter(code=code).first() or holder.region
    assert region is not None
    entry, _created = TriageEntry.objects.get_or_create(
        tracking_code=complaint.tracking_code,
        defaults={
            "regency": region,
            "holder": holder,
            "subject": complaint.subject,
            "proposal": proposal.as_dict(),
            "reason": proposal.reason,
            "status": TriageStatus.OPEN,
        },
    )
    return entry


# --- the front door ------------------------------------------------------------------------


@dataclass
class FrontDoorResult:
    tracking_code: str
    proposal: Proposal
    holder: Tenant | None
    number: str


def do_file_at_front_door(
    *,
    regency_code: str,
    name: str,
    address: str,
    phone: str,
    subject: str,
    description: str,
    email: str = "",
    category: str = "",
    village_code: str = "",
    address_text: str = "",
    incident_at: datetime | None = None,
    latitude: Decimal | float | str | None = None,
    longitude: Decimal | float | str | None = None,
    is_anonymous: bool = False,
    raw_payload: dict[str, Any] | None = None,
    attachments: Sequence[File] = (),  # type: ignore[type-arg]
) -> FrontDoorResult:
    """A citizen who does not know who is responsible: route first, then file there. An unsure
    complaint is filed with the regency government and enters its triage queue; with no body
    on Aduan it is kept here, whole (its files too), for SP4N-LAPOR!. The tracking code works
    at once. Attachments are checked by content as at a tenant's intake, before routing."""
    regency_code, village_code = regency_code.strip(), village_code.strip()
    category = category.strip()
    checked, file_problem = check_attachments(attachments)
    raise_problems([file_problem])
    if not village_code and not (
        regency_code
        and Region.objects.filter(code=regency_code, level=RegionLevel.REGENCY).exists()
    ):
        raise ComplaintError(
            ComplaintErrorCode.LOCATION_REQUIRED,
            _("Pilih kabupaten/kota atau isi kode desa/kelurahan."),
            {"field": "regency_code", "value": regency_code},
        )
    if category and not Category.objects.filter(key=category).exists():
        raise ComplaintError(
            ComplaintErrorCode.UNKNOWN_CATEGORY,
            _("Kategori tidak dikenal."),
            {"field": "category", "value": category},
        )
    proposal = propose(
        subject=subject,
        description=description,
        category_key=category,
        village_code=village_code,
        address_text=address_text,
        latitude=latitude,
        longitude=longitude,
        regency_code=regency_code or village_code[:5],
    )
    fields: dict[str, Any] = {
        "name": name,
        "address": address,
        "phone": phone,
        "subject": subject,
        "description": description,
        "email": email,
        "category": category or (proposal.category.key if proposal.category else ""),
        "village_code": village_code,
        "address_text": address_text,
        "incident_at": incident_at,
        "latitude": latitude,
        "longitude": longitude,
        "is_anonymous": is_anonymous,
        "raw_payload": raw_payload,
    }
    target = proposal.target
    if target is None:
        return _keep_for_lapor(proposal, fields, checked)
    with transaction.atomic(), schema_context(target.schema_name), already_routed():
        # The intake action stores the files in the receiver's own folder, with the complaint.
        complaint = do_file_complaint(
            tenant=target,
            channel=Channel.WEB,
            actor_label=_("Pintu depan Aduan"),
            attachments=[c.file for c in checked],
            **fields,
        )
        record_event(complaint, kind=EventKind.ROUTED, actor_label="Aduan", message=proposal.reason)
        if proposal.outcome is Outcome.TRIAGE:
            _triage(complaint, target, proposal)
    return FrontDoorResult(complaint.tracking_code, proposal, target, complaint.number)


def _keep_for_lapor(
    proposal: Proposal, fields: dict[str, Any], checked: Sequence[CheckedFile]
) -> FrontDoorResult:
    if not (fields["subject"].strip() or fields["description"].strip() or checked):
        raise ComplaintError(
            ComplaintErrorCode.EMPTY,
            _("Tuliskan pokok atau uraian pengaduan."),
            {"field": "description"},
        )
    payload: dict[str, Any] = {
        k: (v.isoformat() if isinstance(v, datetime) else str(v) if v is not None else None)
        for k, v in fields.items()
        if k != "raw_payload"
    }
    code = new_tracking_code()
    while TrackingCode.objects.filter(code=code).exists():
        code = new_tracking_code()
    # Kept in the platform's folder until the channels work sends them to SP4N-LAPOR!; saved
    # before the transaction (a file system is not transactional), removed if it fails.
    saved: list[str] = []
    try:
        for index, item in enumerate(checked, start=1):
            name = f"{get_public_schema_name()}/lapor/{code}/{index}.{item.extension}"
            item.file.seek(0)
            saved.append(default_storage.save(name, item.file))
        payload["attachments"] = [
            {
                "file": stored,
                "original_name": item.original_name,
                "content_type": item.content_type,
                "size": item.size,
                "sha256": item.sha256,
            }
            for stored, item in zip(saved, checked, strict=True)
        ]
        with transaction.atomic():
            TrackingCode.objects.create(code=code, tenant=None)
            LaporReferral.objects.create(
                tracking_code=code,
                holder=None,
                category=proposal.category.key if proposal.category else "",
                village_code=proposal.village.code if proposal.village else "",
                payload=payload,
                reason=proposal.reason,
            )
    except BaseException:
        for stored in saved:
            default_storage.delete(stored)
        raise
    return FrontDoorResult(code, proposal, None, "")
