"""Whistleblowing (WBS, pelaporan pelanggaran) write paths: the tenant's WBS policy, a report
and its receipt key, the reporter's replies, the appointment of WBS officers by the head, and
the two-approver disclosure of a confidential reporter's identity.

Who: the policy by the tenant's admin; a report and its replies by anyone holding the key;
appointments by the head alone, signed in with the second factor (not tenant admins, regency
admins or the platform operator: `tenants.permissions.grantable_roles` never offers the
role); a disclosure requested by a WBS officer, approved by the head AND another WBS officer,
never the requester, and valid for `complaints.wbs.DISCLOSURE_HOURS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import wbs
from complaints.actions.access_log import do_record_access
from complaints.actions.intake import do_file_complaint
from complaints.actions.replies import do_reply_to_complaint
from complaints.actions.sop import do_add_wbs_sop_version
from complaints.audit import record_event
from complaints.errors import ComplaintError, WbsErrorCode
from complaints.forwarding import Moved, in_schema, move_complaint
from complaints.models import AccessKind, Channel, Complaint, ComplaintEvent, EventKind
from complaints.public.models import WbsReceipt, WbsRecord, WbsRecordKind
from routing.directory import inspectorate_for
from routing.models import Hop, HopKind, HopStatus
from tenants.actions.members import do_grant_role, do_take_role
from tenants.models import Role, Tenant, User
from tenants.permissions import roles_in

Actor = AbstractBaseUser | AnonymousUser | None

# The timeline's name for the reporter: never their name, even when they gave it.
REPORTER_LABEL = "Pelapor"
MAX_ACKNOWLEDGE_DAYS = 30
MAX_FEEDBACK_DAYS = 365


def _error(code: WbsErrorCode, message: str, field: str = "") -> ComplaintError:
    return ComplaintError(code, message, {"field": field} if field else {})


# --- the policy ------------------------------------------------------------------------------


def do_set_wbs_policy(
    *,
    tenant: Tenant,
    enabled: bool,
    acknowledge_days: int = wbs.WBS_ACKNOWLEDGE_DAYS,
    feedback_days: int = wbs.WBS_FEEDBACK_DAYS,
    legal_basis: str = "",
    actor: Actor,
) -> wbs.WbsPolicy:
    """Turn WBS on or off and set its deadlines (current schema: the tenant's). Days other
    than the defaults need the tenant's own legal basis. Recorded (who, when, before, after)
    and, when the deadlines change, a new WBS SOP version carries them to new reports."""
    legal_basis = legal_basis.strip()[:500]
    if not 1 <= acknowledge_days <= MAX_ACKNOWLEDGE_DAYS:
        raise _error(
            WbsErrorCode.INVALID_DAYS,
            _("Batas tanda terima harus 1 sampai %(max)s hari.") % {"max": MAX_ACKNOWLEDGE_DAYS},
            "acknowledge_days",
        )
    if not acknowledge_days <= feedback_days <= MAX_FEEDBACK_DAYS:
        raise _error(
            WbsErrorCode.INVALID_DAYS,
            _("Batas umpan balik harus antara batas tanda terima dan %(max)s hari.")
            % {"max": MAX_FEEDBACK_DAYS},
            "feedback_days",
        )
    defaults = (wbs.WBS_ACKNOWLEDGE_DAYS, wbs.WBS_FEEDBACK_DAYS)
    if (acknowledge_days, feedback_days) != defaults and not legal_basis:
        raise _error(
            WbsErrorCode.LEGAL_BASIS_REQUIRED,
            _("Batas waktu selain 7 hari dan 3 bulan memerlukan dasar hukum instansi sendiri."),
            "legal_basis",
        )
    policy = wbs.WbsPolicy(
        enabled=enabled,
        acknowledge_days=acknowledge_days,
        feedback_days=feedback_days,
        legal_basis=legal_basis,
    )
    with transaction.atomic():
        before = wbs.policy_of(tenant)
        if before == policy:
            return policy
        WbsRecord.objects.create(
            tenant=tenant,
            kind=WbsRecordKind.POLICY,
            actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
            at=timezone.now(),
            data={**policy.as_dict(), "before": before.as_dict()},
        )
        do_add_wbs_sop_version(tenant=tenant, policy=policy, actor=actor)
    return policy


# --- the report and the reporter -------------------------------------------------------------


@dataclass(frozen=True)
class FiledReport:
    complaint: Complaint
    receipt_key: str  # the one copy: shown to the reporter once, never stored


def do_file_wbs_report(
    *,
    tenant: Tenant,
    subject: str,
    description: str,
    anonymous: bool,
    name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    incident_place: str = "",
    attachments: Sequence[File] = (),  # type: ignore[type-arg]
) -> FiledReport:
    """A whistleblowing report (current schema: the tenant's). Anonymous: no identity asked or
    kept, and never "incomplete". Confidential: a name and a way to reach the reporter, seen by
    nobody until a disclosure is approved. Either way the reporter gets a receipt key; nothing
    of the request (address, browser) is stored, files lose their metadata, it is never routed
    and its notifications carry no content (complaints.notifications)."""
    if not wbs.policy_of(tenant).enabled:
        raise _error(WbsErrorCode.NOT_ENABLED, _("Instansi ini belum membuka layanan WBS."))
    if anonymous:
        name = address = phone = email = ""
    elif not name.strip() or not (phone.strip() or email.strip()):
        raise _error(
            WbsErrorCode.IDENTITY_REQUIRED,
            _("Laporan rahasia memerlukan nama dan nomor telepon atau surel Anda."),
            "name" if not name.strip() else "phone",
        )
    with transaction.atomic():
        complaint = do_file_complaint(
            tenant=tenant,
            channel=Channel.WEB,
            name=name,
            address=address,
            phone=phone,
            email=email,
            subject=subject,
            description=description,
            incident_place=incident_place,
            attachments=attachments,
            is_confidential=True,
            is_anonymous=anonymous,
            is_wbs=True,
            actor_label=REPORTER_LABEL,
            route=False,
        )
        key = _new_receipt(tenant, complaint)
    return FiledReport(complaint, key)


def do_file_wbs_at_desk(*, tenant: Tenant, actor: Actor, **values: Any) -> FiledReport:
    """A WBS report entered by staff at the desk (face to face, the box, a phone call): the
    desk's ordinary intake, never routed, and a receipt key shown once to the officer to hand
    to the reporter, who returns with it like any reporter (an anonymous desk report too)."""
    values = {**values, "is_wbs": True, "route": False}
    if values.get("is_anonymous"):
        for field in ("name", "address", "phone", "email"):
            values[field] = ""
    with transaction.atomic():
        complaint = do_file_complaint(tenant=tenant, actor=actor, **values)
        key = _new_receipt(tenant, complaint)
    return FiledReport(complaint, key)


def _new_receipt(tenant: Tenant, complaint: Complaint) -> str:
    while True:
        key = wbs.new_receipt_key()
        try:
            with transaction.atomic():
                WbsReceipt.objects.create(
                    key_hash=wbs.receipt_hash(key),
                    tenant=tenant,
                    complaint_id=complaint.pk,
                    created_at=timezone.now(),
                )
        except IntegrityError:  # 2**95 keys: never, but never give one twice either
            continue
        return key


def do_reply_as_reporter(
    *,
    complaint: Complaint,
    message: str,
    attachments: Sequence[File] = (),  # type: ignore[type-arg]
) -> Complaint:
    """The reporter answers or adds files (the complaint comes from the key's receipt, in its
    holder's schema): the ordinary reply, under the reporter's label, files stripped."""
    return do_reply_to_complaint(
        complaint=complaint, message=message, attachments=attachments, actor_label=REPORTER_LABEL
    )


# --- appointments ---------------------------------------------------------------------------


def _verified(actor: Actor) -> bool:
    # django-otp sets is_verified() on the request's user once the second factor passed.
    return actor is not None and bool(getattr(actor, "is_verified", lambda: False)())


def _check_head(tenant: Tenant, actor: Actor, head_only: str, two_factor: str) -> None:
    if actor is None or Role.HEAD not in roles_in(actor, tenant):
        raise _error(WbsErrorCode.HEAD_ONLY, head_only)
    if not _verified(actor):
        raise _error(WbsErrorCode.TWO_FACTOR_REQUIRED, two_factor)


def do_appoint_wbs_officer(*, tenant: Tenant, user: User, actor: Actor) -> WbsRecord:
    """The head appoints a member of this tenant as WBS officer, signed in with the second
    factor; the appointment is recorded (who, whom, when, that the second factor was used)."""
    _check_head(
        tenant,
        actor,
        _("Petugas WBS hanya diangkat oleh kepala."),
        _("Masuk dengan verifikasi dua langkah untuk mengangkat petugas WBS."),
    )
    assert actor is not None  # _check_head refused None
    if not user.memberships.filter(tenant=tenant).exists():
        raise _error(
            WbsErrorCode.NOT_A_MEMBER,
            _("Hanya anggota instansi ini yang dapat diangkat."),
            "user",
        )
    with transaction.atomic():
        do_grant_role(user=user, tenant=tenant, role=Role.WBS_OFFICER)
        return WbsRecord.objects.create(
            tenant=tenant,
            kind=WbsRecordKind.APPOINTMENT,
            actor_id=actor.pk,
            at=timezone.now(),
            data={"user_id": user.pk, "username": user.get_username(), "two_factor": True},
        )


def do_dismiss_wbs_officer(*, tenant: Tenant, user: User, actor: Actor) -> WbsRecord:
    """The head dismisses a WBS officer, signed in with the second factor, recorded like an
    appointment. The role is gone at once: the next request of the former officer finds
    every WBS report "not found" (roles are read per request, never cached)."""
    _check_head(
        tenant,
        actor,
        _("Petugas WBS hanya diberhentikan oleh kepala."),
        _("Masuk dengan verifikasi dua langkah untuk memberhentikan petugas WBS."),
    )
    assert actor is not None  # _check_head refused None
    with transaction.atomic():
        if not do_take_role(user=user, tenant=tenant, role=Role.WBS_OFFICER):
            raise _error(
                WbsErrorCode.NOT_AN_OFFICER, _("Pengguna ini bukan petugas WBS."), "user"
            )
        return WbsRecord.objects.create(
            tenant=tenant,
            kind=WbsRecordKind.DISMISSAL,
            actor_id=actor.pk,
            at=timezone.now(),
            data={"user_id": user.pk, "username": user.get_username(), "two_factor": True},
        )


# --- disclosure of a confidential reporter's identity ----------------------------------------


def do_request_disclosure(*, complaint: Complaint, reason: str, actor: Actor) -> ComplaintEvent:
    """A WBS officer asks to see the reporter's identity, with a reason (an internal entry)."""
    reason = reason.strip()
    if not complaint.is_wbs:
        raise _error(WbsErrorCode.NOT_WBS, _("Hanya untuk laporan WBS."))
    if complaint.is_anonymous or not complaint.name:
        raise _error(WbsErrorCode.NO_IDENTITY, _("Pelapor tidak memberikan identitas."))
    if not reason:
        raise _error(WbsErrorCode.REASON_REQUIRED, _("Tuliskan alasannya."), "reason")
    with transaction.atomic():
        return record_event(
            complaint,
            kind=EventKind.DISCLOSURE_REQUESTED,
            actor=actor,
            message=reason[:2000],
            after={"hours": wbs.DISCLOSURE_HOURS},
        )


def do_approve_disclosure(
    *, tenant: Tenant, request: ComplaintEvent, actor: Actor
) -> wbs.Disclosure:
    """One approval of a disclosure request: by the head or by a WBS officer, never by the
    requester, once per person. With the head's and another WBS officer's approval the
    request is granted for DISCLOSURE_HOURS, and the reporter's timeline says that a
    disclosure happened (not to whom)."""
    if actor is None or not actor.is_authenticated:
        raise _error(WbsErrorCode.NOT_AN_APPROVER, _("Anda tidak dapat menyetujui."))
    held = roles_in(actor, tenant)
    as_role = (
        Role.HEAD if Role.HEAD in held else Role.WBS_OFFICER if Role.WBS_OFFICER in held else None
    )
    if as_role is None:
        raise _error(WbsErrorCode.NOT_AN_APPROVER, _("Anda tidak dapat menyetujui."))
    if request.actor_id == actor.pk:
        raise _error(WbsErrorCode.OWN_REQUEST, _("Permintaan sendiri tidak dapat Anda setujui."))
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=request.complaint_id)
        current = wbs.disclosure_of(request)
        if current.granted_until is not None:
            raise _error(WbsErrorCode.REQUEST_CLOSED, _("Permintaan ini sudah diputuskan."))
        if any(a.actor_id == actor.pk for a in current.approvals):
            raise _error(WbsErrorCode.ALREADY_APPROVED, _("Anda sudah menyetujuinya."))
        taken = {str((a.after or {}).get("as")) for a in current.approvals}
        # A head who is also a WBS officer fills the role still open.
        if as_role in taken and Role.WBS_OFFICER in held and Role.WBS_OFFICER not in taken:
            as_role = Role.WBS_OFFICER
        if as_role in taken:
            raise _error(
                WbsErrorCode.ALREADY_APPROVED,
                _("Persetujuan dari peran ini sudah ada; tunggu persetujuan pihak kedua."),
            )
        approval = record_event(
            complaint,
            kind=EventKind.DISCLOSURE_APPROVED,
            actor=actor,
            after={"request": request.pk, "as": str(as_role)},
        )
        approvals = [*current.approvals, approval]
        if {str(Role.HEAD), str(Role.WBS_OFFICER)} <= {
            str((a.after or {}).get("as")) for a in approvals
        }:
            until = timezone.now() + timedelta(hours=wbs.DISCLOSURE_HOURS)
            record_event(
                complaint,
                kind=EventKind.DISCLOSURE_GRANTED,
                actor_label="Aduan",
                is_public=True,
                message=_(
                    "Identitas pelapor dibuka untuk pemeriksaan dengan persetujuan dua pejabat, "
                    "untuk waktu terbatas."
                ),
                after={"request": request.pk, "until": until.isoformat()},
            )
            # The access log names the disclosure (UU 27/2022: who let it out, and why).
            do_record_access(
                kind=AccessKind.DISCLOSURE,
                complaint=complaint,
                actor=actor,
                reason=request.message or "",
            )
            return wbs.Disclosure(request, approvals, until)
        return wbs.Disclosure(request, approvals, None)


# --- the hand-over to the inspectorate --------------------------------------------------------


def do_hand_to_inspectorate(
    *, tenant: Tenant, complaint: Complaint, reason: str, actor: Actor
) -> Moved:
    """A WBS report about the body's own leadership goes to the regency's inspectorate (the
    APIP), where it runs Aduan: the one move path (complaints.forwarding.move_complaint) for
    WBS reports, accepted on arrival (it waits in no ordinary queue there), under the
    inspectorate's WBS SOP; the receipt key follows it (complaints.public.moves)."""
    reason = reason.strip()
    if not complaint.is_wbs:
        raise _error(WbsErrorCode.NOT_WBS, _("Hanya untuk laporan WBS."))
    if not reason:
        raise _error(WbsErrorCode.REASON_REQUIRED, _("Tuliskan alasannya."), "reason")
    target = inspectorate_for(tenant)
    if target is None:
        raise _error(
            WbsErrorCode.NO_INSPECTORATE,
            _("Inspektorat kabupaten/kota Anda belum memakai Aduan."),
        )

    def check(locked: Complaint, journey: list[Hop]) -> None:
        if not locked.is_wbs:  # re-read under the row lock
            raise _error(WbsErrorCode.NOT_WBS, _("Hanya untuk laporan WBS."))

    with transaction.atomic():
        moved = move_complaint(
            complaint_id=complaint.pk,
            origin=tenant,
            target=target,
            kind=HopKind.FORWARD,
            reason=reason[:2000],
            actor=actor,
            check=check,
        )
        moved.hop.status = HopStatus.ACCEPTED
        moved.hop.decided_at = timezone.now()
        moved.hop.save(update_fields=["status", "decided_at"])
        with in_schema(target):
            record_event(
                moved.complaint,
                kind=EventKind.HANDED_TO_INSPECTORATE,
                actor_label="Aduan",
                is_public=True,
                after={"tenant": target.name, "number": moved.complaint.number},
            )
    return moved
