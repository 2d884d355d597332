"""Issue 19, every table: plain SQL over the raw rows of every table holding identity or WBS
content (the tenant's complaints, timeline, attachments; the public inbound store, outbox,
WhatsApp conversations, LAPOR! referrals) finds no plaintext; and rows stored in plain
before sealing existed are sealed by the data migrations' own functions."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from psycopg import sql

from aduan import envelope
from aduan.sealed_fields import reseal_rows
from complaints import sealing
from complaints.actions import wbs as wbs_actions
from complaints.models import Attachment, Complaint, ComplaintEvent
from integrations.models import InboundMessage, OutboxMessage, WhatsAppConversation, WhatsAppNumber
from integrations.sms.keywords import do_set_sms_keyword
from routing.actions.referrals import do_refer_unfiled_complaint
from routing.models import LaporReferral
from routing.router import Outcome, Proposal
from tenants.models import Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.files import photo
from tests.factories import TenantFactory, file_complaint
from tests.integrations.conftest import cloud_api, sms_gateway  # noqa: F401 - fixtures
from tests.integrations.fakes import CloudApiFake, SmsGatewayFake
from tests.integrations.test_sms import deliver_sms, process_all, send_outbox
from tests.integrations.test_whatsapp import OWN_NUMBER, say, text

pytestmark = pytest.mark.django_db

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
    m._meta.db_table
    for m in (InboundMessage, OutboxMessage, WhatsAppConversation, LaporReferral)
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
