"""The SLA clock on complaints: due dates per step, pauses, the deadline index, and the job
that reminds and escalates once (frozen clock, real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from dramatiq_crontab import scheduler

from aduan.db import tenant_db
from complaints.actions.assign import do_assign_complaint
from complaints.actions.holidays import do_add_local_holiday, do_remove_local_holiday
from complaints.actions.intake import do_file_complaint
from complaints.actions.teams import do_assign_team, do_save_team
from complaints.calendar import WIB, WIT
from complaints.models import Complaint, ComplaintEvent
from complaints.public.models import Deadline, Notification
from complaints.sla import explain_due, on_complainant_replied, on_state_entered, run_sla_sweep
from complaints.sop import Label, Limit, State
from complaints.tasks import sla_sweep
from tenants import regions
from tenants.models import Role, Tenant, TenantKind
from tests.factories import TenantFactory, make_member

pytestmark = pytest.mark.django_db

VERIFY = State(
    key="verification", label=Label("Verifikasi", "Verification"), limit=Limit("working_days", 5)
)
CLASSIFY = State(
    key="classification",
    label=Label("Klasifikasi", "Classification"),
    limit=Limit("working_days", 2),
)
WAITING = State(
    key="waiting", label=Label("Menunggu pelapor", "Waiting"), waits_for_complainant=True
)
CLOSED = State(key="closed", label=Label("Selesai", "Closed"), terminal=True)
NO_LIMIT = State(key="meeting", label=Label("Rapat", "Meeting"))


def wib(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=WIB)


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    with time_machine.travel(moment, tick=False):
        yield moment


def file_complaint(tenant: Tenant, subject: str = "Jalan rusak") -> Complaint:
    with schema_context(tenant.schema_name):
        return do_file_complaint(
            tenant=tenant,
            channel="web",
            name="Siti Aminah",
            address="Jl. Merdeka 1, Babakan",
            phone="081234567890",
            subject=subject,
            description="Jalan desa berlubang sejak Januari.",
        )


def enter(tenant: Tenant, complaint: Complaint, state: State, moment: dt.datetime) -> Complaint:
    with at(moment), schema_context(tenant.schema_name):
        complaint.state = state.key
        complaint.save(update_fields=["state"])
        on_state_entered(complaint, state, moment)
        return Complaint.objects.get(pk=complaint.pk)


def schemas_entered(queries: CaptureQueriesContext) -> set[str]:
    """Tenant schemas put on the search path while the queries were captured."""
    found = set()
    for query in queries.captured_queries:
        if query["sql"].startswith("SET search_path"):
            found.update(re.findall(r'"(t_[a-z0-9_]+)"', query["sql"]))
    return found


def deadline_of(tenant: Tenant, complaint: Complaint) -> Deadline | None:
    tenant_db.set_schema_to_public()
    return Deadline.objects.filter(tenant=tenant, complaint_id=complaint.pk).first()


def events(tenant: Tenant, complaint: Complaint, kind: str) -> list[ComplaintEvent]:
    with schema_context(tenant.schema_name):
        return list(ComplaintEvent.objects.filter(complaint_id=complaint.pk, kind=kind))


def test_entering_a_step_sets_its_due_date_and_indexes_it(tenant_factory: TenantFactory) -> None:
    # Given a complaint in a Central Java (WIB) tenant, before Nyepi and Idul Fitri 2026
    tenant = tenant_factory()
    with at(wib(2026, 3, 17, 10)):
        complaint = file_complaint(tenant)
    # When it enters verification (5 working days) at 10:00 WIB on 17 March
    complaint = enter(tenant, complaint, VERIFY, wib(2026, 3, 17, 10))
    # Then it is due at the end of 31 March WIB, stored in UTC, and indexed with a reminder at
    # the start of the working day before
    assert complaint.state_entered_at == wib(2026, 3, 17, 10)
    assert complaint.due_at == dt.datetime(2026, 3, 31, 16, 59, 59, tzinfo=dt.UTC)
    deadline = deadline_of(tenant, complaint)
    assert deadline is not None
    assert (deadline.state, deadline.due_at, deadline.remind_at) == (
        "verification",
        complaint.due_at,
        wib(2026, 3, 30),
    )
    assert (deadline.reminded_at, deadline.escalated_at) == (None, None)
    # And the explanation lists what was skipped around Idul Fitri
    with schema_context(tenant.schema_name):
        due = explain_due(complaint)
    assert due is not None
    assert [(d.date.isoformat(), d.kind.value) for d in due.skipped][:3] == [
        ("2026-03-18", "cuti_bersama"),
        ("2026-03-19", "national_holiday"),
        ("2026-03-20", "cuti_bersama"),
    ]


def test_pause_while_waiting_for_the_complainant_shifts_the_due_date(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint in verification since Monday 2 November 2026 09:00 (due Monday 9th)
    tenant = tenant_factory()
    with at(wib(2026, 11, 2, 9)):
        complaint = file_complaint(tenant)
    complaint = enter(tenant, complaint, VERIFY, wib(2026, 11, 2, 9))
    assert complaint.due_at == wib(2026, 11, 9, 23, 59, 59)
    # When it waits for the complainant from Tuesday 14:00
    complaint = enter(tenant, complaint, WAITING, wib(2026, 11, 3, 14))
    # Then the clock stands still: no due date, nothing in the index
    assert (complaint.due_at, complaint.paused_at) == (None, wib(2026, 11, 3, 14))
    assert deadline_of(tenant, complaint) is None
    # When the complainant replies on Thursday 10:00
    with at(wib(2026, 11, 5, 10)), schema_context(tenant.schema_name):
        on_complainant_replied(complaint, wib(2026, 11, 5, 10))
        complaint = Complaint.objects.get(pk=complaint.pk)
        due = explain_due(complaint)
    # Then the three working days touched by the pause are added: due Thursday 12th
    assert complaint.due_at == wib(2026, 11, 12, 23, 59, 59)
    assert due is not None
    assert due.paused_days == [dt.date(2026, 11, 3), dt.date(2026, 11, 4), dt.date(2026, 11, 5)]
    deadline = deadline_of(tenant, complaint)
    assert deadline is not None and deadline.due_at == complaint.due_at
    # And going back to verification continues the same step rather than starting anew
    complaint = enter(tenant, complaint, VERIFY, wib(2026, 11, 5, 11))
    assert complaint.due_at == wib(2026, 11, 12, 23, 59, 59)
    assert complaint.sla_started_at == wib(2026, 11, 2, 9)


def test_a_second_reply_changes_nothing_and_a_new_step_starts_afresh(
    tenant_factory: TenantFactory,
) -> None:
    # Given a step that was paused and resumed
    tenant = tenant_factory()
    with at(wib(2026, 11, 2, 9)):
        complaint = file_complaint(tenant)
    complaint = enter(tenant, complaint, VERIFY, wib(2026, 11, 2, 9))
    complaint = enter(tenant, complaint, WAITING, wib(2026, 11, 3, 14))
    with at(wib(2026, 11, 5, 10)), schema_context(tenant.schema_name):
        on_complainant_replied(complaint, wib(2026, 11, 5, 10))
        # When the complainant writes again
        on_complainant_replied(complaint, wib(2026, 11, 5, 12))
        complaint = Complaint.objects.get(pk=complaint.pk)
    # Then there is still exactly one pause
    assert len(complaint.sla_pauses) == 1
    # When the complaint moves to classification (2 working days) on Friday 6th
    complaint = enter(tenant, complaint, CLASSIFY, wib(2026, 11, 6, 8))
    # Then the new step knows nothing of the old pause: due Tuesday 10th
    assert complaint.sla_pauses == []
    assert complaint.due_at == wib(2026, 11, 10, 23, 59, 59)


def test_terminal_or_unlimited_states_stop_the_clock(tenant_factory: TenantFactory) -> None:
    # Given a complaint with a running step
    tenant = tenant_factory()
    with at(wib(2026, 11, 2, 9)):
        complaint = file_complaint(tenant)
    complaint = enter(tenant, complaint, VERIFY, wib(2026, 11, 2, 9))
    # When it enters a state without a limit
    complaint = enter(tenant, complaint, NO_LIMIT, wib(2026, 11, 3, 9))
    # Then no due date and no index row
    assert complaint.due_at is None
    assert deadline_of(tenant, complaint) is None
    with schema_context(tenant.schema_name):
        assert explain_due(complaint) is None
    # And a closed complaint has none either
    complaint = enter(tenant, complaint, VERIFY, wib(2026, 11, 4, 9))
    assert deadline_of(tenant, complaint) is not None
    complaint = enter(tenant, complaint, CLOSED, wib(2026, 11, 5, 9))
    assert (complaint.due_at, complaint.sla_state) == (None, "")
    assert deadline_of(tenant, complaint) is None


def test_wit_tenant_is_due_at_the_end_of_the_day_in_jayapura(
    tenant_factory: TenantFactory,
) -> None:
    # Given a tenant in Kota Jayapura (Papua, WIT)
    regions.load_regions(prefixes=("91.71",))
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="91.71")
    start = dt.datetime(2026, 11, 20, 8, tzinfo=WIT)
    with at(start):
        complaint = file_complaint(tenant)
    # When a 2-working-day step starts on Friday 08:00 WIT
    complaint = enter(tenant, complaint, CLASSIFY, start)
    # Then it is due Tuesday 23:59:59 WIT = 14:59:59 UTC, and explained in WIT
    assert complaint.due_at == dt.datetime(2026, 11, 24, 14, 59, 59, tzinfo=dt.UTC)
    with schema_context(tenant.schema_name):
        due = explain_due(complaint)
    assert due is not None
    assert due.as_dict()["zone_label"] == "WIT"
    assert due.explanation()[-1] == "Jatuh tempo 24 Nov. 2026, 23.59 WIT."


def test_reminder_and_escalation_are_sent_once_each(tenant_factory: TenantFactory) -> None:
    # Given a tenant with an officer and a head, and a complaint whose 2-working-day step
    # started Friday 20 Nov 2026 (due Tuesday 24th end of day, reminder from Monday 23rd)
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    head = make_member(tenant, Role.HEAD)
    with at(wib(2026, 11, 20, 10)):
        complaint = file_complaint(tenant)
    complaint = enter(tenant, complaint, CLASSIFY, wib(2026, 11, 20, 10))
    # When the job runs on Sunday: nothing is owed yet
    with at(wib(2026, 11, 22, 12)):
        assert run_sla_sweep().schemas == []
    # When it runs twice on Monday morning
    with at(wib(2026, 11, 23, 8)):
        first = run_sla_sweep()
        second = run_sla_sweep()
    # Then the officer is reminded exactly once
    assert first.reminded == [(tenant.schema_name, complaint.pk)]
    assert (second.schemas, second.reminded) == ([], [])
    assert len(events(tenant, complaint, "sla_reminder")) == 1
    tenant_db.set_schema_to_public()
    reminders = Notification.objects.filter(kind="sla_reminder")
    assert [n.recipient_id for n in reminders] == [officer.pk]
    assert reminders[0].title == f"Pengingat batas waktu {complaint.number}"
    assert reminders[0].body == (
        f"Pengaduan {complaint.number} (Jalan rusak) jatuh tempo 24-11-2026 23:59 WIB."
    )
    assert reminders[0].delivered_at is None
    assert events(tenant, complaint, "sla_escalated") == []
    # When the deadline has passed and the job runs twice (once through the actor)
    with at(wib(2026, 11, 25, 0, 5)):
        breach = run_sla_sweep()
        sla_sweep.fn()
    # Then the head gets exactly one escalation, and no second reminder is sent
    assert breach.escalated == [(tenant.schema_name, complaint.pk)]
    assert len(events(tenant, complaint, "sla_escalated")) == 1
    assert len(events(tenant, complaint, "sla_reminder")) == 1
    tenant_db.set_schema_to_public()
    assert [n.recipient_id for n in Notification.objects.filter(kind="sla_escalation")] == [head.pk]
    assert Notification.objects.count() == 2


def test_a_later_deadline_may_breach_again(tenant_factory: TenantFactory) -> None:
    # Given a complaint escalated once
    tenant = tenant_factory()
    make_member(tenant, Role.HEAD)
    with at(wib(2026, 11, 20, 10)):
        complaint = file_complaint(tenant)
    complaint = enter(tenant, complaint, CLASSIFY, wib(2026, 11, 20, 10))
    with at(wib(2026, 11, 25, 9)):
        run_sla_sweep()
    # When it enters a new step that breaches too
    complaint = enter(tenant, complaint, CLASSIFY, wib(2026, 11, 25, 10))
    assert complaint.due_at == wib(2026, 11, 27, 23, 59, 59)
    with at(wib(2026, 11, 30, 9)):
        report = run_sla_sweep()
    # Then it is escalated a second time (and an overdue step gets no late reminder)
    assert report.escalated == [(tenant.schema_name, complaint.pk)]
    assert len(events(tenant, complaint, "sla_escalated")) == 2
    assert len(events(tenant, complaint, "sla_reminder")) == 0


def test_the_job_enters_only_the_schemas_with_something_due(
    tenant_factory: TenantFactory,
) -> None:
    # Given three tenants with running steps, only one of which is due for a reminder
    early, late_a, late_b = tenant_factory(), tenant_factory(), tenant_factory()
    with at(wib(2026, 11, 20, 10)):
        soon = file_complaint(early)
        later_a = file_complaint(late_a)
        later_b = file_complaint(late_b)
    enter(early, soon, CLASSIFY, wib(2026, 11, 20, 10))  # reminder from Monday 23rd
    enter(late_a, later_a, VERIFY, wib(2026, 11, 20, 10))  # reminder from Thursday 26th
    enter(late_b, later_b, VERIFY, wib(2026, 11, 20, 10))
    # When the job runs while nothing is due
    tenant_db.set_schema_to_public()
    with at(wib(2026, 11, 22, 12)), CaptureQueriesContext(connection) as idle:
        idle_report = run_sla_sweep()
    # Then it asks the public index once and enters no schema
    assert idle_report.schemas == []
    assert [q["sql"] for q in idle.captured_queries if "search_path" not in q["sql"]] == [
        q["sql"] for q in idle.captured_queries if "aduan_deadline" in q["sql"]
    ]
    assert len(idle.captured_queries) <= 2
    assert schemas_entered(idle) == set()
    # When it runs on Monday
    with at(wib(2026, 11, 23, 8)), CaptureQueriesContext(connection) as busy:
        report = run_sla_sweep()
    # Then it entered only the tenant that had a reminder due
    assert report.schemas == [early.schema_name]
    assert schemas_entered(busy) == {early.schema_name}
    assert report.reminded == [(early.schema_name, soon.pk)]
    assert events(late_a, later_a, "sla_reminder") == []
    assert events(late_b, later_b, "sla_reminder") == []


def test_a_new_local_holiday_moves_running_due_dates(tenant_factory: TenantFactory) -> None:
    # Given a complaint in verification since Monday 2 November 2026 (due Monday 9th)
    tenant = tenant_factory()
    admin = make_member(tenant, Role.TENANT_ADMIN)
    with at(wib(2026, 11, 2, 9)):
        complaint = file_complaint(tenant)
    complaint = enter(tenant, complaint, VERIFY, wib(2026, 11, 2, 9))
    # When the admin declares Thursday 5th a local holiday
    with at(wib(2026, 11, 3, 9)):
        do_add_local_holiday(
            tenant=tenant, date=dt.date(2026, 11, 5), name="Hari Jadi", actor=admin
        )
    # Then the due date moves to Tuesday 10th, in the complaint and in the index, explained
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get(pk=complaint.pk)
        due = explain_due(complaint)
    assert complaint.due_at == wib(2026, 11, 10, 23, 59, 59)
    deadline = deadline_of(tenant, complaint)
    assert deadline is not None and deadline.due_at == complaint.due_at
    assert due is not None
    assert ("2026-11-05", "local_holiday") in [
        (d.date.isoformat(), d.kind.value) for d in due.skipped
    ]
    # When it is removed again, the due date goes back
    do_remove_local_holiday(tenant=tenant, date=dt.date(2026, 11, 5), actor=admin)
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=complaint.pk).due_at == wib(2026, 11, 9, 23, 59, 59)


def test_the_sweep_is_scheduled_every_five_minutes() -> None:
    # Given the scheduler the `crontab` command runs (complaints.tasks registered its job)
    jobs = {job.name: job for job in scheduler.get_jobs()}
    # Then the SLA sweep is among its jobs, every five minutes
    assert "sla_sweep" in jobs
    assert str(jobs["sla_sweep"].trigger.fields[6]) == "*/5"


def test_reminder_times_for_hour_and_calendar_day_limits(tenant_factory: TenantFactory) -> None:
    # Given a complaint
    tenant = tenant_factory()
    with at(wib(2026, 11, 20, 16)):
        complaint = file_complaint(tenant)
    urgent = State(key="urgent", label=Label("Darurat", "Urgent"), limit=Limit("hours", 24))
    followup = State(
        key="followup", label=Label("Tindak lanjut", "Follow-up"), limit=Limit("days", 60)
    )
    # When it enters a 24-hour step on Friday 16:00 WIB
    complaint = enter(tenant, complaint, urgent, wib(2026, 11, 20, 16))
    deadline = deadline_of(tenant, complaint)
    # Then it is due Saturday 16:00 (clock hours) and reminded 4 hours before
    assert deadline is not None
    assert (deadline.due_at, deadline.remind_at) == (wib(2026, 11, 21, 16), wib(2026, 11, 21, 12))
    # When it enters a 60-day step (Perpres 76/2013) on the same Friday
    complaint = enter(tenant, complaint, followup, wib(2026, 11, 20, 17))
    deadline = deadline_of(tenant, complaint)
    # Then it is due on 19 January 2027 and reminded from the day before
    assert deadline is not None
    assert (deadline.due_at, deadline.remind_at) == (
        wib(2027, 1, 19, 23, 59, 59),
        wib(2027, 1, 18),
    )


def test_a_team_complaint_without_an_assignee_reminds_each_team_member_once(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint assigned to a team (no one in person): one member holds two roles,
    # and an officer outside the team
    tenant = tenant_factory()
    outsider = make_member(tenant, Role.OFFICER)
    first = make_member(tenant, Role.OFFICER, Role.HEAD)
    second = make_member(tenant, Role.OFFICER)
    admin = make_member(tenant, Role.TENANT_ADMIN)
    with at(wib(2026, 11, 20, 10)):
        complaint = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        team = do_save_team(
            tenant=tenant, team=None, name="Tim Penjawab", member_ids=[first.pk, second.pk],
            actor=admin,
        )  # fmt: skip
        do_assign_team(tenant=tenant, complaint=complaint, team=team, actor=admin)
    complaint = enter(tenant, complaint, CLASSIFY, wib(2026, 11, 20, 10))
    # When the job runs twice on Monday morning
    with at(wib(2026, 11, 23, 8)):
        report = run_sla_sweep()
        run_sla_sweep()
    # Then each member of the team is reminded exactly once, and the outsider not at all
    assert report.reminded == [(tenant.schema_name, complaint.pk)]
    tenant_db.set_schema_to_public()
    reminded = sorted(n.recipient_id for n in Notification.objects.filter(kind="sla_reminder"))
    assert reminded == sorted([first.pk, second.pk])
    assert outsider.pk not in reminded
    [event] = events(tenant, complaint, "sla_reminder")
    assert event.after is not None and sorted(event.after["recipients"]) == reminded


def test_a_personal_assignee_is_reminded_rather_than_the_team(
    tenant_factory: TenantFactory,
) -> None:
    # Given a team complaint also assigned in person to one officer
    tenant = tenant_factory()
    member = make_member(tenant, Role.OFFICER)
    assignee = make_member(tenant, Role.OFFICER)
    admin = make_member(tenant, Role.TENANT_ADMIN)
    with at(wib(2026, 11, 20, 10)):
        complaint = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        team = do_save_team(
            tenant=tenant, team=None, name="Tim Penjawab", member_ids=[member.pk], actor=admin
        )
        do_assign_team(tenant=tenant, complaint=complaint, team=team, actor=admin)
        do_assign_complaint(tenant=tenant, complaint=complaint, assignee=assignee, actor=admin)
    complaint = enter(tenant, complaint, CLASSIFY, wib(2026, 11, 20, 10))
    # When the reminder is due, then only the person it is assigned to is reminded
    with at(wib(2026, 11, 23, 8)):
        run_sla_sweep()
    tenant_db.set_schema_to_public()
    assert [n.recipient_id for n in Notification.objects.filter(kind="sla_reminder")] == [
        assignee.pk
    ]
