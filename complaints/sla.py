"""The SLA clock of a complaint: the due date of its current step, pauses, reminders and
escalation (counting rules: complaints.sla_clock; calendar: complaints.calendar).

The clock runs per step. Entering a state of the SOP (`on_state_entered`, called only by
complaints.actions.state.enter_state inside the change's transaction; a new complaint's first
state by `start_clocks` before its row is inserted, from state.place_first_state):

- a state with a time limit starts a new step: the clock starts at the moment of entry and
  the due date follows from the limit;
- a state that `waits_for_complainant` pauses the running step (no due date, no reminders)
  until the complainant replies (`on_complainant_replied`, called by the tracking page's reply
  path) or the complaint goes back to the step's state; the step then resumes with its due
  date pushed back by the paused days;
- a terminal state, or a state without a limit, stops the clock.

The due date lives on the complaint (`due_at`, UTC) and, while one runs, in the public-schema
`complaints_public.Deadline` index, written in the same transaction: the periodic job
(`run_sla_sweep`, scheduled in complaints.tasks) reads only that table and enters only the
schemas that have a reminder or an escalation due. Each reminder and each escalation is sent
once per deadline; a new deadline (a new step, or a step resumed after a pause) may be reminded
and breached again.
A reminder goes to whoever works the complaint: its assignee in person, else each member of
its team, else the officers; an escalation goes to the heads.

When a tenant adds or removes a local holiday, the running due dates it touches are
recomputed (`recompute_due_dates`), so the stored date always matches its explanation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from aduan.db import tenant_db
from aduan.tenancy import connection_tenant
from complaints.audit import record_event
from complaints.calendar import WorkingCalendar, calendar_for, zone_label
from complaints.models import Complaint, EventKind, TeamMember
from complaints.public.models import Deadline, Notification, NotificationKind
from complaints.sla_clock import DueDate, LimitUnit, Pause, TimeLimit, compute_due
from tenants.models import Membership, Role, Tenant, TenantStatus, User

# Fields this module owns on Complaint (saved with update_fields).
SLA_FIELDS = [
    "state_entered_at",
    "sla_state",
    "sla_started_at",
    "sla_limit",
    "due_at",
    "paused_at",
    "sla_pauses",
    "case_started_at",
    "case_limit",
    "case_due_at",
    "case_pauses",
    "case_ended_at",
]
# Deadline.kind: the current step's limit, and the whole case's (the SOP's case_limit).
STEP = "step"
CASE = "case"


def remind_working_days() -> int:
    """Remind at the start of the n-th working day before the due day (default 1)."""
    return int(getattr(settings, "ADUAN_SLA_REMIND_WORKING_DAYS", 1))


def remind_hours() -> int:
    """For hour limits: remind this many hours before the due moment (default 4)."""
    return int(getattr(settings, "ADUAN_SLA_REMIND_HOURS", 4))


class StateDefinition(Protocol):
    """What the SLA needs of an SOP state (complaints.sop.State has it)."""

    @property
    def key(self) -> str: ...
    @property
    def terminal(self) -> bool: ...
    @property
    def waits_for_complainant(self) -> bool: ...
    @property
    def limit(self) -> Any: ...  # complaints.sop.Limit | None: has as_json()


def _pauses(complaint: Complaint) -> list[Pause]:
    closed = [
        Pause(dt.datetime.fromisoformat(p["start"]), dt.datetime.fromisoformat(p["end"]))
        for p in complaint.sla_pauses or []
    ]
    if complaint.paused_at is not None:
        closed.append(Pause(complaint.paused_at))
    return closed


def explain_due(complaint: Complaint, *, calendar: WorkingCalendar | None = None) -> DueDate | None:
    """The due date of the complaint's current step and why that date; None when no clock runs
    (no limit on the step, or a closed complaint)."""
    if not complaint.sla_limit or complaint.sla_started_at is None:
        return None
    calendar = calendar or calendar_for(connection_tenant())
    return compute_due(complaint.sla_started_at, complaint.sla_limit, calendar, _pauses(complaint))


class CaseLimitDefinition(Protocol):
    """What the SLA needs of an SOP's case limit (complaints.sop.CaseLimit has it)."""

    @property
    def limit(self) -> Any: ...  # complaints.sop.Limit: has as_json()
    @property
    def starts_at(self) -> str: ...
    @property
    def ends_at(self) -> tuple[str, ...]: ...


def _case_pauses(complaint: Complaint) -> list[Pause]:
    return [
        Pause(
            dt.datetime.fromisoformat(p["start"]),
            dt.datetime.fromisoformat(p["end"]) if p.get("end") else None,
        )
        for p in complaint.case_pauses or []
    ]


def explain_case_due(
    complaint: Complaint, *, calendar: WorkingCalendar | None = None
) -> DueDate | None:
    """The due date of the whole case (the SOP's case limit) and why; None when the SOP has
    none or its clock has not started (an incomplete file)."""
    if not complaint.case_limit or complaint.case_started_at is None:
        return None
    calendar = calendar or calendar_for(connection_tenant())
    return compute_due(
        complaint.case_started_at, complaint.case_limit, calendar, _case_pauses(complaint)
    )


def _case_pause(complaint: Complaint, at: dt.datetime) -> None:
    pauses = list(complaint.case_pauses or [])
    if not pauses or pauses[-1].get("end"):
        pauses.append({"start": at.isoformat(), "end": None})
    complaint.case_pauses = pauses


def _case_resume(complaint: Complaint, at: dt.datetime) -> None:
    pauses = list(complaint.case_pauses or [])
    if pauses and not pauses[-1].get("end"):
        start = dt.datetime.fromisoformat(pauses[-1]["start"])
        pauses[-1] = {"start": pauses[-1]["start"], "end": max(at, start).isoformat()}
    complaint.case_pauses = pauses


def _on_case_state(
    complaint: Complaint,
    state: StateDefinition,
    case_limit: CaseLimitDefinition | None,
    initial: str,
    at: dt.datetime,
) -> None:
    """The whole case's clock: starts once, at the limit's start state; pauses and resumes
    with the complainant like a step; stops for good at an end state or a terminal one."""
    if complaint.case_ended_at is not None:
        return
    if complaint.case_started_at is None:
        if case_limit is not None and state.key == (case_limit.starts_at or initial):
            complaint.case_started_at = at
            limit = case_limit.limit
            complaint.case_limit = limit.as_json() if hasattr(limit, "as_json") else limit
            complaint.case_pauses = []
        return
    ends_at = case_limit.ends_at if case_limit is not None else ()
    if state.terminal or state.key in ends_at:
        _case_resume(complaint, at)
        complaint.case_ended_at = at
    elif state.waits_for_complainant:
        _case_pause(complaint, at)
    else:
        _case_resume(complaint, at)


def _limit_json(state: StateDefinition) -> dict[str, int] | None:
    limit = state.limit
    if limit is None:
        return None
    raw = limit.as_json() if hasattr(limit, "as_json") else limit
    parsed = TimeLimit.parse(raw)
    return parsed.as_dict() if parsed else None


def _close_pause(complaint: Complaint, at: dt.datetime) -> None:
    if complaint.paused_at is None:
        return
    end = max(at, complaint.paused_at)
    complaint.sla_pauses = [
        *(complaint.sla_pauses or []),
        {"start": complaint.paused_at.isoformat(), "end": end.isoformat()},
    ]
    complaint.paused_at = None


def _stop(complaint: Complaint) -> None:
    complaint.sla_state = ""
    complaint.sla_started_at = None
    complaint.sla_limit = None
    complaint.paused_at = None
    complaint.sla_pauses = []


def restart_case_clock(complaint: Complaint) -> None:
    """The whole case's clock ended at closing; a reopen clears it so that it starts anew
    when the state entered is where the case limit starts (saved by on_state_entered)."""
    complaint.case_started_at = complaint.case_ended_at = complaint.case_due_at = None
    complaint.case_limit = None
    complaint.case_pauses = []


def on_state_entered(
    complaint: Complaint,
    state_definition: StateDefinition,
    at: dt.datetime,
    *,
    case_limit: CaseLimitDefinition | None = None,
    initial: str = "",
    tenant: Tenant | None = None,
) -> None:
    """Set, pause, resume or clear the clock for the state the complaint just entered, and
    the whole case's clock when the SOP has a `case_limit` (`initial`: the SOP's initial
    state, where a case limit without `starts_at` starts); call inside the transition's
    transaction. Saves the SLA fields and the deadline index."""
    _set_clocks(complaint, state_definition, at, case_limit, initial)
    _save(complaint, tenant=tenant)


@dataclass(frozen=True)
class Dues:
    """The due dates a new complaint's row is written with (`start_clocks`), for its
    deadline rows (`write_new_deadlines`)."""

    step: DueDate | None
    case: DueDate | None


def start_clocks(
    complaint: Complaint,
    state_definition: StateDefinition,
    at: dt.datetime,
    *,
    case_limit: CaseLimitDefinition | None,
    initial: str,
    tenant: Tenant,
) -> Dues:
    """A new complaint's clocks, set on its row before intake inserts it (so no UPDATE
    follows); the deadline rows need its id: `write_new_deadlines` after the insert."""
    _set_clocks(complaint, state_definition, at, case_limit, initial)
    return _set_due_dates(complaint, calendar_for(tenant))


def write_new_deadlines(tenant: Tenant, complaint: Complaint, dues: Dues) -> None:
    """The deadline rows of a complaint just inserted with `dues` (it has none to clear)."""
    if dues.step is not None:
        _sync_deadline(tenant, complaint, dues.step)
    if dues.case is not None:
        _sync_deadline(tenant, complaint, dues.case, kind=CASE)


def _set_clocks(
    complaint: Complaint,
    state: StateDefinition,
    at: dt.datetime,
    case_limit: CaseLimitDefinition | None,
    initial: str,
) -> None:
    _on_case_state(complaint, state, case_limit, initial, at)
    complaint.state_entered_at = at
    if state.terminal:
        _stop(complaint)
    elif state.waits_for_complainant:
        if complaint.sla_started_at is not None and complaint.paused_at is None:
            complaint.paused_at = at
    elif state.key == complaint.sla_state and (complaint.paused_at or complaint.sla_pauses):
        # Back in the step that was waiting for the complainant: it goes on, not anew.
        _close_pause(complaint, at)
    else:
        _stop(complaint)
        limit = _limit_json(state)
        if limit is not None:
            complaint.sla_state = state.key
            complaint.sla_started_at = at
            complaint.sla_limit = limit


def on_complainant_replied(complaint: Complaint, at: dt.datetime) -> None:
    """The complainant answered: a paused clock resumes (the due date moves by the paused
    days). Call inside the reply's transaction; does nothing when no clock is paused."""
    if complaint.paused_at is None and not (
        complaint.case_pauses and not complaint.case_pauses[-1].get("end")
    ):
        return
    _close_pause(complaint, at)
    if complaint.case_ended_at is None:
        _case_resume(complaint, at)
    _save(complaint)


def _set_due_dates(complaint: Complaint, calendar: WorkingCalendar) -> Dues:
    due = explain_due(complaint, calendar=calendar)
    complaint.due_at = due.due_at if due else None
    case_due = (
        explain_case_due(complaint, calendar=calendar) if complaint.case_ended_at is None else None
    )
    complaint.case_due_at = case_due.due_at if case_due else None
    return Dues(due, case_due)


def _save(
    complaint: Complaint,
    *,
    tenant: Tenant | None = None,
    calendar: WorkingCalendar | None = None,
) -> None:
    tenant = tenant or connection_tenant()
    dues = _set_due_dates(complaint, calendar or calendar_for(tenant))
    # Inside the caller's transaction when there is one: no savepoint of its own.
    with transaction.atomic(savepoint=False):
        complaint.save(update_fields=[*SLA_FIELDS, "updated_at"])
        _sync_deadline(tenant, complaint, dues.step)
        _sync_deadline(tenant, complaint, dues.case, kind=CASE)


def _remind_at(due: DueDate) -> dt.datetime:
    assert due.due_at is not None
    if due.limit.unit == LimitUnit.HOURS:
        at = due.due_at - dt.timedelta(hours=remind_hours())
    else:
        calendar = due.calendar
        due_day = calendar.local_date(due.due_at)
        if due.limit.unit == LimitUnit.WORKING_DAYS:
            day = calendar.working_days_before(due_day, remind_working_days())
        else:
            day = due_day - dt.timedelta(days=remind_working_days())
        at = calendar.start_of_day(day)
    return max(at, due.start)


def _sync_deadline(
    tenant: Tenant, complaint: Complaint, due: DueDate | None, *, kind: str = STEP
) -> None:
    """One statement: delete the deadline, or upsert it (an unchanged deadline keeps what was
    sent for it: its reminder and escalation marks stay)."""
    table = connection.ops.quote_name(Deadline._meta.db_table)
    with connection.cursor() as cursor:
        if due is None or due.due_at is None:
            cursor.execute(
                f"DELETE FROM {table} WHERE tenant_id = %s AND complaint_id = %s"  # noqa: S608
                " AND kind = %s",
                [tenant.pk, complaint.pk, kind],
            )
            return
        state = complaint.sla_state if kind == STEP else CASE
        cursor.execute(
            f"INSERT INTO {table} AS d (tenant_id, complaint_id, kind, state, due_at,"  # noqa: S608
            " remind_at, reminded_at, escalated_at) VALUES (%s, %s, %s, %s, %s, %s, NULL, NULL)"
            " ON CONFLICT (tenant_id, complaint_id, kind) DO UPDATE SET state = EXCLUDED.state,"
            " due_at = EXCLUDED.due_at, remind_at = EXCLUDED.remind_at, reminded_at = NULL,"
            " escalated_at = NULL WHERE (d.due_at, d.state) IS DISTINCT FROM"
            " (EXCLUDED.due_at, EXCLUDED.state)",
            [tenant.pk, complaint.pk, kind, state, due.due_at, _remind_at(due)],
        )


def recompute_due_dates(tenant: Tenant, since: dt.date) -> int:
    """Recompute the running due dates of `tenant` that fall on or after `since` (its calendar
    changed on that day). Reads the public index, enters only this tenant's schema; returns
    how many complaints were looked at."""
    calendar = calendar_for(tenant)
    ids = list(
        Deadline.objects.filter(
            tenant=tenant, due_at__gte=calendar.start_of_day(since)
        ).values_list("complaint_id", flat=True)
    )
    if not ids:
        return 0
    with schema_context(tenant.schema_name), transaction.atomic():
        for complaint in Complaint.objects.filter(pk__in=ids).select_for_update().order_by("pk"):
            _save(complaint, tenant=tenant, calendar=calendar)
    return len(ids)


# --- the periodic job ---------------------------------------------------------------------


@dataclass
class SweepReport:
    """What one run of the job did: the schemas it entered and what it sent."""

    schemas: list[str] = field(default_factory=list)
    reminded: list[tuple[str, int]] = field(default_factory=list)
    escalated: list[tuple[str, int]] = field(default_factory=list)


def _owed(now: dt.datetime) -> Q:
    return Q(remind_at__lte=now, reminded_at__isnull=True) | Q(
        due_at__lte=now, escalated_at__isnull=True
    )


def run_sla_sweep(now: dt.datetime | None = None) -> SweepReport:
    """Send the reminders and escalations that are due. One query on the public index finds
    the tenants concerned; only their schemas are entered. Safe to run concurrently and again:
    rows are locked (skip locked) and marked sent in the transaction that writes the event."""
    now = now or timezone.now()
    report = SweepReport()
    tenant_db.set_schema_to_public()
    tenant_ids = set(Deadline.objects.filter(_owed(now)).values_list("tenant_id", flat=True))
    if not tenant_ids:
        return report
    tenants = Tenant.objects.filter(pk__in=tenant_ids, status=TenantStatus.ACTIVE).select_related(
        "region"
    )
    for tenant in tenants.order_by("schema_name"):
        report.schemas.append(tenant.schema_name)
        with schema_context(tenant.schema_name):
            _sweep_tenant(tenant, now, report)
    return report


def _recipients(tenant: Tenant, *roles: Role) -> list[User]:
    for role in roles:  # the first role that has anyone
        users = list(
            User.objects.filter(
                pk__in=Membership.objects.filter(tenant=tenant, role=role).values("user_id"),
                is_active=True,
            ).order_by("pk")
        )
        if users:
            return users
    return []


def _reminded(tenant: Tenant, complaint: Complaint) -> list[User]:
    """Who works the complaint: the person it is assigned to, else the members of its team
    (each once), else the officers (the admins when there is none)."""
    if complaint.assignee_id:
        users = list(User.objects.filter(pk=complaint.assignee_id, is_active=True))
        if users:
            return users
    if complaint.team_id:
        members = TeamMember.objects.filter(team_id=complaint.team_id).values("user_id")
        # Members who have left the tenant keep no membership here: they are not reminded.
        users = list(
            User.objects.filter(
                pk__in=members,
                is_active=True,
                memberships__tenant=tenant,
            )
            .distinct()
            .order_by("pk")
        )
        if users:
            return users
    if complaint.is_wbs:
        # A WBS report exists for WBS officers only (complaints.wbs).
        return _recipients(tenant, Role.WBS_OFFICER)
    return _recipients(tenant, Role.OFFICER, Role.TENANT_ADMIN)


def _sweep_tenant(tenant: Tenant, now: dt.datetime, report: SweepReport) -> None:
    calendar = calendar_for(tenant)
    with transaction.atomic():
        rows = list(
            Deadline.objects.select_for_update(skip_locked=True)
            .filter(_owed(now), tenant=tenant)
            .order_by("due_at", "pk")
        )
        complaints = Complaint.objects.in_bulk([row.complaint_id for row in rows])
        for row in rows:
            complaint = complaints.get(row.complaint_id)
            case = row.kind == CASE
            current = None if complaint is None else (
                complaint.case_due_at if case else complaint.due_at
            )  # fmt: skip
            if complaint is None or current != row.due_at:
                row.delete()  # stale: the complaint moved on (its own index row is current)
                continue
            if row.due_at <= now and row.escalated_at is None:
                _escalate(tenant, complaint, calendar, now, case=case)
                row.escalated_at = now
                row.reminded_at = row.reminded_at or now  # no reminder after the breach
                report.escalated.append((tenant.schema_name, complaint.pk))
            elif row.reminded_at is None:
                _remind(tenant, complaint, calendar, now, case=case)
                row.reminded_at = now
                report.reminded.append((tenant.schema_name, complaint.pk))
            row.save(update_fields=["reminded_at", "escalated_at"])


def _due_text(complaint: Complaint, calendar: WorkingCalendar, *, case: bool = False) -> str:
    due_at = complaint.case_due_at if case else complaint.due_at
    assert due_at is not None
    local = due_at.astimezone(calendar.zone)
    return f"{local:%d-%m-%Y %H:%M} {zone_label(calendar.zone)}"


def _notify(
    tenant: Tenant,
    users: list[User],
    kind: NotificationKind,
    complaint: Complaint,
    title: str,
    body: str,
    now: dt.datetime,
) -> None:
    Notification.objects.bulk_create(
        Notification(
            tenant=tenant,
            recipient=user,
            kind=kind,
            complaint_id=complaint.pk,
            title=title,
            body=body,
            created_at=now,
        )
        for user in users
    )


def _subject(complaint: Complaint) -> str:
    # A staff notification of a WBS report carries no content.
    return str(_("laporan WBS")) if complaint.is_wbs else complaint.subject


def _remind(
    tenant: Tenant,
    complaint: Complaint,
    calendar: WorkingCalendar,
    now: dt.datetime,
    *,
    case: bool = False,
) -> None:
    # Stored text is in the source language: the recipients' language is not known here.
    with translation.override(settings.LANGUAGE_CODE):
        due = _due_text(complaint, calendar, case=case)
        values = {"number": complaint.number, "subject": _subject(complaint), "due": due}
        if case:
            title = _("Pengingat batas waktu penyelesaian %(number)s") % values
            body = (
                _(
                    "Batas waktu penyelesaian seluruh pengaduan %(number)s (%(subject)s) jatuh "
                    "tempo %(due)s."
                )
                % values
            )
        else:
            title = _("Pengingat batas waktu %(number)s") % values
            body = _("Pengaduan %(number)s (%(subject)s) jatuh tempo %(due)s.") % values
    users = _reminded(tenant, complaint)
    due_at = complaint.case_due_at if case else complaint.due_at
    record_event(
        complaint,
        kind=EventKind.SLA_REMINDER,
        actor_label="SLA",
        message=body,
        after={
            "due_at": due_at.isoformat() if due_at else None,
            "recipients": [u.pk for u in users],
            "scope": CASE if case else STEP,
        },
    )
    _notify(tenant, users, NotificationKind.SLA_REMINDER, complaint, title, body, now)


def _escalate(
    tenant: Tenant,
    complaint: Complaint,
    calendar: WorkingCalendar,
    now: dt.datetime,
    *,
    case: bool = False,
) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        due = _due_text(complaint, calendar, case=case)
        values = {
            "number": complaint.number,
            "subject": _subject(complaint),
            "due": due,
            "state": complaint.sla_state if not case else complaint.state,
        }
        if case:
            title = _("Lewat batas waktu penyelesaian: %(number)s") % values
            body = (
                _(
                    "Pengaduan %(number)s (%(subject)s) belum selesai dalam batas waktu "
                    "penyelesaian %(due)s (tahap sekarang %(state)s)."
                )
                % values
            )
        else:
            title = _("Lewat batas waktu: %(number)s") % values
            body = (
                _(
                    "Pengaduan %(number)s (%(subject)s) melewati batas waktu %(due)s pada tahap "
                    "%(state)s."
                )
                % values
            )
    # A late WBS report is escalated among WBS officers: the head and the admins do not see it.
    users = (
        _recipients(tenant, Role.WBS_OFFICER)
        if complaint.is_wbs
        else _recipients(tenant, Role.HEAD, Role.TENANT_ADMIN)
    )
    due_at = complaint.case_due_at if case else complaint.due_at
    record_event(
        complaint,
        kind=EventKind.SLA_ESCALATED,
        actor_label="SLA",
        message=body,
        after={
            "due_at": due_at.isoformat() if due_at else None,
            "recipients": [u.pk for u in users],
            "scope": CASE if case else STEP,
        },
    )
    _notify(tenant, users, NotificationKind.SLA_ESCALATION, complaint, title, body, now)
