"""Merging duplicates: staff (complaint officer, tenant admin) merge complaint B into A.

B is closed as a duplicate (a terminal state of its SOP: `closed` when it has one) with a link
to A; its timeline and attachments stay B's own and are shown on A's view; B's tracking code
shows that it was merged (A's register number, never A's tracking code or texts: they are
another complainant's) and follows A's step and due date; B's complainant is told of A's
steps (the step's name only, complaints.notifications).

Refused: B into itself, into a closed complaint (a merged one is closed too), a complaint
already merged, across tenants (A must be found in this tenant's register: another tenant's
ids do not resolve here), a WBS report with an ordinary complaint (WBS texts must not reach
non-WBS staff), and chains that loop. Duplicates already merged into B move on to A, so a
duplicate is always one link from the complaint it follows.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from aduan.tenancy import connection_tenant
from complaints.actions.closing import is_closed
from complaints.actions.state import Entry, enter_state
from complaints.actions.workflow import complaint_sop
from complaints.audit import record_event
from complaints.models import Complaint, ComplaintEvent, EventKind
from complaints.presenters import describe
from complaints.selectors import Viewer, visible_complaints
from complaints.sop import Sop, State
from tenants.models import Role

MERGE_ROLES = frozenset({Role.OFFICER, Role.TENANT_ADMIN, Role.WBS_OFFICER})
MAX_CHAIN = 50  # flattened on every merge, so a longer chain is corrupt data, not a case


class MergeErrorCode(StrEnum):
    INTO_ITSELF = "complaints.merge_into_itself"
    INTO_CLOSED = "complaints.merge_into_closed"
    ALREADY_MERGED = "complaints.already_merged"
    UNKNOWN_TARGET = "complaints.merge_unknown_target"
    WBS_MIX = "complaints.merge_wbs"
    LOOP = "complaints.merge_loop"


def _error(code: MergeErrorCode, message: str) -> AduanError:
    return AduanError(code, message, {"field": "into", "fields": {"into": [message]}})


def unknown_target() -> AduanError:
    return _error(
        MergeErrorCode.UNKNOWN_TARGET,
        _("Pengaduan tujuan tidak ditemukan di buku pengaduan instansi ini."),
    )


def merge_target(viewer: Viewer, given: str) -> Complaint:
    """The complaint to merge into, by id or register number, among those this viewer sees
    in this tenant: another tenant's complaint never resolves here (a 400, not a leak)."""
    text = given.strip()
    found = None
    if text.isdigit():
        found = visible_complaints(viewer).filter(pk=int(text)).first()
    elif text:
        found = visible_complaints(viewer).filter(number=text).first()
    if found is None:
        raise unknown_target()
    return found


def duplicate_state(sop: Sop) -> State:
    """Where a merged duplicate rests: the SOP's `closed` state, else its first terminal."""
    closed = sop.state("closed")
    if closed is not None and closed.terminal:
        return closed
    return next(s for s in sop.states if s.terminal)  # a validated SOP has one


def do_merge_complaints(
    *,
    duplicate: Complaint,
    into: Complaint,
    actor: AbstractBaseUser | AnonymousUser,
    reason: str = "",
) -> Complaint:
    """Merge `duplicate` (B) into `into` (A); both already resolved in this tenant through
    access_complaint. Returns B as merged."""
    if duplicate.pk == into.pk:
        raise _error(MergeErrorCode.INTO_ITSELF, _("Pengaduan tidak dapat digabung ke dirinya."))
    tenant = connection_tenant()
    note = (reason or "").strip()[:2000]
    with transaction.atomic():
        # Locked in id order: two merges of the same pair the other way round cannot deadlock.
        locked = {
            c.pk: c
            for c in Complaint.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, into.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise unknown_target()
        b, a = locked[duplicate.pk], locked[into.pk]
        if b.merged_into_id is not None:
            raise _error(
                MergeErrorCode.ALREADY_MERGED,
                _("Pengaduan %(number)s sudah digabung ke pengaduan lain.") % {"number": b.number},
            )
        if a.merged_into_id is not None or is_closed(a):
            raise _error(
                MergeErrorCode.INTO_CLOSED,
                _("Pengaduan %(number)s sudah selesai: gabungkan ke pengaduan yang masih berjalan.")
                % {"number": a.number},
            )
        if a.is_wbs != b.is_wbs:
            raise _error(
                MergeErrorCode.WBS_MIX,
                _("Laporan WBS hanya dapat digabung dengan laporan WBS."),
            )
        if _leads_to(a, b):
            raise _error(
                MergeErrorCode.LOOP,
                _("Penggabungan ini membuat lingkaran: %(a)s sudah mengikuti %(b)s.")
                % {"a": a.number, "b": b.number},
            )
        now = timezone.now()
        sop = complaint_sop(b)
        rest = duplicate_state(sop)
        b.merged_into = a
        # Aduan's own words (A's register number), not staff text: told even when rahasia.
        with translation.override(settings.LANGUAGE_CODE):
            told = describe(ComplaintEvent(kind=EventKind.MERGED, after={"number": a.number}))
        enter_state(
            tenant=tenant,
            complaint=b,
            sop=sop,
            state=rest,
            at=now,
            also_save=["merged_into"],
            entry=Entry(
                kind=EventKind.MERGED,
                actor=actor,
                is_public=True,
                after={"merged_into": a.pk, "number": a.number, "reason": note},
            ),
            note=told,
            safe_note=True,
        )
        record_event(
            a,
            kind=EventKind.MERGE_RECEIVED,
            actor=actor,
            message=note,
            after={"duplicate": b.pk, "number": b.number},
        )
        # Duplicates of B follow A from now on (one link, never a chain).
        for earlier in Complaint.objects.select_for_update().filter(merged_into=b):
            earlier.merged_into = a
            earlier.save(update_fields=["merged_into", "updated_at"])
            record_event(
                earlier,
                kind=EventKind.MERGED,
                actor=actor,
                is_public=True,
                after={"merged_into": a.pk, "number": a.number, "via": b.number},
            )
    return b


def _leads_to(start: Complaint, target: Complaint) -> bool:
    """Does following merged_into from `start` reach `target`?"""
    seen = {start.pk}
    current = start.merged_into_id
    while current is not None and len(seen) < MAX_CHAIN:
        if current == target.pk or current in seen:
            return True
        seen.add(current)
        current = (
            Complaint.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        )
    return False
