"""Cross-tenant moves of a complaint (forward, return), the global tracking index and the
journey. The write paths are in complaints.actions.forward; this module holds the move itself,
the intake hook and the reads.

A move takes the complaint, its timeline and its attachments out of one tenant's schema into
another's, and leaves a stub (complaints.models.ForwardStub) at the origin, all in ONE database
transaction: both schemas live in one database, so the connection's search_path is switched
between them inside the same `atomic`. Attachment files are copied BEFORE the transaction (a
file system is not transactional); the copies are deleted if it fails, the originals once it
has committed. A failure anywhere leaves exactly one owner and nothing lost.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from aduan.db import tenant_db
from aduan.errors import AduanError
from aduan.models import Deadline
from complaints import register, sla
from complaints.actions.sop import do_ensure_sop_version
from complaints.audit import record_event
from complaints.models import Attachment, Complaint, ComplaintEvent, EventKind, ForwardStub
from complaints.sop import Sop
from complaints.sop_selectors import sop_of
from integrations import outbox
from tenants.models import Hop, HopKind, HopStatus, Tenant, TrackingCode

Actor = AbstractBaseUser | AnonymousUser | None

# Set by the front door while it files a complaint it has already routed.
_routed_at_intake: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "routed_at_intake", default=False
)


@contextmanager
def already_routed() -> Iterator[None]:
    token = _routed_at_intake.set(True)
    try:
        yield
    finally:
        _routed_at_intake.reset(token)


def on_filed(tenant: Tenant, complaint: Complaint) -> None:
    """Intake's hook, inside the filing transaction: index the tracking code (so it works from
    the first minute, wherever the complaint goes) and ask the router whether it belongs here.
    WBS reports are never routed."""
    TrackingCode.objects.update_or_create(code=complaint.tracking_code, defaults={"tenant": tenant})
    if complaint.is_wbs or _routed_at_intake.get():
        return
    from aduan.jobs import enqueue_on_commit
    from tenants.tasks import route_filed_complaint

    enqueue_on_commit(route_filed_complaint, tenant.schema_name, complaint.pk)


@contextmanager
def in_schema(tenant: Tenant) -> Iterator[None]:
    """Switch the connection's search_path inside the current transaction, then back."""
    previous = connection.tenant  # type: ignore[attr-defined]
    tenant_db.set_tenant(tenant)
    try:
        yield
    finally:
        tenant_db.set_tenant(previous)


def _copy_files(attachments: list[Attachment], target: Tenant) -> list[str]:
    """Copies under the target's folder, made before the move's transaction."""
    copies: list[str] = []
    try:
        for attachment in attachments:
            old = str(attachment.file.name)
            tail = old.split("/", 1)[1] if "/" in old else old
            with default_storage.open(old, "rb") as handle:
                copies.append(default_storage.save(f"{target.schema_name}/{tail}", handle))
    except BaseException:
        _delete_files(copies)
        raise
    return copies


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def fail_point(step: str) -> None:
    """Called between the steps of a move; a test makes it raise to prove the rollback."""


@dataclass
class Moved:
    complaint: Complaint
    hop: Hop


def move_complaint(
    *,
    complaint_id: int,
    origin: Tenant,
    target: Tenant,
    kind: HopKind,
    reason: str,
    actor: Actor,
    check: Any = None,
) -> Moved:
    """Move a complaint from `origin` to `target` and leave a stub behind (see the module
    docstring). `check(complaint, journey)` runs under the row lock to refuse a move."""
    with in_schema(origin):
        attachments = list(Attachment.objects.filter(complaint_id=complaint_id).order_by("pk"))
    copies = _copy_files(attachments, target)
    originals = [str(a.file.name) for a in attachments]
    try:
        with transaction.atomic():
            moved = _move_rows(
                complaint_id=complaint_id,
                origin=origin,
                target=target,
                kind=kind,
                reason=reason,
                actor=actor,
                check=check,
                copies=copies,
            )
    except BaseException:
        _delete_files(copies)
        raise
    transaction.on_commit(lambda: _delete_files(originals))
    return moved


def _move_rows(
    *,
    complaint_id: int,
    origin: Tenant,
    target: Tenant,
    kind: HopKind,
    reason: str,
    actor: Actor,
    check: Any,
    copies: list[str],
) -> Moved:
    # Public tables (Hop, TrackingCode, Deadline) are on every tenant's search_path, so the
    # move switches schemas only twice: origin → target → origin. Each switch is a round trip.
    now = timezone.now()
    with in_schema(origin):
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
        journey = list(Hop.objects.filter(tracking_code=complaint.tracking_code))
        if check is not None:
            check(complaint, journey)
        events = list(ComplaintEvent.objects.filter(complaint_id=complaint_id).order_by("at", "id"))
        attachments = list(Attachment.objects.filter(complaint_id=complaint_id).order_by("pk"))
        fail_point("read")
        held_before = any(h.from_tenant_id == target.pk for h in journey)
        with in_schema(target):
            arrived = _arrive(
                complaint, events, attachments, copies, origin, target, kind, reason, actor,
                held_before, now,
            )  # fmt: skip
        fail_point("arrived")
        _leave(complaint, target, reason, now)
        fail_point("left")
        hop = Hop.objects.create(
            tracking_code=complaint.tracking_code,
            kind=kind,
            from_tenant=origin,
            to_tenant=target,
            from_number=complaint.number,
            to_number=arrived.number,
            reason=reason,
            status=HopStatus.PENDING,
            actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
            at=now,
        )
        if not TrackingCode.objects.filter(code=complaint.tracking_code).update(tenant=target):
            TrackingCode.objects.create(code=complaint.tracking_code, tenant=target)
        # The SLA's cross-tenant deadline index follows the complaint to its new holder (a
        # complaint that started over at the receiver has its own new deadline already).
        deadline = Deadline.objects.filter(tenant=origin, complaint_id=complaint_id)
        if arrived.state != complaint.state:
            deadline.delete()
        else:
            deadline.update(tenant=target, complaint_id=arrived.pk)
        outbox.move_pending(tracking_code=complaint.tracking_code, origin=origin, target=target)
        fail_point("recorded")
    return Moved(arrived, hop)


def _arrive(
    complaint: Complaint,
    events: list[ComplaintEvent],
    attachments: list[Attachment],
    copies: list[str],
    origin: Tenant,
    target: Tenant,
    kind: HopKind,
    reason: str,
    actor: Actor,
    held_before: bool,
    now: Any,
) -> Complaint:
    """The receiver's side (its schema on the search_path): register entry, rows, event."""
    stub = (
        ForwardStub.objects.filter(tracking_code=complaint.tracking_code).first()
        if held_before
        else None
    )
    if stub is not None:
        # Coming back to a former holder: it takes its old register entry back.
        year, seq, number = stub.register_year, stub.register_seq, stub.number
        stub.delete()
    else:
        year = timezone.localtime(now).year
        seq = register.take_number(year)
        number = register.format_number(seq, register.tenant_code(target), year)
    # The SOP version is a row of the origin's schema: the complaint continues under the
    # receiver's active SOP, in the same state when the receiver's SOP has it as a working
    # step; else (a state it does not know, or an end state such as "not our authority") it
    # starts at the receiver's start, with a fresh SLA clock.
    version = do_ensure_sop_version(tenant=target)
    sop = sop_of(version, target.schema_name)
    known = sop.state(complaint.state)
    restart = known is None or known.terminal
    if not restart:
        state = complaint.state
    elif not complaint.is_complete and sop.incomplete:
        state = sop.incomplete
    else:
        state = sop.initial
    skip = {
        "id", "number", "register_year", "register_seq", "assignee_id", "sop_version_id", "state",
        "merged_into_id",  # an id in the origin's schema: meaningless at the receiver
        "team_id",  # so is the origin's team
    }  # fmt: skip
    if restart:
        skip |= set(sla.SLA_FIELDS) | {"due_at"}
    arrived = Complaint.objects.create(
        **{
            f.attname: getattr(complaint, f.attname)
            for f in Complaint._meta.concrete_fields
            if f.attname not in skip
        },
        number=number,
        register_year=year,
        register_seq=seq,
        sop_version=version,
        state=state,
    )
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(
            complaint=arrived,
            at=e.at,
            actor_id=e.actor_id,
            actor_label=e.actor_label,
            kind=e.kind,
            is_public=e.is_public,
            message=e.message,
            before=e.before,
            after=e.after,
        )
        for e in events
    )
    if attachments:
        Attachment.objects.bulk_create(
            Attachment(
                complaint=arrived,
                file=copy,
                original_name=a.original_name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                created_at=a.created_at,
            )
            for a, copy in zip(attachments, copies, strict=True)
        )
    record_event(
        arrived,
        kind=EventKind.FORWARDED,
        actor=actor,
        actor_label="" if actor is not None else "Aduan",
        message=reason,
        is_public=True,
        before={"tenant": origin.name, "number": complaint.number},
        after={"tenant": target.name, "number": number, "kind": str(kind)},
    )
    if restart:
        _start_over(arrived, complaint.state, sop, target, now)
    return arrived


def _start_over(arrived: Complaint, before: str, sop: Sop, target: Tenant, now: Any) -> None:
    """The receiver's SOP has no working step of that name: say so on the timeline and start
    the clock of its first state now (the origin's due date does not follow the complaint)."""
    entered = sop.state(arrived.state)
    assert entered is not None  # the initial and incomplete states of a validated SOP exist
    record_event(
        arrived,
        kind=EventKind.TRANSITION,
        actor_label="Aduan",
        message=_(
            "Tahap %(before)s tidak ada di SOP %(tenant)s: pengaduan mulai dari tahap awal "
            "(%(state)s); batas waktunya dihitung sejak diterima di sini."
        )
        % {"before": before, "tenant": target.name, "state": entered.label.id},
        before={"state": before},
        after={"state": arrived.state, "restarted": True},
    )
    # The receiver's own case limit (if its SOP has one) counts from here too.
    sla.on_state_entered(arrived, entered, now, case_limit=sop.case_limit, initial=sop.initial)


def _complaint_type() -> int:
    content_type_id: int = ContentType.objects.get_for_model(Complaint).pk  # cached
    return content_type_id


def _leave(complaint: Complaint, target: Tenant, reason: str, now: Any) -> None:
    """The origin's side (its schema on the search_path): the stub replaces the complaint."""
    ForwardStub.objects.create(
        number=complaint.number,
        register_year=complaint.register_year,
        register_seq=complaint.register_seq,
        tracking_code=complaint.tracking_code,
        subject=complaint.subject,
        to_tenant_id=target.pk,
        to_tenant_name=target.name,
        reason=reason,
        state_when_moved=complaint.state,
        moved_at=now,
    )
    # A move, not an edit: the timeline lives on, whole, at the receiver. Other apps' rows
    # that still point at the complaint stop the delete (PROTECT), and so the whole move.
    # The origin's object permissions on it go too (guardian keeps them by id, as text): its
    # staff keep the stub only, and no later row with a reused id could inherit a grant.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM complaints_attachment WHERE complaint_id = %s", [complaint.pk])
        cursor.execute(
            "DELETE FROM complaints_complaintevent WHERE complaint_id = %s", [complaint.pk]
        )
        cursor.execute(
            "WITH users AS (DELETE FROM guardian_userobjectpermission"
            " WHERE content_type_id = %s AND object_pk = %s)"
            " DELETE FROM guardian_groupobjectpermission"
            " WHERE content_type_id = %s AND object_pk = %s",
            [_complaint_type(), str(complaint.pk)] * 2,
        )
    if Complaint.objects.filter(merged_into_id=complaint.pk).exists():
        # Its merged duplicates stay in this register and follow it here: refuse the move
        # (rolled back whole) rather than leave them pointing nowhere.
        raise AduanError(
            "complaints.forward_has_duplicates",
            _(
                "Pengaduan ini punya pengaduan ganda yang digabungkan ke sini; pengaduan "
                "seperti ini tidak dapat diteruskan ke instansi lain."
            ),
            {"field": "complaint"},
        )
    Complaint.objects.filter(pk=complaint.pk).delete()


# --- reads ---------------------------------------------------------------------------------


def journey(tracking_code: str) -> list[Hop]:
    return list(
        Hop.objects.filter(tracking_code=tracking_code).select_related("from_tenant", "to_tenant")
    )


def pending_hop(tenant: Tenant, tracking_code: str) -> Hop | None:
    hop: Hop | None = (
        Hop.objects.filter(tracking_code=tracking_code, to_tenant=tenant, status=HopStatus.PENDING)
        .order_by("-at", "-id")
        .first()
    )
    return hop


def holder_of(tracking_code: str) -> Tenant | None:
    entry = TrackingCode.objects.filter(code=tracking_code).select_related("tenant").first()
    return entry.tenant if entry is not None else None


def current_state(tracking_code: str) -> tuple[Tenant | None, str]:
    """Where the complaint is now and its state there: the stub's read-only mirror."""
    holder = holder_of(tracking_code)
    if holder is None or holder.schema_name == get_public_schema_name():
        return None, ""
    with in_schema(holder):
        # A duplicate merged into another complaint follows that one's state.
        row = (
            Complaint.objects.filter(tracking_code=tracking_code)
            .values_list("state", "merged_into__state")
            .first()
        )
    return holder, (row[1] or row[0]) if row else ""
