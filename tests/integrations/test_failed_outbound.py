"""Failed OUTBOUND deliveries on the failed-messages page and API: a notification or a LAPOR!
push that used up its attempts in the outbox, and a LAPOR! referral that keeps failing, with
their error and a Retry that sends them once; a tenant's admins see only their own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils.html import escape
from django_tenants.utils import schema_context

from complaints.actions.forward import do_forward_complaint
from complaints.actions.route import do_hand_to_authority
from complaints.actions.working import do_respond_to_complaint
from complaints.models import Channel, Complaint
from integrations import failed, inbound, outbox, tasks
from integrations.errors import IntegrationError
from integrations.lapor import referrals
from integrations.models import (
    InboundMessage,
    InboundStatus,
    OutboxMessage,
    OutboxStatus,
)
from routing.models import LaporReferral
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, run_jobs, sign_in
from tests.integrations.fakes import LaporFake, SmsGatewayFake

API = "/api/v1/integrations/failed/"
Capture = Callable[..., Any]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def exhaust(message: OutboxMessage) -> OutboxMessage:
    """Deliver until the outbox gives up, as the sweeper's retries would."""
    for _attempt in range(outbox.MAX_ATTEMPTS):
        delivered = outbox.deliver(message.pk)
        assert delivered is not None
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    return message


def sms_receipt(tenant: Tenant) -> OutboxMessage:
    complaint = file_complaint(tenant, channel=Channel.SMS, phone="081234567890")
    return OutboxMessage.objects.get(tracking_code=complaint.tracking_code)


def test_a_notification_that_used_up_its_attempts_is_listed_and_retried_once(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    sms_gateway: SmsGatewayFake,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given an SMS receipt in each of two tenants, and a gateway that keeps failing
    mine, other = tenant_factory(), tenant_factory()
    receipt, foreign = sms_receipt(mine), sms_receipt(other)
    sms_gateway.fail_next = 10_000
    receipt, foreign = exhaust(receipt), exhaust(foreign)
    assert receipt.attempts == outbox.MAX_ATTEMPTS and "503" in receipt.last_error
    assert sms_gateway.delivered == {}
    # When the tenant's admin opens the failed messages (API and page)
    sign_in(tenant_client, make_member(mine, Role.TENANT_ADMIN))
    listed = tenant_client.get(API, tenant=mine).json()
    page = tenant_client.get("/integrations/failed/", tenant=mine).content.decode()
    # Then their receipt is there with its error, and not the other tenant's
    assert [
        (m["kind"], m["id"], m["channel"], m["tracking_code"], m["status"], m["last_error"])
        for m in listed
    ] == [
        (
            "outbound",
            receipt.pk,
            "sms",
            receipt.tracking_code,
            "failed",
            receipt.last_error,
        )
    ]
    assert listed[0]["payload"]["recipient"] == "+6281234567890"
    assert receipt.tracking_code in page and escape(receipt.last_error) in page
    assert f"/integrations/failed/outbound/{receipt.pk}/retry/" in page
    assert foreign.tracking_code not in page
    # When they retry the other tenant's (API and page): not found, nothing changed
    response = tenant_client.post(f"{API}outbound/{foreign.pk}/retry/", tenant=mine)
    assert response.status_code == 404
    response = tenant_client.post(f"/integrations/failed/outbound/{foreign.pk}/retry/", tenant=mine)
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == OutboxStatus.FAILED
    # When the gateway is back and they press Retry on their own (page)
    sms_gateway.fail_next = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_client.post(
            f"/integrations/failed/outbound/{receipt.pk}/retry/", tenant=mine
        )
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == OutboxStatus.PENDING
    # Then a second Retry is refused while it is pending
    again = tenant_client.post(f"{API}outbound/{receipt.pk}/retry/", tenant=mine)
    assert again.status_code == 404
    # When its job runs, then the sweeper and another deliverer come by too
    assert run_jobs(tasks.deliver_outbox) == 1
    outbox.deliver(receipt.pk)
    outbox.sweep_due()
    assert run_jobs(tasks.deliver_outbox) == 0
    # Then the citizen got the receipt exactly once, and it is off the list
    receipt.refresh_from_db()
    assert receipt.status == OutboxStatus.SENT
    assert list(sms_gateway.delivered) == [receipt.key]
    assert tenant_client.get(API, tenant=mine).json() == []
    assert tenant_client.post(f"{API}outbound/{receipt.pk}/retry/", tenant=mine).status_code == 404


def test_the_operator_sees_every_failed_kind_and_retries_by_api(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    sms_gateway: SmsGatewayFake,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given a failed notification of each of two tenants and a failed inbound message
    mine, other = tenant_factory(), tenant_factory()
    sms_gateway.fail_next = 10_000
    receipt, foreign = exhaust(sms_receipt(mine)), exhaust(sms_receipt(other))
    inbound.register_handler("test-broken", broken)
    message, _created = inbound.do_receive_message(
        channel="test-broken", external_id="in-1", payload={}, tenant=mine
    )
    inbound.process_message(message.pk)
    # When the platform operator lists them on the platform host
    sign_in(tenant_client, make_member(do_ensure_public_tenant(), Role.PLATFORM_OPERATOR))
    listed = tenant_client.get(API).json()
    # Then all three are there, each with its kind and tenant
    assert sorted((m["kind"], m["external_id"], m["tenant"]) for m in listed) == sorted(
        [
            ("outbound", receipt.key, mine.slug),
            ("outbound", foreign.key, other.slug),
            ("inbound", "in-1", mine.slug),
        ]
    )
    page = tenant_client.get("/integrations/failed/").content.decode()
    assert receipt.tracking_code in page and foreign.tracking_code in page
    # When the operator retries the other tenant's notification by API
    sms_gateway.fail_next = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_client.post(f"{API}outbound/{foreign.pk}/retry/")
    assert response.status_code == 200
    assert response.json() == {"kind": "outbound", "id": foreign.pk, "status": "pending"}
    run_jobs(tasks.deliver_outbox)
    # Then it went out once; the inbound message was left alone
    assert list(sms_gateway.delivered) == [foreign.key]
    assert InboundMessage.objects.get(pk=message.pk).status == InboundStatus.FAILED


def broken(message: InboundMessage) -> dict[str, str]:
    raise ValueError("cannot read")


def test_a_retry_that_fails_again_is_back_on_the_list_at_once(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    sms_gateway: SmsGatewayFake,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given a failed notification, and a gateway still down
    tenant = tenant_factory()
    sms_gateway.fail_next = 10_000
    receipt = exhaust(sms_receipt(tenant))
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    # When the admin retries and the send fails again
    with django_capture_on_commit_callbacks(execute=True):
        retried = tenant_client.post(f"{API}outbound/{receipt.pk}/retry/", tenant=tenant)
    assert retried.status_code == 200
    run_jobs(tasks.deliver_outbox)
    # Then it is failed again (not another round of twelve), listed with the new attempt
    receipt.refresh_from_db()
    assert receipt.status == OutboxStatus.FAILED
    assert receipt.attempts == outbox.MAX_ATTEMPTS + 1
    [listed] = tenant_client.get(API, tenant=tenant).json()
    assert (listed["kind"], listed["attempts"]) == ("outbound", outbox.MAX_ATTEMPTS + 1)
    assert sms_gateway.delivered == {}


def test_a_failed_notification_moves_with_its_forwarded_complaint_to_the_receivers_list(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    sms_gateway: SmsGatewayFake,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given an SMS receipt at a village that used up its attempts
    village = tenant_factory(slug="desa-babakan-fail")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr-fail")
    sms_gateway.fail_next = 10_000
    receipt = exhaust(sms_receipt(village))
    # When the complaint is forwarded to the public-works agency
    with schema_context(village.schema_name):
        complaint_id = Complaint.objects.get(tracking_code=receipt.tracking_code).pk
    do_forward_complaint(
        tenant=village, complaint_id=complaint_id, to=pupr, reason="Jalan", actor=None
    )
    # Then the failed receipt is the agency's now: the same row, key and attempts
    moved = OutboxMessage.objects.get(tracking_code=receipt.tracking_code)
    assert (moved.pk, moved.key, moved.tenant, moved.status, moved.attempts) == (
        receipt.pk,
        receipt.key,
        pupr,
        OutboxStatus.FAILED,
        outbox.MAX_ATTEMPTS,
    )
    # And the village's admin no longer sees it, nor can retry it (API and page)
    sign_in(tenant_client, make_member(village, Role.TENANT_ADMIN))
    assert tenant_client.get(API, tenant=village).json() == []
    page = tenant_client.get("/integrations/failed/", tenant=village).content.decode()
    assert receipt.tracking_code not in page
    gone = tenant_client.post(f"{API}outbound/{receipt.pk}/retry/", tenant=village)
    assert gone.status_code == 404
    gone = tenant_client.post(f"/integrations/failed/outbound/{receipt.pk}/retry/", tenant=village)
    assert gone.status_code == 404
    # While the agency's admin sees it on the failed list (API and page)
    sign_in(tenant_client, make_member(pupr, Role.TENANT_ADMIN))
    [listed] = tenant_client.get(API, tenant=pupr).json()
    assert (listed["kind"], listed["id"], listed["tenant"]) == ("outbound", receipt.pk, pupr.slug)
    page = tenant_client.get("/integrations/failed/", tenant=pupr).content.decode()
    assert f"/integrations/failed/outbound/{receipt.pk}/retry/" in page
    # When the gateway is back and the agency's admin retries it
    sms_gateway.fail_next = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_client.post(f"{API}outbound/{receipt.pk}/retry/", tenant=pupr)
    assert response.status_code == 200, response.content
    run_jobs(tasks.deliver_outbox)
    outbox.deliver(receipt.pk)
    # Then the citizen got the receipt exactly once
    assert list(sms_gateway.delivered) == [receipt.key]
    assert OutboxMessage.objects.get(pk=receipt.pk).status == OutboxStatus.SENT


@pytest.fixture
def pemkab(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05", name="Pemkab Barito Utara")


def connect(client: TenantClient, tenant: Tenant, client_id: str, secret: str) -> None:
    sign_in(client, make_member(tenant, Role.TENANT_ADMIN))
    response = client.put(
        "/api/v1/integrations/lapor/",
        {"client_id": client_id, "secret": secret},
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 200, response.content


def import_from_lapor(tenant: Tenant, lapor_id: str) -> Complaint:
    tasks.sync_lapor()
    while pending := list(
        InboundMessage.objects.filter(status=InboundStatus.PENDING).values_list("pk", flat=True)
    ):
        for pk in pending:
            inbound.process_message(pk)
    with schema_context(tenant.schema_name):
        # raw_payload is sealed (issue 19): read through the model, not filtered in SQL.
        [found] = [
            c for c in Complaint.objects.all() if (c.raw_payload or {}).get("lapor_id") == lapor_id
        ]
        return found


def test_a_lapor_push_that_used_up_its_attempts_is_listed_and_pushed_once_on_retry(
    pemkab: Tenant,
    tenant_client: TenantClient,
    lapor_server: LaporFake,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given a complaint imported from LAPOR! and a public answer to push, and LAPOR! down
    lapor_server.accounts["barut"] = "s3cret"
    lapor_server.dispose("barut", "301")
    connect(tenant_client, pemkab, "barut", "s3cret")
    complaint = import_from_lapor(pemkab, "301")
    with schema_context(pemkab.schema_name):
        do_respond_to_complaint(
            complaint=Complaint.objects.get(pk=complaint.pk),
            message="Tim sudah meninjau lokasi.",
            actor=make_member(pemkab, Role.OFFICER),
        )
    push = OutboxMessage.objects.get(channel="lapor")
    lapor_server.fail_next = 10_000
    push = exhaust(push)
    # When the tenant's admin lists the failed messages
    sign_in(tenant_client, make_member(pemkab, Role.TENANT_ADMIN))
    [listed] = tenant_client.get(API, tenant=pemkab).json()
    # Then the push is there with LAPOR!'s answer as its error
    assert (listed["kind"], listed["id"], listed["channel"]) == ("outbound", push.pk, "lapor")
    assert "503" in listed["last_error"] or "coba lagi" in listed["last_error"]
    # When LAPOR! is back and the admin retries, and the job runs twice
    lapor_server.fail_next = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_client.post(f"{API}outbound/{push.pk}/retry/", tenant=pemkab)
    assert response.status_code == 200, response.content
    run_jobs(tasks.deliver_outbox)
    outbox.deliver(push.pk)
    # Then LAPOR! has the answer once
    assert [f["content"] for f in lapor_server.followups["301"]] == ["Tim sudah meninjau lokasi."]
    push.refresh_from_db()
    assert push.status == OutboxStatus.SENT


def test_a_failing_lapor_referral_is_listed_to_its_holder_and_sent_once_on_retry(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    lapor_server: LaporFake,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given a village connected to LAPOR! with a wrong secret, another village, and a
    # complaint of the first that nobody on Aduan can take
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan-ref")
    neighbour = tenant_factory(region_code="33.01.02.2014", slug="desa-kuripan-ref")
    lapor_server.accounts["babakan"] = "right"
    connect(tenant_client, village, "babakan", "wrong")
    complaint = file_complaint(village, subject="KTP-el hilang", description="e-KTP hilang.")
    do_hand_to_authority(
        tenant=village, complaint_id=complaint.pk, reason="Bukan wewenang desa", actor=None
    )
    referral = LaporReferral.objects.get(tracking_code=complaint.tracking_code)
    # When the sending job fails with LAPOR!'s refusal
    assert referrals.send_due() == 0
    referral.refresh_from_db()
    assert referral.sent_at is None and referral.last_error
    # Then the village's admin sees it with the error (API and page); the neighbour does not
    sign_in(tenant_client, make_member(village, Role.TENANT_ADMIN))
    [listed] = tenant_client.get(API, tenant=village).json()
    assert (listed["kind"], listed["id"], listed["tracking_code"]) == (
        "lapor_referral",
        referral.pk,
        complaint.tracking_code,
    )
    assert listed["last_error"] == referral.last_error
    assert listed["payload"] == {
        "reason": referral.reason,
        "category": "ktp-el",
        "village_code": "33.01.09.2014",
    }
    assert referral.reason.startswith("Bukan wewenang desa")
    page = tenant_client.get("/integrations/failed/", tenant=village).content.decode()
    assert f"/integrations/failed/lapor-referrals/{referral.pk}/retry/" in page
    sign_in(tenant_client, make_member(neighbour, Role.TENANT_ADMIN))
    assert tenant_client.get(API, tenant=neighbour).json() == []
    foreign = tenant_client.post(f"{API}lapor-referrals/{referral.pk}/retry/", tenant=neighbour)
    assert foreign.status_code == 404
    assert run_jobs(tasks.send_lapor_referral) == 0
    # When the secret is fixed and the village's admin presses Retry (page)
    lapor_server.accounts["babakan"] = "wrong"
    sign_in(tenant_client, make_member(village, Role.TENANT_ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        first = tenant_client.post(
            f"/integrations/failed/lapor-referrals/{referral.pk}/retry/", tenant=village
        )
    assert first.status_code == 302
    # Then it is queued, off the list, and a second Retry is refused (API and page), as a
    # retried notification's is
    assert tenant_client.get(API, tenant=village).json() == []
    with django_capture_on_commit_callbacks(execute=True):
        second = tenant_client.post(f"{API}lapor-referrals/{referral.pk}/retry/", tenant=village)
        third = tenant_client.post(
            f"/integrations/failed/lapor-referrals/{referral.pk}/retry/", tenant=village
        )
    assert (second.status_code, third.status_code) == (404, 404)
    # When the job runs, and the periodic sender too: LAPOR! has the complaint once
    assert run_jobs(tasks.send_lapor_referral) == 1
    referrals.send_due()
    assert [c["reference"] for c in lapor_server.created.values()] == [complaint.tracking_code]
    referral.refresh_from_db()
    assert referral.sent_at is not None and referral.lapor_tracking_id
    # And it is off the list; a Retry now is refused
    assert tenant_client.get(API, tenant=village).json() == []
    again = tenant_client.post(f"{API}lapor-referrals/{referral.pk}/retry/", tenant=village)
    assert again.status_code == 404


def test_a_retried_referral_that_fails_again_is_back_on_the_list_and_retryable(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    lapor_server: LaporFake,
    django_capture_on_commit_callbacks: Capture,
) -> None:
    # Given a referral whose sending fails (a wrong LAPOR! secret)
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan-again")
    lapor_server.accounts["babakan"] = "right"
    connect(tenant_client, village, "babakan", "wrong")
    complaint = file_complaint(village, subject="KTP-el hilang", description="e-KTP hilang.")
    do_hand_to_authority(
        tenant=village, complaint_id=complaint.pk, reason="Bukan wewenang desa", actor=None
    )
    referral = LaporReferral.objects.get(tracking_code=complaint.tracking_code)
    referrals.send_due()
    # When the admin retries while the secret is still wrong, and the job runs
    with django_capture_on_commit_callbacks(execute=True):
        retried = tenant_client.post(f"{API}lapor-referrals/{referral.pk}/retry/", tenant=village)
    assert retried.status_code == 200, retried.content
    assert run_jobs(tasks.send_lapor_referral) == 1
    # Then it is back on the list with the new error and attempt, and Retry is taken again
    [listed] = tenant_client.get(API, tenant=village).json()
    assert (listed["kind"], listed["id"], listed["attempts"]) == ("lapor_referral", referral.pk, 2)
    assert listed["last_error"]
    with django_capture_on_commit_callbacks(execute=True):
        again = tenant_client.post(f"{API}lapor-referrals/{referral.pk}/retry/", tenant=village)
    assert again.status_code == 200, again.content
    # And a Retry that read it as failing before that one queued it is refused under the lock
    with pytest.raises(IntegrationError):
        referrals.do_retry_referral(referral=referral)
    assert lapor_server.created == {}


def test_the_failed_list_reads_the_failed_notifications_by_index(
    tenant_factory: TenantFactory,
) -> None:
    # Given an outbox of many sent notifications and a few failed ones
    tenant = tenant_factory()
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            key=f"plan:{n}",
            tenant=tenant,
            channel="sms",
            kind="receipt",
            recipient="+6281234567890",
            body="x",
            status=OutboxStatus.FAILED if n % 1000 == 0 else OutboxStatus.SENT,
        )
        for n in range(5000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE integrations_outboxmessage")
    # When the page's queries are planned (a tenant's, and the operator's)
    plans = [
        outbox.failed_notifications(scope)[: failed.LIMIT].explain() for scope in (tenant, None)
    ]
    # Then both read the small index of failed rows, not every notification ever sent
    for plan in plans:
        assert "outbox_failed" in plan, plan
