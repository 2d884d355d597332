"""The whole case's time limit (the SOP's case_limit): Disdukcapil resolves a complete
complaint within 5 working days, a regency finishes within 60 days of the file being complete
(Perpres 76/2013). Frozen clock, real PostgreSQL, the real sweep."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from django_tenants.utils import schema_context

from aduan.db import tenant_db
from complaints.calendar import WIB
from complaints.models import Complaint, ComplaintEvent
from complaints.public.models import Deadline, Notification
from complaints.sla import run_sla_sweep
from complaints.sop_templates import template_for
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def wib(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=WIB)


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    with time_machine.travel(moment, tick=False):
        yield moment


def signed_in(tenant: Tenant, *roles: Role) -> TenantClient:
    client = TenantClient()
    sign_in(client, make_member(tenant, *roles))
    return client


def take(
    client: TenantClient, tenant: Tenant, complaint: Complaint, step: str, **inputs: Any
) -> None:
    response = client.post(
        f"/api/v1/complaints/{complaint.pk}/transitions/",
        json.dumps({"transition": step, "inputs": inputs}),
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 200, response.json()


def reload(tenant: Tenant, complaint: Complaint) -> Complaint:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=complaint.pk)


def case_deadline(tenant: Tenant, complaint: Complaint) -> Deadline | None:
    tenant_db.set_schema_to_public()
    return Deadline.objects.filter(tenant=tenant, complaint_id=complaint.pk, kind="case").first()


def sla_events(tenant: Tenant, complaint: Complaint, kind: str) -> list[ComplaintEvent]:
    with schema_context(tenant.schema_name):
        return list(ComplaintEvent.objects.filter(complaint_id=complaint.pk, kind=kind))


def test_disdukcapil_case_limit_is_reminded_and_escalated_once(
    tenant_factory: TenantFactory,
) -> None:
    # Given a Disdukcapil office and a complete complaint received Wednesday 18 March 2026,
    # 09:00 WIB: 5 working days, skipping cuti bersama (18, 20, 23, 24 March), Nyepi (19th),
    # Idul Fitri (21-22nd, a weekend) and the weekend of 28-29th
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    officer = signed_in(tenant, Role.OFFICER)
    head = make_member(tenant, Role.HEAD)
    with at(wib(2026, 3, 18, 9)):
        complaint = file_complaint(tenant, subject="KTP-el belum jadi")
    received = reload(tenant, complaint)
    assert received.case_started_at == wib(2026, 3, 18, 9)
    assert received.case_limit == {"working_days": 5}
    due = wib(2026, 3, 31, 23, 59, 59)
    assert received.case_due_at == due
    deadline = case_deadline(tenant, complaint)
    assert deadline is not None and (deadline.due_at, deadline.state) == (due, "case")
    # When the officer distributes it the next working day (that step has no limit of its own)
    with at(wib(2026, 3, 25, 9)):
        take(officer, tenant, complaint, "distribute")
    # Then the case clock runs on, and the sweep reminds once, the working day before
    assert reload(tenant, complaint).case_due_at == due
    with at(wib(2026, 3, 29, 12)):
        assert run_sla_sweep().reminded == []
    with at(wib(2026, 3, 30, 8)):
        first, second = run_sla_sweep(), run_sla_sweep()
    assert first.reminded == [(tenant.schema_name, complaint.pk)] and second.reminded == []
    (reminder,) = sla_events(tenant, complaint, "sla_reminder")
    assert reminder.after is not None and reminder.after["scope"] == "case"
    assert reminder.message == (
        f"Batas waktu penyelesaian seluruh pengaduan {complaint.number} (KTP-el belum jadi) "
        "jatuh tempo 31-03-2026 23:59 WIB."
    )
    # When the limit has passed: the head is told once, however often the sweep runs
    with at(wib(2026, 4, 1, 0, 5)):
        breach = run_sla_sweep()
        run_sla_sweep()
    assert breach.escalated == [(tenant.schema_name, complaint.pk)]
    (escalation,) = sla_events(tenant, complaint, "sla_escalated")
    assert escalation.after is not None and escalation.after["scope"] == "case"
    tenant_db.set_schema_to_public()
    assert [n.recipient_id for n in Notification.objects.filter(kind="sla_escalation")] == [head.pk]
    assert Notification.objects.get(kind="sla_escalation").title == (
        f"Lewat batas waktu penyelesaian: {complaint.number}"
    )
    # When it is answered (resolved): the case clock stops and leaves the index
    head_client = TenantClient()
    sign_in(head_client, head)
    with at(wib(2026, 4, 1, 9)):
        take(officer, tenant, complaint, "answer", response="KTP-el sudah dapat diambil.")
    # (held for the head's approval: the clock runs on until the answer leaves)
    assert reload(tenant, complaint).case_ended_at is None
    with at(wib(2026, 4, 1, 10)):
        approved = head_client.post(
            f"/api/v1/complaints/{complaint.pk}/approval/", {"decision": "approve"},
            content_type="application/json", tenant=tenant,
        )  # fmt: skip
        assert approved.status_code == 200, approved.json()
    answered = reload(tenant, complaint)
    assert answered.case_ended_at == wib(2026, 4, 1, 10)
    assert answered.case_due_at is None
    assert case_deadline(tenant, complaint) is None


def test_regency_60_days_count_from_the_file_being_complete_and_pause_for_the_complainant(
    tenant_factory: TenantFactory,
) -> None:
    # Given a regency complaint filed incomplete on Monday 2 November 2026
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    officer = signed_in(tenant, Role.OFFICER)
    with at(wib(2026, 11, 2, 9)):
        complaint = file_complaint(tenant, phone="")
    assert reload(tenant, complaint).case_started_at is None  # no clock for an incomplete file
    assert case_deadline(tenant, complaint) is None
    # When the officer completes the file on Thursday 5 November
    with at(wib(2026, 11, 5, 10)):
        take(officer, tenant, complaint, "complete_file", note="Nomor HP lewat telepon")
    # Then the 60 calendar days count from then: due Monday 4 January 2027
    complete = reload(tenant, complaint)
    assert (complete.is_complete, complete.case_started_at) == (True, wib(2026, 11, 5, 10))
    assert complete.case_due_at == wib(2027, 1, 4, 23, 59, 59)
    # When it waits for the complainant from Tuesday 10th and they reply on Thursday 12th
    with at(wib(2026, 11, 6, 9)):
        take(officer, tenant, complaint, "verify", classification="complaint")
    with at(wib(2026, 11, 10, 9)):
        take(officer, tenant, complaint, "request_information", question="Lokasi persisnya?")
    assert reload(tenant, complaint).case_due_at is None  # paused
    assert case_deadline(tenant, complaint) is None
    client = TenantClient()
    with at(wib(2026, 11, 12, 9)):
        replied = client.post(
            f"/api/v1/track/{complaint.tracking_code}/replies/",
            {"message": "Depan pasar Muara Teweh."},
            content_type="application/json",
            tenant=tenant,
        )
    assert replied.status_code == 201
    # Then the three days touched by the pause are not counted: due Thursday 7 January 2027
    resumed = reload(tenant, complaint)
    assert resumed.state == "dispositioned"
    assert resumed.case_due_at == wib(2027, 1, 7, 23, 59, 59)
    deadline = case_deadline(tenant, complaint)
    assert deadline is not None and deadline.due_at == resumed.case_due_at


def test_the_complaint_view_register_and_api_show_the_time_left(
    tenant_factory: TenantFactory,
) -> None:
    # Given a Disdukcapil complaint received Monday 23 November 2026 (due Monday 30th)
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    officer = signed_in(tenant, Role.OFFICER)
    with at(wib(2026, 11, 23, 9)):
        complaint = file_complaint(tenant)
    # When staff look on Wednesday 25th
    with at(wib(2026, 11, 25, 9)):
        view = officer.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant)
        register = officer.get("/console/pengaduan/", tenant=tenant)
        api = officer.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).json()
        listed = officer.get("/api/v1/register/", tenant=tenant).json()
    # Then each shows the due date and the three working days left (26th, 27th, 30th)
    html = view.content.decode()
    assert '<span id="case-remaining">sisa 3 hari kerja</span>' in html
    assert "Senin, 30 November 2026 23:59 WIB" in html
    assert "5 hari kerja" in html and "paling lama 5 hari kerja" in html  # its legal basis
    assert "30 Nov 2026 · sisa 3 hari kerja" in register.content.decode()
    expected = {
        "due_at": "2026-11-30T16:59:59Z", "limit": {"working_days": 5}, "overdue": False,
        "finished": False, "paused": False, "remaining": "sisa 3 hari kerja",
    }  # fmt: skip
    assert api["case_time"] == expected
    assert listed["results"][0]["case_time"] == expected
    # And once past the limit, it says by how much
    with at(wib(2026, 12, 2, 9)):
        late = officer.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant)
    assert '<span id="case-remaining" class="overdue">lewat batas waktu 2 hari</span>' in (
        late.content.decode()
    )


def test_a_village_sop_has_no_case_clock(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    assert reload(tenant, complaint).case_started_at is None
    assert case_deadline(tenant, complaint) is None


@pytest.mark.parametrize(
    ("change", "code", "names"),
    [
        ({"ends_at": ["teleported"]}, "sop.bad_case_limit", "teleported"),
        ({"starts_at": "closed"}, "sop.bad_case_limit", "closed"),
        ({"starts_at": "received", "ends_at": ["received"]}, "sop.bad_case_limit", "received"),
        ({"working_days": 0}, "sop.bad_limit", "case_limit"),
    ],
)
def test_the_sop_editor_refuses_a_broken_case_limit(
    tenant_factory: TenantFactory, change: dict[str, Any], code: str, names: str
) -> None:
    # Given a Disdukcapil admin editing the case limit
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    admin = signed_in(tenant, Role.TENANT_ADMIN)
    definition = template_for(TenantKind.DISDUKCAPIL)
    definition["case_limit"].update(change)
    # When it is saved through the API and through the editor page
    api = admin.put("/api/v1/sop/", json.dumps({"definition": definition}),
                    content_type="application/json", tenant=tenant)  # fmt: skip
    page = admin.post("/console/sop/", {"definition": json.dumps(definition)}, tenant=tenant)
    # Then both refuse it, naming the problem
    assert api.status_code == 400
    assert api.json()["code"] == code and names in api.json()["message"]
    assert page.status_code == 400 and names in page.content.decode()
    with schema_context(tenant.schema_name):
        from complaints.models import SopVersion

        assert not SopVersion.objects.exists()


def test_the_tracking_page_and_api_show_the_case_due_date(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a Disdukcapil complaint received Monday 23 November 2026 (case due Monday 30th)
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    with at(wib(2026, 11, 23, 9)):
        complaint = file_complaint(tenant)
    # When the citizen looks on Wednesday 25th, on the page and through the API
    with at(wib(2026, 11, 25, 9)):
        page = tenant_client.get(f"/lacak/{complaint.tracking_code}/", tenant=tenant)
        api = tenant_client.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=tenant)
    # Then both show the case's due date and the working days left
    html = page.content.decode()
    found = re.search(r'<p id="case-due">(.*?)</p>', html, re.S)
    assert found is not None
    assert "Batas waktu penyelesaian pengaduan" in found.group(1)
    assert "Senin, 30 November 2026 23:59 WIB" in found.group(1)
    assert '<span id="case-remaining">sisa 3 hari kerja</span>' in found.group(1)
    assert api.json()["case_time"] == {
        "due_at": "2026-11-30T16:59:59Z", "limit": {"working_days": 5}, "overdue": False,
        "finished": False, "paused": False, "remaining": "sisa 3 hari kerja",
    }  # fmt: skip
    # And not the staff side's reasons (the legal basis, the day-by-day explanation)
    assert "Dasar hukum" not in html
    assert 'id="case-time"' not in html


def test_the_tracking_api_has_no_case_time_without_a_case_limit(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()  # a village: its SOP has no case limit
    complaint = file_complaint(tenant)
    api = tenant_client.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=tenant).json()
    page = tenant_client.get(f"/lacak/{complaint.tracking_code}/", tenant=tenant)
    assert api["case_time"] is None
    assert 'id="case-due"' not in page.content.decode()


def test_a_merged_duplicate_tracks_the_case_due_date_of_the_one_it_joined(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    from complaints.actions.merge import do_merge_complaints

    # Given a Disdukcapil complaint of Monday 23rd (due 30th) and a duplicate of Wednesday
    # 25th (due 2 December) merged into it
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    officer = make_member(tenant, Role.OFFICER)
    with at(wib(2026, 11, 23, 9)):
        first = file_complaint(tenant)
    with at(wib(2026, 11, 25, 9)):
        duplicate = file_complaint(tenant)
        with schema_context(tenant.schema_name):
            do_merge_complaints(duplicate=duplicate, into=first, actor=officer)
        # When the duplicate's complainant tracks it
        api = tenant_client.get(f"/api/v1/track/{duplicate.tracking_code}/", tenant=tenant)
    # Then it shows the case due date of the complaint it joined
    assert api.json()["case_time"]["due_at"] == "2026-11-30T16:59:59Z"
