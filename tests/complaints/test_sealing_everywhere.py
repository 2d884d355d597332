"""Issue 19, every table: plain SQL over the raw rows of every table holding identity or WBS
content (the tenant's complaints, timeline, attachments; the public inbound store, outbox,
WhatsApp conversations, LAPOR! referrals) finds no plaintext; and rows stored in plain
before sealing existed are sealed by the data migrations' own functions."""

from __future__ import annotations

import importlib
import json
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.apps import apps as django_apps
from django.db import connection
from django_tenants.utils import schema_context
from psycopg import sql

from aduan import envelope
from aduan.sealed_fields import reseal_rows
from complaints import sealing
from complaints.actions import wbs as wbs_actions
from complaints.models import Attachment, Complaint, ComplaintEvent
from integrations import inbound, outbox
from integrations.models import (
    InboundMessage,
    InboundStatus,
    OutboxMessage,
    OutboxStatus,
    WhatsAppConversation,
    WhatsAppNumber,
)
from integrations.sms.keywords import do_set_sms_keyword
from routing.actions.referrals import do_refer_unfiled_complaint
from routing.models import LaporReferral, TrackingCode
from routing.router import Outcome, Proposal
from tenants.models import Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.files import photo
from tests.factories import TenantFactory, file_complaint
from tests.integrations.conftest import (  # noqa: F401 - fixtures
    SmtpInbox,
    cloud_api,
    free_port,
    sms_gateway,
)
from tests.integrations.fakes import CloudApiFake, SmsGatewayFake
from tests.integrations.test_email import MAIL_SECRET, post_mail
from tests.integrations.test_sms import deliver_sms, process_all, send_outbox
from tests.integrations.test_whatsapp import OWN_NUMBER, say, text

pytestmark = pytest.mark.django_db

seal_errors_and_ids = importlib.import_module(
    "integrations.migrations.0010_i19_errors_and_message_ids_sealed"
).seal_existing_rows

SMS_SENDER = "081298761234"
SMS_DIGITS = "81298761234"
WA_CITIZEN_DIGITS = "81234567890"  # tests.integrations.test_whatsapp.CITIZEN without 62
NAME = "Ratna Kusumawati"
ADDRESS = "Gang Mawar 17"


def raw_rows(schema: str, table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT t::text FROM {}.{} t").format(
                sql.Identifier(schema), sql.Identifier(table)
            )
        )
        return "\n".join(str(r[0]) for r in cursor.fetchall())


TENANT_TABLES = [m._meta.db_table for m in (Complaint, ComplaintEvent, Attachment)]
PUBLIC_TABLES = [
    m._meta.db_table for m in (InboundMessage, OutboxMessage, WhatsAppConversation, LaporReferral)
]


def test_no_table_holding_identity_or_wbs_content_shows_plaintext(
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    sms_gateway: SmsGatewayFake,  # noqa: F811 - the fixture imported above
    cloud_api: CloudApiFake,  # noqa: F811
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Given an SMS complaint, a WhatsApp conversation that gave a name and an address, a
    # web complaint with an e-mail, a WBS report with a file, and an unfiled LAPOR! referral
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05", name="Pemkab Barut")
    do_set_sms_keyword(tenant=tenant, keyword="barut", actor=None)
    # (A complaint's own text is not identity, and stays searchable: no name in it here.)
    assert deliver_sms(tenant_client, "BARUT ADUAN jalan rusak di RT 3", sender=SMS_SENDER)
    process_all()
    send_outbox()
    WhatsAppNumber.objects.create(phone_number_id=OWN_NUMBER, tenant=tenant)
    for message in ("Halo", NAME, ADDRESS):  # the conversation holds both, not filed yet
        say(tenant_client, OWN_NUMBER, text(message))
    file_complaint(tenant, name=NAME, email="ratna@example.org", address=ADDRESS)
    with schema_context(tenant.schema_name):
        wbs_actions.do_set_wbs_policy(tenant=tenant, enabled=True, actor=None)
        wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=False, name=NAME, phone=SMS_SENDER,
            subject="Suap", description="Kepala seksi meminta uang pelicin.",
            attachments=[photo(f"{NAME}.png")],
        )  # fmt: skip
    do_refer_unfiled_complaint(
        tracking_code="ZZZZ9",
        proposal=Proposal(Outcome.LAPOR, None, None, None, "62.05"),
        reason="x",
        payload={"name": NAME, "phone": SMS_SENDER},
    )
    # The rows exist, and the models read them back in plain
    assert OutboxMessage.objects.filter(recipient__isnull=False).count() >= 2
    assert any(SMS_DIGITS in m.recipient for m in OutboxMessage.objects.all())
    payloads = [json.dumps(m.payload) for m in InboundMessage.objects.all()]
    assert any(SMS_DIGITS in p for p in payloads) and any(NAME in p for p in payloads)
    (conversation,) = WhatsAppConversation.objects.all()
    assert conversation.wa_id.startswith(envelope.BLIND_PREFIX)
    assert LaporReferral.objects.get(tracking_code="ZZZZ9").payload["name"] == NAME
    # Then plain SQL over every such table finds none of it
    dump = "\n".join(
        [raw_rows(tenant.schema_name, t) for t in TENANT_TABLES]
        + [raw_rows("public", t) for t in PUBLIC_TABLES]
    )
    for secret in (NAME, "Ratna", "Kusumawati", ADDRESS, SMS_DIGITS, WA_CITIZEN_DIGITS,
                   "ratna@example.org", "uang pelicin"):  # fmt: skip
        assert secret not in dump, secret
    for table in PUBLIC_TABLES:
        assert "sealed:" in raw_rows("public", table) or table.endswith("conversation")


def _plain_insert(tenant: Tenant) -> tuple[int, int]:
    """Rows as they were stored before issue 19: plain SQL, plain values."""
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        filed = file_complaint(tenant)
        cursor.execute(
            "UPDATE complaints_complaint SET name=%s, phone=%s, address=%s, email=%s,"
            " raw_payload=%s, data_key=''::bytea, identity_index='{}' WHERE id=%s",
            [NAME, SMS_SENDER, ADDRESS, "ratna@example.org", json.dumps({"nama": NAME}), filed.pk],
        )
        cursor.execute(
            "INSERT INTO complaints_complaintevent (complaint_id, at, actor_label, kind,"
            " is_public, message, before, after) VALUES (%s, now(), '', 'updated', false, '',"
            " %s, %s)",
            [filed.pk, json.dumps({"name": "Ratna K"}), json.dumps({"name": NAME})],
        )
    outbox = OutboxMessage.objects.create(
        key="old-1", channel="sms", kind="receipt", recipient="x", body="x"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE integrations_outboxmessage SET recipient=%s, body=%s WHERE id=%s",
            [SMS_SENDER, f"Yth. {NAME}", outbox.pk],
        )
    return filed.pk, outbox.pk


def test_the_data_migrations_seal_rows_stored_in_plain_before(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    complaint_id, outbox_id = _plain_insert(tenant)
    assert NAME in raw_rows(tenant.schema_name, "complaints_complaint")
    assert NAME in raw_rows("public", "integrations_outboxmessage")
    # When the migrations' steps run (complaints 0016, integrations 0008)
    assert sealing.seal_plaintext_rows(connection, tenant.schema_name) >= 1
    reseal_rows(OutboxMessage, ["recipient", "subject", "body", "extra"])
    # Then the raw rows hold none of it, and the models read it all back
    dump = raw_rows(tenant.schema_name, "complaints_complaint") + raw_rows(
        tenant.schema_name, "complaints_complaintevent"
    )
    for secret in (NAME, "Ratna K", SMS_DIGITS, ADDRESS, "ratna@example.org"):
        assert secret not in dump
        assert secret not in raw_rows("public", "integrations_outboxmessage")
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get(pk=complaint_id)
        assert (complaint.name, complaint.phone, complaint.address, complaint.email) == (
            NAME, SMS_SENDER, ADDRESS, "ratna@example.org",
        )  # fmt: skip
        assert complaint.raw_payload == {"nama": NAME}
        # the register finds it by its blind index, now written
        assert envelope.blind(tenant.schema_name, "name", "kusumawati") in (
            complaint.identity_index
        )
    message = OutboxMessage.objects.get(pk=outbox_id)
    assert (message.recipient, message.body) == (SMS_SENDER, f"Yth. {NAME}")
    # And a second run changes nothing (idempotent)
    before = raw_rows(tenant.schema_name, "complaints_complaint")
    assert sealing.seal_plaintext_rows(connection, tenant.schema_name) == 0
    assert raw_rows(tenant.schema_name, "complaints_complaint") == before


def test_a_complaint_filed_before_the_resend_index_gets_its_lost_code_resent(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint stored in plain before issue 19, whose tracking code has no contacts
    tenant = tenant_factory()
    complaint_id, _ = _plain_insert(tenant)
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        code = Complaint.objects.get(pk=complaint_id).tracking_code
        # a number as the citizen typed it (not every door normalised it then)
        cursor.execute(
            "UPDATE complaints_complaint SET phone=%s WHERE id=%s",
            ["0" + SMS_DIGITS[:3] + "-" + SMS_DIGITS[3:7] + "-" + SMS_DIGITS[7:], complaint_id],
        )
    TrackingCode.objects.filter(code=code).update(contacts=[])
    sent = OutboxMessage.objects.filter(kind="tracking_resend")

    def resend(contact: str) -> int:
        answer = tenant_client.post(
            "/api/v1/track-resend/", {"contact": contact}, content_type="application/json"
        )
        assert answer.status_code == 202
        return sent.count()

    # Before the backfill, the resend finds nothing
    assert resend(SMS_SENDER) == 0
    # When the migrations' steps run (complaints 0016 sealing, then 0019 the resend index)
    sealing.seal_plaintext_rows(connection, tenant.schema_name)
    assert sealing.backfill_resend_contacts(connection, tenant.schema_name) == 1
    # Then the code is resent to the phone and to the e-mail on file, and the index holds digests
    assert resend("0812-9876-1234") == 1
    assert resend("Ratna@Example.org") == 2
    assert {m.tracking_code for m in sent} == {code}
    contacts = TrackingCode.objects.get(code=code).contacts
    assert len(contacts) == 2 and SMS_DIGITS not in str(contacts)
    # And a second run fills nothing (idempotent)
    assert sealing.backfill_resend_contacts(connection, tenant.schema_name) == 0


class RefusingSmtp(SmtpInbox):
    """A loopback SMTP server whose mailbox does not exist: the refusal quotes the address."""

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, mail: Any, address: str, rcpt_options: Any
    ) -> str:
        return f"550 5.1.1 <{address}>: mailbox unknown"


def _broken(message: InboundMessage) -> dict[str, str]:
    raise ValueError(f"cannot read the message of {message.payload['name']}")


def test_the_email_channel_and_errors_keep_no_plaintext(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    # Given a body reachable by e-mail, whose outgoing mail server refuses the citizen
    tenant_factory(name="Desa Sealed", slug="desa-sealed")
    controller = Controller(RefusingSmtp(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.ADUAN_EMAIL_INBOUND_DOMAIN = "aduan.test"
    settings.ADUAN_EMAIL_INBOUND_SECRET = MAIL_SECRET
    mail = EmailMessage()
    mail["From"] = f"{NAME} <ratna@example.org>"
    mail["To"] = "aduan+desa-sealed@aduan.test"
    mail["Subject"] = "Lampu jalan mati"
    mail["Message-ID"] = "<ratna@example.org>"  # a Message-ID holding the address
    mail.set_content("Lampu jalan di dusun 2 mati.")
    try:
        # When the citizen writes (twice: a replay), and the receipt cannot be delivered
        assert post_mail(tenant_client, mail.as_bytes()).status_code == 200
        assert post_mail(tenant_client, mail.as_bytes()).status_code == 200
        [received] = process_and_send_allowing_failures()
    finally:
        controller.stop()
    assert received.status == InboundStatus.PROCESSED and received.result["tracking_code"]
    (receipt,) = OutboxMessage.objects.filter(channel="email")
    assert receipt.status == OutboxStatus.PENDING and receipt.attempts == 1  # to be retried
    assert "ratna@example.org" in receipt.last_error  # the models read the error back
    # and a message whose processing fails with an error quoting the sender's name
    inbound.register_handler("test-broken", _broken)
    broken, _ = inbound.do_receive_message(
        channel="test-broken", external_id="b-1", payload={"name": NAME}
    )
    failed = inbound.process_message(broken.pk)
    assert failed is not None and NAME in failed.last_error
    assert NAME in InboundMessage.objects.get(pk=broken.pk).last_error
    # Then the raw rows of the inbound store and the outbox hold none of it
    dump = raw_rows("public", "integrations_inboundmessage") + raw_rows(
        "public", "integrations_outboxmessage"
    )
    for secret in (NAME, "Kusumawati", "ratna@example.org", "ratna"):
        assert secret not in dump, secret
    # and the replay was still stored once: the Message-ID is kept as its blind index
    (stored,) = InboundMessage.objects.filter(channel="email")
    assert stored.external_id == envelope.blind_platform(
        inbound.EXTERNAL_ID_KIND, "<ratna@example.org>"
    )


def process_and_send_allowing_failures() -> list[InboundMessage]:
    done = []
    for pk in InboundMessage.objects.filter(status=InboundStatus.PENDING).values_list(
        "pk", flat=True
    ):
        processed = inbound.process_message(pk)
        assert processed is not None
        done.append(processed)
    for pk in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list(
        "pk", flat=True
    ):
        outbox.deliver(pk)
    return done


def test_the_data_migration_seals_errors_and_message_ids_stored_in_plain() -> None:
    # Given rows written before: an error and an e-mail Message-ID in plain
    inbound_row = InboundMessage.objects.create(channel="email", external_id="x", payload={})
    outbox_row = OutboxMessage.objects.create(
        key="old-err", channel="email", kind="receipt", recipient="x", body="x"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE integrations_inboundmessage SET external_id=%s, last_error=%s WHERE id=%s",
            ["<ratna@example.org>", f"cannot read {NAME}", inbound_row.pk],
        )
        cursor.execute(
            "UPDATE integrations_outboxmessage SET last_error=%s WHERE id=%s",
            ["550 <ratna@example.org> unknown", outbox_row.pk],
        )
    # When the migration's step runs
    seal_errors_and_ids(django_apps, None)
    # Then nothing is left in plain, the errors read back, and a replay finds the row
    dump = raw_rows("public", "integrations_inboundmessage") + raw_rows(
        "public", "integrations_outboxmessage"
    )
    assert "ratna@example.org" not in dump and NAME not in dump
    assert OutboxMessage.objects.get(pk=outbox_row.pk).last_error.startswith("550 <ratna@")
    assert InboundMessage.objects.get(pk=inbound_row.pk).last_error == f"cannot read {NAME}"
    _again, created = inbound.do_receive_message(
        channel="email", external_id="<ratna@example.org>", payload={}
    )
    assert not created
    # and a second run keeps it so (the id is not hashed twice)
    stored_id = InboundMessage.objects.get(pk=inbound_row.pk).external_id
    seal_errors_and_ids(django_apps, None)
    assert InboundMessage.objects.get(pk=inbound_row.pk).external_id == stored_id
    assert InboundMessage.objects.get(pk=inbound_row.pk).last_error == f"cannot read {NAME}"
