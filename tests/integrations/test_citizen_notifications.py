"""Notifications to the complainant for every citizen-visible event: a status change, a request
for information, closing with the rating link; through the complaint's channel, once."""

from __future__ import annotations

from email.message import Message
from typing import Any

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from complaints.actions.workflow import do_transition_complaint
from complaints.actions.working import do_respond_to_complaint
from complaints.models import Channel, Complaint
from integrations import outbox
from integrations.models import NotificationKind, OutboxMessage, OutboxStatus, WhatsAppTemplate
from integrations.sms import gsm7
from tenants.models import Role, Tenant, TenantKind, User
from tests.factories import TenantFactory, file_complaint, make_member
from tests.integrations.conftest import SmtpInbox
from tests.integrations.fakes import CloudApiFake, SmsGatewayFake

pytestmark = pytest.mark.django_db

RESPONSE = "Lampu jalan di RT 02 sudah diganti oleh Dinas PU pada hari Rabu."


def take(tenant: Tenant, complaint: Complaint, user: User, step: str, **inputs: Any) -> None:
    with schema_context(tenant.schema_name):
        do_transition_complaint(complaint=complaint, transition=step, actor=user, inputs=inputs)


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def kinds() -> list[str]:
    return list(OutboxMessage.objects.order_by("pk").values_list("kind", flat=True))


def deliver_all() -> None:
    # In the order they were written (a heap's order is not a query's promise).
    for pk in (
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        outbox.deliver(pk)


def walk_to_closed(tenant: Tenant, complaint: Complaint, officer: User) -> None:
    """The SP4N-LAPOR! lifecycle: verify (notify), first response, ask for information,
    information received (internal), finish."""
    take(tenant, complaint, officer, "verify", classification="complaint")
    take(tenant, complaint, officer, "first_response", response=RESPONSE)
    take(tenant, complaint, officer, "request_information", question="Di RT berapa tepatnya?")
    take(tenant, complaint, officer, "information_received")
    take(tenant, complaint, officer, "finish", response="Selesai diperbaiki.")


def test_an_sms_complaint_is_told_every_visible_step_once_without_confidential_text(
    tenant_factory: TenantFactory, sms_gateway: SmsGatewayFake
) -> None:
    # Given a regency government and a complaint sent by SMS (rahasia: the default)
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    officer = make_member(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, channel=Channel.SMS, phone="081234567890")
    # When the officer works it through the SOP to the end
    walk_to_closed(tenant, complaint, officer)
    # Then the complainant got the receipt, the disposition (marked notify in the SOP), the
    # first response, the request for information and the closing; the step "information
    # received" stayed internal
    assert kinds() == [
        NotificationKind.RECEIPT,
        NotificationKind.STATUS,
        NotificationKind.STATUS,
        NotificationKind.INFO_REQUEST,
        NotificationKind.CLOSING,
    ]
    # When the deliverer runs twice over everything
    deliver_all()
    for pk in OutboxMessage.objects.order_by("pk").values_list("pk", flat=True):
        assert outbox.deliver(pk) is None
    # Then each went out exactly once, each one GSM-7 SMS to the complainant's number
    assert len(sms_gateway.requests) == 5
    texts = [m["text"] for m in sms_gateway.requests]
    assert all(gsm7.fits_one_sms(t) for t in texts)
    assert {m["to"] for m in sms_gateway.requests} == {"+6281234567890"}
    code = complaint.tracking_code
    assert texts[1] == f"Aduan {code}: Diverifikasi dan didisposisikan ke unit kerja."
    assert texts[2] == f"Aduan {code}: Ditindaklanjuti."
    assert texts[3].startswith(f"Aduan {code}: mohon keterangan tambahan.")
    # and the closing carries the link to the tracking page's rating form
    link = f"{settings.SITE_URL.rstrip('/')}/t/{tenant.slug}/lacak/{code}/#nilai"
    assert texts[4] == f"Aduan {code} selesai. Beri nilai 1-5: {link}"
    # and nothing staff wrote on this confidential complaint left through the gateway
    assert not any("Lampu jalan" in t or "RT berapa" in t or "Selesai diperbaiki" in t
                   for t in texts)  # fmt: skip


def test_a_public_complaint_by_email_gets_the_response_and_the_rating_link(
    tenant_factory: TenantFactory, smtp: SmtpInbox
) -> None:
    # Given a public (not rahasia) complaint with an e-mail address
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    officer = make_member(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, email="siti@example.test", is_confidential=False)
    # When it is worked to the end and the outbox delivered
    walk_to_closed(tenant, complaint, officer)
    deliver_all()
    # Then every notification went out once, by e-mail, threaded on the complaint
    assert len(smtp.messages) == 5
    bodies = [body_of(m) for m in smtp.messages]
    assert all(m["To"] == "siti@example.test" for m in smtp.messages)
    assert RESPONSE in bodies[2]
    assert "Di RT berapa tepatnya?" in bodies[3]
    closing = bodies[4]
    assert closing.startswith(f"Pengaduan nomor {complaint.number} telah selesai ditangani.")
    assert "Tahap: Selesai" in closing
    assert "Selesai diperbaiki." in closing
    assert f"/t/{tenant.slug}/lacak/{complaint.tracking_code}/#nilai" in closing


def test_a_wbs_report_never_carries_what_staff_wrote(
    tenant_factory: TenantFactory, smtp: SmtpInbox
) -> None:
    # Given a whistleblowing report with an e-mail address, and a WBS officer
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    officer = make_member(tenant, Role.WBS_OFFICER, Role.OFFICER)
    complaint = file_complaint(tenant, email="saksi@example.test", is_wbs=True)
    # When staff answer it publicly and take a step with a response
    with schema_context(tenant.schema_name):
        do_respond_to_complaint(
            complaint=complaint, message="Terlapor: Kepala Bidang X", actor=officer
        )
    # (the WBS SOP's steps, complaints.sop_templates.wbs_template)
    take(tenant, complaint, officer, "acknowledge", response="Bidang X sedang ditelaah")
    take(tenant, complaint, officer, "conclude", response="Bidang X sedang diperiksa")
    deliver_all()
    # Then the reporter is told that there is news, never the text itself, with the link to
    # the WBS return page (their receipt key opens it; the tracking code opens nothing)
    assert len(smtp.messages) == 4
    bodies = " ".join(body_of(m) for m in smtp.messages)
    assert "Bidang X" not in bodies
    assert bodies.count("/wbs/kembali/") == 3
    assert f"/lacak/{complaint.tracking_code}/" not in bodies


def test_a_public_response_outside_the_steps_is_sent_once_per_response(
    tenant_factory: TenantFactory, sms_gateway: SmsGatewayFake
) -> None:
    # Given a public complaint by SMS
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    officer = make_member(tenant, Role.OFFICER)
    complaint = file_complaint(
        tenant, channel=Channel.SMS, phone="081234567890", is_confidential=False
    )
    # When staff write two public responses and an internal note's step does nothing
    with schema_context(tenant.schema_name):
        do_respond_to_complaint(complaint=complaint, message="Sedang kami cek.", actor=officer)
        do_respond_to_complaint(complaint=complaint, message="Sedang kami cek.", actor=officer)
    deliver_all()
    # Then two notifications, each with the response and the step's name
    code = complaint.tracking_code
    assert [m["text"] for m in sms_gateway.requests][1:] == [
        f"Aduan {code}: Diterima: menunggu verifikasi admin. Sedang kami cek."
    ] * 2


def test_a_step_marked_notify_false_is_not_told(
    tenant_factory: TenantFactory, sms_gateway: SmsGatewayFake
) -> None:
    # Given a tenant whose SOP marks its first response as internal (notify: false)
    from complaints.actions.sop import do_edit_sop
    from complaints.sop_templates import template_for

    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    admin = make_member(tenant, Role.TENANT_ADMIN, Role.OFFICER)
    definition = template_for(TenantKind.PEMKAB)
    for step in definition["transitions"]:
        if step["key"] in ("verify", "first_response"):
            step["notify"] = False
    with schema_context(tenant.schema_name):
        do_edit_sop(tenant=tenant, definition=definition, actor=admin)
    complaint = file_complaint(tenant, channel=Channel.SMS, phone="081234567890")
    # When those steps are taken
    take(tenant, complaint, admin, "verify", classification="complaint")
    take(tenant, complaint, admin, "first_response", response=RESPONSE)
    # Then only the receipt was written
    assert kinds() == [NotificationKind.RECEIPT]


def test_whatsapp_outside_the_window_closes_with_the_approved_template_and_the_link(
    tenant_factory: TenantFactory, cloud_api: CloudApiFake
) -> None:
    # Given a complaint that came by WhatsApp, no conversation open (outside the 24-hour
    # window), and the platform's approved template for closing
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    officer = make_member(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, channel=Channel.WHATSAPP, phone="081234567890")
    WhatsAppTemplate.objects.create(
        kind=NotificationKind.CLOSING, name="aduan_selesai", language="id"
    )
    # When it is worked to the end and the closing delivered
    walk_to_closed(tenant, complaint, officer)
    closing = OutboxMessage.objects.get(kind=NotificationKind.CLOSING)
    outbox.deliver(closing.pk)
    # Then the template went out with the tracking code, and the step and rating link as {{2}}
    closing.refresh_from_db()
    assert closing.status == OutboxStatus.SENT
    last = cloud_api.sent[-1]
    assert (last["type"], last["template"]["name"], last["to"]) == (
        "template", "aduan_selesai", "6281234567890",
    )  # fmt: skip
    code = complaint.tracking_code
    link = f"{settings.SITE_URL.rstrip('/')}/t/{tenant.slug}/lacak/{code}/#nilai"
    assert last["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": code},
        {"type": "text", "text": f"Selesai. {link}"},
    ]


def test_an_incomplete_complaint_s_receipt_asks_for_what_is_missing(
    tenant_factory: TenantFactory, smtp: SmtpInbox, sms_gateway: SmsGatewayFake
) -> None:
    # Given a complaint by e-mail without an address, and one by SMS (no name, no address)
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05")
    by_mail = file_complaint(tenant, address="", email="siti@example.test")
    by_sms = file_complaint(tenant, channel=Channel.SMS, name="", address="", phone="081234567890")
    # When the receipts are delivered
    deliver_all()
    # Then the e-mail asks for the address and links the tracking page where it is completed
    [mail] = smtp.messages
    body = body_of(mail)
    assert "Mohon lengkapi: Alamat." in body
    assert f"/t/{tenant.slug}/lacak/{by_mail.tracking_code}/" in body
    # and the SMS receipt stays one short SMS with the code
    [sms] = sms_gateway.requests
    assert sms["text"] == f"Aduan Anda diterima. Kode lacak: {by_sms.tracking_code}."
