"""The router's callers for a complaint a tenant holds: its look at what a tenant just
received (the job complaints.tasks.route_filed_complaint), an officer's "bukan wewenang",
and the regency admin's decision in the triage queue. Each asks routing where the complaint
belongs (routing.router.propose), what to do about it (routing.disposition.dispose), and has
the one executor carry it out (complaints.actions.dispose.do_carry_out_disposition)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.errors import NotFoundError
from complaints.actions.dispose import Carried, do_carry_out_disposition
from complaints.actions.forward import complaint_not_found, do_forward_complaint, required_reason
from complaints.audit import record_event
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.forwarding import Actor, Moved, in_schema, pending_hop
from complaints.models import Complaint, EventKind
from complaints.selectors import route_suggestion
from routing.disposition import dispose, refer_up
from routing.models import Hop, OwnDoor, TriageEntry
from routing.router import Proposal, propose
from routing.selectors import own_door_policy
from tenants.models import Tenant, TenantKind


def proposal_for(tenant: Tenant, complaint: Complaint, excluding: Tenant | None = None) -> Proposal:
    """Where the router would send a complaint `tenant` holds (never to `excluding`)."""
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
    proposal = proposal_for(tenant, complaint)
    # Filed at the tenant's own door: its setting says whether a move is made or proposed.
    ask_first = own_door_policy(tenant) == OwnDoor.SUGGEST
    with transaction.atomic():
        with in_schema(tenant):
            record_event(
                complaint, kind=EventKind.ROUTED, actor_label="Aduan", message=proposal.reason
            )
        do_carry_out_disposition(
            disposition=dispose(proposal, holder=tenant, ask_first=ask_first),
            complaint=complaint,
            holder=tenant,
            actor=None,
        )
    return proposal


def _to_hand_over(tenant: Tenant, complaint_id: int) -> Complaint:
    """The complaint a hand-over takes from this tenant: it must be here, and never WBS."""
    with in_schema(tenant):
        complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        raise complaint_not_found(complaint_id)
    if complaint.is_wbs:
        raise ComplaintError(
            ComplaintErrorCode.FORWARD_WBS,
            _("Laporan WBS tidak pernah diteruskan ke instansi lain."),
            {"id": complaint_id},
        )
    return complaint


def do_hand_to_authority(
    *, tenant: Tenant, complaint_id: int, reason: str, actor: Actor
) -> Proposal:
    """ "Bukan wewenang" (not our authority): an officer says the complaint is not theirs, and
    the router finds who should have it instead. Sure → forwarded there; unsure → to the
    regency government's triage queue; no body on Aduan → marked for SP4N-LAPOR!. The SOP's
    "not our authority" step calls this (once) with the officer's reason."""
    reason = required_reason(reason)
    complaint = _to_hand_over(tenant, complaint_id)
    proposal = proposal_for(tenant, complaint, excluding=tenant)
    do_carry_out_disposition(
        disposition=dispose(proposal, holder=tenant, handed_over=True, said=reason),
        complaint=complaint,
        holder=tenant,
        actor=actor,
    )
    return proposal


def no_suggestion(complaint_id: int) -> ComplaintError:
    return ComplaintError(
        ComplaintErrorCode.NO_SUGGESTION,
        _("Tidak ada usulan penerusan yang menunggu keputusan untuk pengaduan ini."),
        {"id": complaint_id},
    )


def do_follow_route_suggestion(*, tenant: Tenant, complaint: Complaint, actor: Actor) -> Carried:
    """An officer follows the router's proposal for a complaint filed at their own door (one
    click): the router is asked again and its disposition carried out, as it would have been
    without the setting."""
    if route_suggestion(complaint) is None:
        raise no_suggestion(complaint.pk)
    return do_carry_out_disposition(
        disposition=dispose(proposal_for(tenant, complaint), holder=tenant),
        complaint=complaint,
        holder=tenant,
        actor=actor,
    )


def do_keep_complaint(*, tenant: Tenant, complaint: Complaint, actor: Actor) -> None:
    """An officer keeps a complaint the router proposed to hand over: it is theirs."""
    with transaction.atomic(), in_schema(tenant):
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if route_suggestion(locked) is None:
            raise no_suggestion(complaint.pk)
        record_event(locked, kind=EventKind.ROUTE_KEPT, actor=actor)


def do_refer_up(*, tenant: Tenant, complaint_id: int, reason: str, actor: Actor) -> Carried:
    """ "Teruskan ke instansi di atasnya": the complaint goes to the holder's higher authority
    (the directory's, else the parent), else to SP4N-LAPOR!, through the one executor; the
    citizen keeps the same tracking code. The SOP step that enters "referred" calls this in
    its transaction, so a refused hand-over (a WBS report, one still waiting to be accepted
    here) refuses the step too."""
    reason = required_reason(reason)
    complaint = _to_hand_over(tenant, complaint_id)
    if pending_hop(tenant, complaint.tracking_code) is not None:
        raise ComplaintError(
            ComplaintErrorCode.FORWARD_PENDING,
            _("Terima atau kembalikan dulu pengaduan ini sebelum meneruskannya."),
            {"id": complaint_id},
        )
    return do_carry_out_disposition(
        disposition=refer_up(holder=tenant, said=reason),
        complaint=complaint,
        holder=tenant,
        actor=actor,
    )


def do_triage(entry: TriageEntry, *, to: str, reason: str, actor: Actor) -> Moved:
    """The regency admin sends a triaged complaint from its holder to the right body (the
    move closes the triage entry)."""
    with in_schema(entry.holder):
        complaint = Complaint.objects.filter(tracking_code=entry.tracking_code).first()
    if complaint is None:
        raise NotFoundError("complaints.not_found", _("Tidak ditemukan."))
    return do_forward_complaint(
        tenant=entry.holder, complaint_id=complaint.pk, to=to, reason=reason, actor=actor
    )
