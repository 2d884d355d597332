"""Tenant admins set the WhatsApp number and templates; staff notifications go out by e-mail."""

from __future__ import annotations

import json

from complaints.public.models import Notification
from integrations.models import WhatsAppNumber, WhatsAppTemplate
from integrations.staff import deliver_staff_notifications
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, make_user, sign_in
from tests.integrations.conftest import SmtpInbox


def test_the_admin_sets_the_own_number_and_a_template_by_api(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant admin
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    # When they set the tenant's own number and its status template
    response = tenant_client.put(
        "/api/v1/integrations/whatsapp/",
        json.dumps(
            {
                "phone_number_id": "106540352242922",
                "display_number": "+62 811 0000 1111",
                "templates": [{"kind": "status", "name": "status_pengaduan", "language": "id"}],
            }
        ),
        content_type="application/json",
        tenant=tenant,
    )
    # Then they are stored and read back
    assert response.status_code == 200
    assert response.json() == {
        "phone_number_id": "106540352242922",
        "display_number": "+62 811 0000 1111",
        "templates": [{"kind": "status", "name": "status_pengaduan", "language": "id"}],
    }
    assert WhatsAppNumber.objects.get(tenant=tenant).phone_number_id == "106540352242922"
    assert WhatsAppTemplate.objects.get(tenant=tenant).name == "status_pengaduan"


def test_a_number_of_another_tenant_is_refused_and_nothing_changes(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given another tenant holding a number
    other, mine = tenant_factory(), tenant_factory()
    WhatsAppNumber.objects.create(tenant=other, phone_number_id="111111")
    sign_in(tenant_client, make_member(mine, Role.TENANT_ADMIN))
    # When the admin of the second tenant claims it (on the page), with a template too
    response = tenant_client.post(
        "/integrations/whatsapp/",
        {"phone_number_id": "111111", "template_status": "status_pengaduan"},
        tenant=mine,
    )
    # Then the form shows the error, and nothing was stored for them
    assert response.status_code == 400
    assert "sudah dipakai" in response.content.decode()
    assert not WhatsAppNumber.objects.filter(tenant=mine).exists()
    assert not WhatsAppTemplate.objects.filter(tenant=mine).exists()


def test_a_bad_template_name_is_a_field_error(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    response = tenant_client.put(
        "/api/v1/integrations/whatsapp/",
        json.dumps(
            {"phone_number_id": "", "templates": [{"kind": "status", "name": "Status Baru!"}]}
        ),
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "integrations.invalid_setting"
    assert response.json()["extra"]["field"] == "name"
    assert not WhatsAppTemplate.objects.exists()


def test_staff_notifications_are_mailed_once(
    tenant_factory: TenantFactory, smtp: SmtpInbox
) -> None:
    # Given two SLA notifications waiting: one for a user with an address, one without
    tenant: Tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    silent = make_user()
    silent.email = ""
    silent.save()
    for user in (officer, silent):
        Notification.objects.create(
            tenant=tenant,
            recipient=user,
            kind="sla_reminder",
            title="Pengingat batas waktu 0001/ADU/X/2026",
            body="Batas waktu 25-11-2026 16:00 WIB.",
            created_at="2026-11-24T08:00:00+07:00",
        )
    # When the sweeper delivers them, twice
    assert deliver_staff_notifications() == 1
    assert deliver_staff_notifications() == 0
    # Then one mail went to the officer, and both are marked delivered
    [mail] = smtp.messages
    assert mail["To"] == officer.email
    assert mail["Subject"] == "Pengingat batas waktu 0001/ADU/X/2026"
    assert Notification.objects.filter(delivered_at__isnull=True).count() == 0


def test_a_message_whose_job_was_lost_is_swept_again(db: None) -> None:
    # Given a message stored while its job was lost (nothing ran it)
    from datetime import timedelta

    from django.utils import timezone

    from integrations import inbound, tasks

    broker = tasks.process_inbound.broker
    broker.flush_all()
    _message, created = inbound.do_receive_message(
        channel="sms", external_id="lost-1", payload={"from": "0812", "text": "X", "id": "lost-1"}
    )
    assert created
    # When the sweeper runs within the first attempt's lease, it leaves it alone
    assert inbound.sweep_due() == 0
    # When it runs after the lease, the job is sent again, once
    later = timezone.now() + inbound.LEASE + timedelta(seconds=1)
    assert inbound.sweep_due(now=later) == 1
    assert inbound.sweep_due(now=later) == 0
    assert broker.queues[tasks.process_inbound.queue_name].qsize() == 1
    broker.flush_all()
