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

import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name
from psycopg import sql

from aduan import envelope
from aduan.db import tenant_db
from aduan.errors import AduanError
from complaints import register, search, sla
from complaints.actions.sop import do_ensure_sop_version
from complaints.actions.state import Entry, enter_state
from complaints.audit import actor_name
from complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    EventKind,
    ForwardStub,
    new_tracking_code,
)
from complaints.notifications import on_moved
from complaints.public.moves import deadlines_follow_sql, receipts_follow_sql
from complaints.sealing import data_key_of
from complaints.selectors import sop_by_id, sop_of
from complaints.sop import Sop
from complaints.storage import record_moved
from complaints.wbs import WBS_PURPOSE
from integrations.notify import unsent_follow_sql
from routing.models import Hop, HopKind, HopStatus, TrackingCode, TriageEntry, TriageStatus
from routing.selectors import journey, lapor_referral, tracking_entry
from tenants.models import Tenant
from tenants.permissions import grants_dropped_sql

Actor = AbstractBaseUser | AnonymousUser | None


def claim_tracking_code(tenant: Tenant, complaint: Complaint) -> None:
    """Intake's hook, inside the filing transaction, before the row is written: a tracking
    code no complaint on the platform holds, claimed in the platform's index in one statement
    (so it works from the first minute, wherever the complaint goes; a clash, one in 2**47,
    draws again). Not for a WBS report: it is reached by its receipt key only."""
    table = connection.ops.quote_name(TrackingCode._meta.db_table)
    contacts = contacts_of(complaint)
    while True:
        code = new_tracking_code()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (code, tenant_id, created_at, updated_at, contacts)"  # noqa: S608
                " VALUES (%s, %s, now(), now(), %s::varchar(24)[])"
                " ON CONFLICT (code) DO NOTHING RETURNING code",
                [code, tenant.pk, contacts],
            )
            if cursor.fetchone() is not None:
                complaint.tracking_code = code
                return


def contacts_of(complaint: Complaint) -> list[str]:
    """The platform-wide blind indexes of the complaint's phone and e-mail (none once erased)."""
    if complaint.erased_at is not None:
        return []
    return envelope.contact_index(phone=complaint.phone, email=complaint.email)


def reindex_contacts(complaint: Complaint) -> None:
    """After a correction or an erasure: the tracking-code resend follows the contact on file."""
    TrackingCode.objects.filter(code=complaint.tracking_code).update(
        contacts=contacts_of(complaint)
    )


@contextmanager
def in_schema(tenant: Tenant) -> Iterator[None]:
    """Switch the connection's search_path inside the current transaction, then back. Already
    there: nothing to do (switching again would cost another `SET search_path` round trip)."""
    previous = connection.tenant  # type: ignore[attr-defined]
    if isinstance(previous, Tenant) and previous.pk == tenant.pk:
        yield
        return
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


class _AttachmentsChangedError(Exception):
    """A file was added between the read of the attachments and the row lock: move again."""


ATTEMPTS = 3


def move_complaint(
    *,
    complaint_id: int,
    origin: Tenant,
    target: Tenant,
    kind: HopKind,
    reason: str,
    actor: Actor,
    check: Any = None,
    close_triage: bool = False,
) -> Moved:
    """Move a complaint from `origin` to `target` and leave a stub behind (see the module
    docstring). `check(complaint, journey)` runs under the row lock to refuse a move;
    `close_triage` marks its open triage entry decided, in the same transaction."""
    for attempt in range(1, ATTEMPTS + 1):
        with in_schema(origin):
            attachments = list(Attachment.objects.filter(complaint_id=complaint_id).order_by("pk"))
            copies = _copy_files(attachments, target)
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
                        attachments=attachments,
                        copies=copies,
                        close_triage=close_triage,
                    )
                    record_moved(attachments, origin, target)
            except _AttachmentsChangedError:
                _delete_files(copies)
                if attempt == ATTEMPTS:
                    raise
                continue
            except BaseException:
                _delete_files(copies)
                raise
        originals = [str(a.file.name) for a in attachments]
        transaction.on_commit(functools.partial(_delete_files, originals))
        return moved
    raise AssertionError("unreachable")  # pragma: no cover


def _move_rows(
    *,
    complaint_id: int,
    origin: Tenant,
    target: Tenant,
    kind: HopKind,
    reason: str,
    actor: Actor,
    check: Any,
    attachments: list[Attachment],
    copies: list[str],
    close_triage: bool,
) -> Moved:
    # Round trips are what a move costs (bench_forward), so: the connection is already on the
    # origin's schema; it switches once, to the target's; the origin's and the public tables
    # are then written by schema-qualified statements, one for each side.
    now = timezone.now()
    # The row lock, whether duplicates were merged into it, and the journey so far (the
    # public table, on the search_path): one read.
    complaint = (
        Complaint.objects.select_for_update(of=("self",))
        .annotate(
            has_duplicates=Exists(Complaint.objects.filter(merged_into_id=OuterRef("pk"))),
            journey=ArraySubquery(
                Hop.objects.filter(tracking_code=OuterRef("tracking_code"))
                .order_by("at", "id")
                .values(
                    json=JSONObject(
                        id="id",
                        kind="kind",
                        from_tenant_id="from_tenant_id",
                        to_tenant_id="to_tenant_id",
                        status="status",
                    )
                )
            ),
        )
        .get(pk=complaint_id)
    )
    journey = [Hop(tracking_code=complaint.tracking_code, **step) for step in complaint.journey]
    if check is not None:
        check(complaint, journey)
    if complaint.has_duplicates:
        # Its merged duplicates stay in this register and follow it here: refuse the move
        # (before anything is written) rather than leave them pointing nowhere.
        raise AduanError(
            "complaints.forward_has_duplicates",
            _(
                "Pengaduan ini punya pengaduan ganda yang digabungkan ke sini; pengaduan "
                "seperti ini tidak dapat diteruskan ke instansi lain."
            ),
            {"field": "complaint"},
        )
    fail_point("read")
    held_before = any(h.from_tenant_id == target.pk for h in journey)
    data_key_of(complaint)  # opened by the origin's tenant key, while on the origin's schema
    with in_schema(target):
        arrived = _arrive(
            complaint, attachments, copies, origin, target, kind, reason, actor, held_before, now
        )
        fail_point("arrived")
        _leave(complaint, origin, target, reason, now, [a.pk for a in attachments])
        fail_point("left")
        hop, receipts = _record(
            complaint, arrived, origin, target, kind, reason, actor, now, close_triage=close_triage
        )
        if receipts:
            # Its receipt has not gone out yet: it tells the receiver's name and number now.

            on_moved(tenant=target, complaint=arrived, receipt_ids=receipts)
        fail_point("recorded")
    return Moved(arrived, hop)


def _table(schema: str, model: type[Model]) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(model._meta.db_table))


def _with(*, then: sql.Composable, **parts: sql.Composable) -> sql.Composed:
    """One statement of data-modifying parts (each owner's fragment, named here) and a final
    query: PostgreSQL runs every part, on one snapshot, in one round trip."""
    named = (sql.SQL("{} AS ({})").format(sql.SQL(name), part) for name, part in parts.items())
    return sql.SQL("WITH {} {}").format(sql.SQL(", ").join(named), then)


def _bound(statement: sql.Composable) -> tuple[sql.Composable, list[Any]]:
    """The statement with each of its owners' literal values turned into a parameter, in
    order: the text is then the same for every move between the same two tenants, so psycopg
    prepares it once (a statement of inlined values is planned anew each time), and a value
    travels as a parameter, never as SQL text."""
    if isinstance(statement, sql.Literal):
        return sql.Placeholder(), [statement._obj]  # its value (psycopg keeps no public name)
    if isinstance(statement, sql.Composed):
        parts: list[sql.Composable] = []
        params: list[Any] = []
        for part in statement:
            bound, values = _bound(part)
            parts.append(bound)
            params.extend(values)
        return sql.Composed(parts), params
    return statement, []


EVENT_COLUMNS = (
    "at", "actor_id", "actor_label", "kind", "is_public", "message", "before", "after",
)  # fmt: skip


def _arrive(
    complaint: Complaint,
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
        version_id, digest = None, None
    else:
        year = timezone.localtime(now).year
        taken = register.take_number_and_active_sop(year, WBS_PURPOSE if complaint.is_wbs else "")
        seq, version_id, digest = taken.seq, taken.sop_id, taken.sop_digest
        number = register.format_number(seq, register.tenant_code(target), year)
    # The SOP version is a row of the origin's schema: the complaint continues under the
    # receiver's active SOP, in the same state when the receiver's SOP has it as a working
    # step; else (a state it does not know, or an end state such as "not our authority") it
    # starts at the receiver's start, with a fresh SLA clock.
    if version_id is None:
        version = do_ensure_sop_version(
            tenant=target, purpose=WBS_PURPOSE if complaint.is_wbs else ""
        )
        version_id = version.pk
        sop = sop_of(version, target.schema_name)
    else:
        sop = sop_by_id(version_id, target.schema_name, digest)
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
        "data_key",  # wrapped by the origin's tenant key: re-wrapped for the receiver below
        "search_vector",  # PostgreSQL's own (a generated column)
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
        sop_version_id=version_id,
        state=state,
        # The same data key (so the timeline copied below still opens), now opened by the
        # receiver's tenant key and no longer by the origin's.
        data_key=envelope.rewrap_data_key(
            complaint.data_key, origin=origin.schema_name, target=target.schema_name
        ),
    )
    # The timeline is copied inside the database (one statement, nothing over the wire), the
    # forward's own entry last; the same columns complaints.audit.record_event writes.
    forwarded = {
        "at": now,
        "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "actor_label": actor_name(actor) if actor is not None else "Aduan",
        "kind": str(EventKind.FORWARDED),
        "is_public": True,
        "message": reason,
        "before": json.dumps({"tenant": origin.name, "number": complaint.number}),
        "after": json.dumps({"tenant": target.name, "number": number, "kind": str(kind)}),
    }
    columns = sql.SQL(", ").join(map(sql.Identifier, EVENT_COLUMNS))
    files: sql.Composable = sql.SQL("")
    file_params: list[Any] = []
    if attachments:
        # The attachment rows ride along in the same statement.
        files = sql.SQL(
            "WITH files AS (INSERT INTO {} (complaint_id, file, original_name, content_type,"
            " size, sha256, created_at, is_response, redacted) VALUES {}) "
        ).format(
            sql.Identifier(Attachment._meta.db_table),
            sql.SQL(", ").join(
                sql.SQL("(%s, %s, %s, %s, %s, %s, %s, %s, %s)") for _ in attachments
            ),
        )
        for a, copy in zip(attachments, copies, strict=True):
            file_params += [
                arrived.pk, copy, a.original_name, a.content_type, a.size, a.sha256, a.created_at,
                a.is_response, a.redacted,  # a response file and a redaction travel as they are
            ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "{files}INSERT INTO {events} (complaint_id, {columns})"
                " SELECT %s, {columns} FROM ("
                " SELECT 0 AS part, id, {columns} FROM {origin_events} WHERE complaint_id = %s"
                " UNION ALL SELECT 1, 0, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb"
                ") AS timeline ORDER BY part, at, id"
            )
            .format(
                files=files,
                events=sql.Identifier(ComplaintEvent._meta.db_table),
                columns=columns,
                origin_events=_table(origin.schema_name, ComplaintEvent),
            )
            .as_string(cursor.connection),
            [
                *file_params,
                arrived.pk,
                complaint.pk,
                *(forwarded[c] for c in EVENT_COLUMNS),
            ],
        )
    # The receiver's search document (its number, the copied timeline) and vocabulary.
    search.refresh_document(arrived.pk)
    if restart:
        _start_over(arrived, complaint.state, sop, target, now)
    return arrived


def _start_over(arrived: Complaint, before: str, sop: Sop, target: Tenant, now: Any) -> None:
    """The receiver's SOP has no working step of that name: say so on the timeline and start
    the clock of its first state now (the origin's due date does not follow the complaint)."""
    entered = sop.state(arrived.state)
    assert entered is not None  # the initial and incomplete states of a validated SOP exist
    # The receiver's own case limit (if its SOP has one) counts from here too.
    enter_state(
        tenant=target,
        complaint=arrived,
        sop=sop,
        state=entered,
        at=now,
        arrived=True,
        entry=Entry(
            kind=EventKind.TRANSITION,
            actor_label="Aduan",
            message=_(
                "Tahap %(before)s tidak ada di SOP %(tenant)s: pengaduan mulai dari tahap awal "
                "(%(state)s); batas waktunya dihitung sejak diterima di sini."
            )
            % {"before": before, "tenant": target.name, "state": entered.label.id},
            before={"state": before},
            after={"restarted": True},
        ),
    )


def _leave(
    complaint: Complaint,
    origin: Tenant,
    target: Tenant,
    reason: str,
    now: Any,
    attachment_ids: list[int],
) -> None:
    """The origin's side, in one statement on its schema: the stub replaces the complaint.

    A move, not an edit: the timeline lives on, whole, at the receiver. Rows of other tables
    that still point at the complaint fail the foreign keys at commit, and so the whole move.
    The origin's object permissions on it go too (guardian keeps them by id, as text): its
    staff keep the stub only, and no later row with a reused id could inherit a grant."""
    schema = origin.schema_name
    grants = grants_dropped_sql(schema=schema, model=Complaint, object_pk=complaint.pk)
    stub = (
        complaint.number,
        complaint.register_year,
        complaint.register_seq,
        complaint.tracking_code,
        complaint.subject,
        target.pk,
        target.name,
        reason,
        complaint.state,
        now,
    )
    statement = _with(
        stub=sql.SQL(
            "INSERT INTO {} (number, register_year, register_seq, tracking_code, subject,"
            " to_tenant_id, to_tenant_name, reason, state_when_moved, moved_at) VALUES ({})"
        ).format(_table(schema, ForwardStub), sql.SQL(", ").join(map(sql.Literal, stub))),
        files=sql.SQL("DELETE FROM {} WHERE complaint_id = {} RETURNING id").format(
            _table(schema, Attachment), sql.Literal(complaint.pk)
        ),
        timeline=sql.SQL("DELETE FROM {} WHERE complaint_id = {}").format(
            _table(schema, ComplaintEvent), sql.Literal(complaint.pk)
        ),
        grants=grants,
        complaint=sql.SQL("DELETE FROM {} WHERE id = {}").format(
            _table(schema, Complaint), sql.Literal(complaint.pk)
        ),
        then=sql.SQL("SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM files"),
    )
    with connection.cursor() as cursor:
        cursor.execute(*_bound(statement))
        row = cursor.fetchone()
    deleted = list(row[0]) if row else []
    if deleted != attachment_ids:
        raise _AttachmentsChangedError(complaint.pk)


def _record(
    complaint: Complaint,
    arrived: Complaint,
    origin: Tenant,
    target: Tenant,
    kind: HopKind,
    reason: str,
    actor: Actor,
    now: Any,
    *,
    close_triage: bool,
) -> tuple[Hop, list[int]]:
    """The public side, in one statement: the journey's step, the tracking index, the SLA's
    deadline index (a complaint that started over has its own new deadline already) and the
    citizen's notifications not yet sent, which go out as the new holder's (its reply
    address, its WhatsApp number), still once each: the row keeps its key, and a row being
    sent right now is locked, so this waits and then leaves it alone (no longer pending).
    Failed ones (attempts used up) move too: only the holder may retry them, in its name, on
    its failed-messages page; the origin no longer has the complaint to speak for. Returns
    the hop and the ids of the moved receipts, whose text named the origin (see on_moved)."""
    public = get_public_schema_name()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    restarted = arrived.state != complaint.state
    step = (
        complaint.tracking_code,
        str(kind),
        origin.pk,
        target.pk,
        complaint.number,
        arrived.number,
        reason,
        str(HopStatus.PENDING),
        "",
        actor_id,
        now,
    )
    parts: dict[str, sql.Composable] = {
        "hop": sql.SQL(
            "INSERT INTO {} (tracking_code, kind, from_tenant_id, to_tenant_id, from_number,"
            " to_number, reason, status, decision_reason, actor_id, at) VALUES ({})"
            " RETURNING id"
        ).format(_table(public, Hop), sql.SQL(", ").join(map(sql.Literal, step))),
        "code": sql.SQL(
            "INSERT INTO {} (code, tenant_id, created_at, updated_at, contacts)"
            " VALUES ({}, {}, {}, {}, {})"
            " ON CONFLICT (code)"
            " DO UPDATE SET tenant_id = EXCLUDED.tenant_id, updated_at = EXCLUDED.updated_at"
        ).format(
            _table(public, TrackingCode),
            *map(
                sql.Literal,
                (complaint.tracking_code, target.pk, now, now, contacts_of(complaint)),
            ),
        ),
        # A complaint that started over has its own new deadline already.
        "deadline": deadlines_follow_sql(
            origin_id=origin.pk,
            complaint_id=complaint.pk,
            target_id=target.pk,
            arrived_id=arrived.pk,
            keep=not restarted,
        ),
        "outbox": unsent_follow_sql(
            tracking_code=complaint.tracking_code, origin_id=origin.pk, target_id=target.pk
        ),
    }
    if complaint.is_wbs:
        # A WBS report is reached by its receipt key, never by a tracking code: its key
        # follows it (the hand-over to the inspectorate), its code is not indexed.
        del parts["code"]
        parts["receipt_key"] = receipts_follow_sql(
            origin_id=origin.pk,
            complaint_id=complaint.pk,
            target_id=target.pk,
            arrived_id=arrived.pk,
        )
    if close_triage:
        parts["triage"] = sql.SQL(
            "UPDATE {} SET status = {}, decided_at = {} WHERE tracking_code = {} AND status = {}"
        ).format(
            _table(public, TriageEntry),
            *map(
                sql.Literal,
                (str(TriageStatus.DONE), now, complaint.tracking_code, str(TriageStatus.OPEN)),
            ),
        )
    statement = _with(
        **parts,
        then=sql.SQL("SELECT id, ARRAY(SELECT id FROM outbox WHERE receipt) FROM hop"),
    )
    with connection.cursor() as cursor:
        cursor.execute(*_bound(statement))
        row = cursor.fetchone()
    assert row is not None
    hop = Hop(
        id=row[0],
        tracking_code=complaint.tracking_code,
        kind=kind,
        from_tenant=origin,
        to_tenant=target,
        from_number=complaint.number,
        to_number=arrived.number,
        reason=reason,
        status=HopStatus.PENDING,
        decision_reason="",
        actor_id=actor_id,
        at=now,
    )
    return hop, list(row[1])


# --- reads ---------------------------------------------------------------------------------


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


def platform_track(code: str) -> dict[str, Any] | None:
    """Where a tracking code's complaint is now, its state there and its journey."""
    code = code.strip().upper()
    if tracking_entry(code) is None:
        return None
    holder, state = current_state(code)
    referral = lapor_referral(code)
    return {
        "tracking_code": code,
        "holder": holder.name if holder is not None else None,
        "holder_tenant": holder,
        "state": state,
        "lapor": referral is not None,
        # SP4N-LAPOR!'s TrackingID once it was sent there (integrations.lapor.referrals).
        "lapor_tracking_id": referral.lapor_tracking_id if referral is not None else "",
        "journey": journey(code),
    }
