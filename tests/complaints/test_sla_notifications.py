"""SLA notifications in the console: each staff member sees and marks only their own."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_tenants.utils import schema_context

from aduan.db import tenant_db
from complaints.actions.intake import do_file_complaint
from complaints.calendar import WIB
from complaints.public.models import Notification
from complaints.sla import on_state_entered, run_sla_sweep
from complaints.sop import Label, Limit, State
from tenants.models import Role
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db

CLASSIFY = State(
    key="classification",
    label=Label("Klasifikasi", "Classification"),
    limit=Limit("working_days", 2),
)


def test_officer_sees_and_reads_their_reminder_others_cannot(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a reminder sent to the assignee of a complaint, and a colleague
    tenant = tenant_factory()
    assignee = make_member(tenant, Role.OFFICER)
    colleague = make_member(tenant, Role.ANSWER_TEAM)
    start = dt.datetime(2026, 11, 20, 10, tzinfo=WIB)
    with time_machine.travel(start, tick=False), schema_context(tenant.schema_name):
        complaint = do_file_complaint(
            tenant=tenant,
            channel="web",
            name="Siti Aminah",
            address="Jl. Merdeka 1",
            phone="081234567890",
            subject="Lampu jalan mati",
            description="Sejak seminggu lampu jalan mati.",
        )
        complaint.assignee = assignee
        complaint.save(update_fields=["assignee"])
        on_state_entered(complaint, CLASSIFY, start)
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=WIB), tick=False):
        run_sla_sweep()
    tenant_db.set_schema_to_public()
    notification = Notification.objects.get()
    assert notification.recipient_id == assignee.pk
    # When the assignee opens the page and the API
    sign_in(tenant_client, assignee)
    page = tenant_client.get("/notifications/", tenant=tenant)
    listed = tenant_client.get("/api/v1/notifications/", {"unread": "1"}, tenant=tenant)
    # Then the reminder is there
    assert page.status_code == 200
    assert f"Pengingat batas waktu {complaint.number}" in page.content.decode()
    assert [n["id"] for n in listed.json()] == [notification.pk]
    # When the colleague tries to see or mark it
    sign_in(tenant_client, colleague)
    assert tenant_client.get("/api/v1/notifications/", tenant=tenant).json() == []
    refused = tenant_client.post(f"/api/v1/notifications/{notification.pk}/read/", tenant=tenant)
    # Then it is not found for them, and stays unread
    assert refused.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    # When the assignee marks it read on the page
    sign_in(tenant_client, assignee)
    marked = tenant_client.post(f"/notifications/{notification.pk}/read/", tenant=tenant)
    # Then it is read, and no longer listed as unread
    assert marked.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert tenant_client.get("/api/v1/notifications/?unread=1", tenant=tenant).json() == []
