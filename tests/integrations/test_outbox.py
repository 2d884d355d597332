"""The transactional outbox: written with the change, delivered exactly once."""

from __future__ import annotations

import socket
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from dramatiq.brokers.redis import RedisBroker

from complaints.actions.forward import do_forward_complaint
from complaints.errors import ComplaintError
from complaints.models import Channel, Complaint
from integrations import outbox, tasks
from integrations.models import NotificationKind, OutboxMessage, OutboxStatus, SmsKeyword
from integrations.sms import gsm7
from tenants.models import TenantKind
from tests.factories import TenantFactory, file_complaint
from tests.integrations.conftest import SmtpInbox
from tests.integrations.fakes import SmsGatewayFake
from tests.services import REDIS_URL, reachable, running_worker, with_middleware


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_intake_writes_the_receipt_in_its_transaction(
    tenant_factory: TenantFactory, db: None
) -> None:
    # Given a tenant
    tenant = tenant_factory()
    # When a complaint arrives by SMS
    complaint = file_complaint(tenant, channel=Channel.SMS, phone="081234567890")
    # Then one receipt waits in the outbox for the complainant's number, in one GSM-7 SMS
    receipt = OutboxMessage.objects.get()
    assert receipt.kind == NotificationKind.RECEIPT
    assert receipt.channel == "sms"
    assert receipt.recipient == "+6281234567890"
    assert receipt.tracking_code == complaint.tracking_code
    assert receipt.key == f"{tenant.schema_name}:{complaint.tracking_code}:receipt"
    assert receipt.body == f"Aduan Anda diterima. Kode lacak: {complaint.tracking_code}."
    assert gsm7.fits_one_sms(receipt.body)
    assert receipt.status == OutboxStatus.PENDING


def test_a_refused_intake_leaves_no_notification(tenant_factory: TenantFactory, db: None) -> None:
    # Given a tenant, when an intake is refused (an invalid phone number)
    tenant = tenant_factory()
    with pytest.raises(ComplaintError):
        file_complaint(tenant, channel=Channel.SMS, phone="12")
    # Then no complaint and no notification exist
    with schema_context(tenant.schema_name):
        assert Complaint.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_a_desk_complaint_without_email_gets_no_outbox_row(
    tenant_factory: TenantFactory, db: None
) -> None:
    # Given a complaint entered at the desk, with a phone but no e-mail
    tenant = tenant_factory()
    file_complaint(tenant, channel=Channel.DESK)
    # Then its receipt is on paper: nothing is queued
    assert OutboxMessage.objects.count() == 0


def test_a_failed_send_is_retried_with_backoff_and_sent_once(
    tenant_factory: TenantFactory, db: None, sms_gateway: SmsGatewayFake
) -> None:
    # Given a pending receipt, and a gateway that fails the first time
    tenant = tenant_factory()
    file_complaint(tenant, channel=Channel.SMS, phone="081234567890")
    receipt = OutboxMessage.objects.get()
    sms_gateway.fail_next = 1
    # When the deliverer runs
    before = timezone.now()
    outbox.deliver(receipt.pk)
    # Then the failure is kept with its error, and the next attempt waits
    receipt.refresh_from_db()
    assert receipt.status == OutboxStatus.PENDING
    assert receipt.attempts == 1
    assert "503" in receipt.last_error
    assert receipt.next_attempt_at >= before + timedelta(seconds=30)
    assert sms_gateway.delivered == {}
    # When the sweeper runs before the backoff is over, nothing is sent
    assert outbox.sweep_due(now=before) == 0
    # When the retry runs, and runs again
    outbox.deliver(receipt.pk)
    outbox.deliver(receipt.pk)
    # Then it was sent exactly once, with the provider's id recorded
    receipt.refresh_from_db()
    assert receipt.status == OutboxStatus.SENT
    assert receipt.provider_message_id == "gw-1"
    assert receipt.attempts == 2
    assert len(sms_gateway.requests) == 2
    assert list(sms_gateway.delivered) == [receipt.key]


@pytest.mark.broker
@pytest.mark.skipif(not reachable("127.0.0.1", 6379), reason="no Redis on 127.0.0.1:6379")
def test_with_the_broker_down_intake_succeeds_and_every_receipt_goes_out_once_later(
    tenant_factory: TenantFactory, committed: None, sms_gateway: SmsGatewayFake
) -> None:
    # Given a tenant, and the delivery job bound to a Redis broker where nothing listens
    tenant = tenant_factory()
    down = RedisBroker(url=f"redis://127.0.0.1:{free_port()}/9")  # type: ignore[no-untyped-call]
    previous = tasks.deliver_outbox.broker
    tasks.deliver_outbox.broker = down
    down.declare_actor(tasks.deliver_outbox)
    try:
        # When 100 complaints arrive by SMS
        codes = {
            file_complaint(tenant, channel=Channel.SMS, phone=f"0812345{i:05d}").tracking_code
            for i in range(100)
        }
    finally:
        tasks.deliver_outbox.broker = previous
        down.close()
    # Then every intake succeeded and its receipt waits in the outbox; nothing was sent
    with schema_context(tenant.schema_name):
        assert Complaint.objects.count() == 100
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 100
    assert sms_gateway.requests == []

    # When the broker is back and the sweeper runs (twice, as the schedule would)
    namespace = f"aduan-test-{uuid.uuid4().hex[:8]}"
    broker = with_middleware(RedisBroker(url=REDIS_URL, namespace=namespace))  # type: ignore[no-untyped-call]
    later = timezone.now() + outbox.LEASE + timedelta(seconds=1)
    with running_worker(broker, tasks.deliver_outbox):
        assert outbox.sweep_due(now=later) == 100
        assert outbox.sweep_due(now=later) == 0  # leased: not sent twice
        broker.join(tasks.deliver_outbox.queue_name, timeout=60_000)
    # Then every receipt went out exactly once
    assert len(sms_gateway.requests) == 100
    assert len(sms_gateway.delivered) == 100
    assert {m["text"].split(": ")[1].rstrip(".") for m in sms_gateway.delivered.values()} == codes
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 100
    assert OutboxMessage.objects.filter(provider_message_id="").count() == 0
    # and a later sweep or a repeated job sends nothing more
    assert outbox.sweep_due(now=later + timedelta(hours=1)) == 0
    for message in OutboxMessage.objects.all():
        assert outbox.deliver(message.pk) is None
    assert len(sms_gateway.requests) == 100


def test_a_pending_notification_moves_with_a_forwarded_complaint_and_goes_out_once(
    tenant_factory: TenantFactory, db: None, smtp: SmtpInbox
) -> None:
    # Given two complaints by e-mail at Desa Babakan: one receipt already sent, one pending
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr")
    sent = file_complaint(village, email="siti@example.test")
    outbox.deliver(OutboxMessage.objects.get(tracking_code=sent.tracking_code).pk)
    pending = file_complaint(village, email="siti@example.test")
    # When both are forwarded to the public-works agency
    for complaint in (sent, pending):
        do_forward_complaint(
            tenant=village, complaint_id=complaint.pk, to=pupr, reason="Jalan", actor=None
        )
    # Then the pending receipt is now the agency's (same row, same key); the sent one stays
    rows = {m.tracking_code: m for m in OutboxMessage.objects.all()}
    assert len(rows) == 2
    assert rows[pending.tracking_code].tenant == pupr
    assert rows[pending.tracking_code].key == (
        f"{village.schema_name}:{pending.tracking_code}:receipt"
    )
    assert (rows[sent.tracking_code].tenant, rows[sent.tracking_code].status) == (
        village,
        OutboxStatus.SENT,
    )
    # When the deliverer and the sweeper run
    outbox.deliver(rows[pending.tracking_code].pk)
    outbox.deliver(rows[pending.tracking_code].pk)
    outbox.sweep_due(now=timezone.now() + timedelta(hours=1))
    # Then the citizen got each receipt exactly once; the moved one's replies reach the agency
    assert len(smtp.messages) == 2
    moved = [m for m in smtp.messages if pending.tracking_code in str(m["Subject"])]
    assert len(moved) == 1
    assert moved[0]["Reply-To"] == f"aduan+pupr.{pending.tracking_code}@aduan.test"
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2


def mail_text(message: Any) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return str(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))


def test_a_receipt_still_pending_when_forwarded_names_the_receiver_and_its_number(
    tenant_factory: TenantFactory, db: None, smtp: SmtpInbox, sms_gateway: SmsGatewayFake
) -> None:
    # Given two complaints filed at Desa Babakan whose receipts are not sent yet (the test
    # runs no job after commit, as with the broker down): one by e-mail, one by SMS
    village = tenant_factory(slug="desa-babakan-rx", name="Desa Babakan")
    pupr = tenant_factory(
        kind=TenantKind.OPD, region_code="33.01", slug="pupr-rx", name="Dinas PUPR"
    )
    SmsKeyword.objects.create(tenant=village, keyword="BABAKAN")
    SmsKeyword.objects.create(tenant=pupr, keyword="PUPR")
    by_mail = file_complaint(village, email="siti@example.test")
    by_sms = file_complaint(village, channel=Channel.SMS, phone="081234567890")
    before = {m.tracking_code: m for m in OutboxMessage.objects.all()}
    assert "Desa Babakan" in before[by_mail.tracking_code].body
    assert "BABAKAN STATUS" in before[by_sms.tracking_code].body
    # When both are forwarded to the public-works agency
    for complaint in (by_mail, by_sms):
        do_forward_complaint(
            tenant=village, complaint_id=complaint.pk, to=pupr, reason="Jalan", actor=None
        )
    with schema_context(pupr.schema_name):
        numbers = dict(Complaint.objects.values_list("tracking_code", "number"))
    assert numbers[by_mail.tracking_code] != by_mail.number
    # And the deliverer runs twice for each and the sweeper later
    for message in before.values():
        outbox.deliver(message.pk)
        outbox.deliver(message.pk)
    outbox.sweep_due(now=timezone.now() + timedelta(hours=1))
    # Then the same rows (same keys) went out once each, in the agency's name and number
    after = {m.tracking_code: m for m in OutboxMessage.objects.all()}
    assert {c: (m.pk, m.key, m.status) for c, m in after.items()} == {
        c: (m.pk, m.key, OutboxStatus.SENT) for c, m in before.items()
    }
    [mail] = smtp.messages
    text = mail_text(mail)
    assert (
        f"diterima oleh Dinas PUPR dan dicatat dengan nomor {numbers[by_mail.tracking_code]}."
        in text
    )
    assert "Desa Babakan" not in text and by_mail.number not in text
    assert numbers[by_mail.tracking_code] in str(mail["Subject"])
    assert sms_gateway.texts == [
        f"Aduan Anda diterima. Kode lacak: {by_sms.tracking_code}."
        f" Cek: PUPR STATUS {by_sms.tracking_code}"
    ]
