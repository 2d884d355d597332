"""The SMS keyword channel through its gateway webhook, with a fake gateway on loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Channel, Complaint
from integrations import inbound, outbox
from integrations.models import InboundMessage, InboundStatus, OutboxMessage, SmsKeyword
from integrations.sms import gsm7
from integrations.sms.keywords import do_set_sms_keyword
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in
from tests.integrations.conftest import SMS_SECRET
from tests.integrations.fakes import SmsGatewayFake

WEBHOOK = "/integrations/sms/inbound/"


@pytest.fixture
def barut(tenant_factory: TenantFactory) -> Tenant:
    tenant = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05", name="Pemkab Barito Utara")
    do_set_sms_keyword(tenant=tenant, keyword="barut", actor=None)
    return tenant


def deliver_sms(
    client: TenantClient,
    text: str,
    *,
    sms_id: str = "gw-in-1",
    sender: str = "081234567890",
    secret: str = SMS_SECRET,
) -> Any:
    return client.post(
        WEBHOOK,
        {"from": sender, "to": "1708", "text": text, "id": sms_id},
        HTTP_X_GATEWAY_SECRET=secret,
    )


def process_all() -> list[InboundMessage]:
    """The job's body for every unprocessed message, as a worker would run it."""
    done = []
    waiting = InboundMessage.objects.exclude(status=InboundStatus.PROCESSED).order_by("pk")
    for pk in waiting.values_list("pk", flat=True):
        processed = inbound.process_message(pk)
        assert processed is not None
        done.append(processed)
    return done


def send_outbox() -> None:
    for pk in OutboxMessage.objects.order_by("pk").values_list("pk", flat=True):
        outbox.deliver(pk)


def test_barut_aduan_files_a_complaint_and_the_receipt_is_sent(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    # Given Barito Utara's keyword BARUT, when a citizen sends `BARUT ADUAN <text>` to 1708
    response = deliver_sms(tenant_client, "barut aduan  Jalan desa Lemo rusak parah sejak Mei")
    # Then the gateway is told the message is accepted, and the raw message is kept
    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    stored = InboundMessage.objects.get()
    assert stored.payload == {
        "from": "081234567890",
        "to": "1708",
        "text": "barut aduan  Jalan desa Lemo rusak parah sejak Mei",
        "id": "gw-in-1",
    }
    # When the job processes it
    [message] = process_all()
    # Then a complaint is filed in Barito Utara's register with the text and the number
    assert message.status == InboundStatus.PROCESSED
    assert message.tenant == barut
    with schema_context(barut.schema_name):
        complaint = Complaint.objects.get()
    assert complaint.channel == Channel.SMS
    assert complaint.description == "Jalan desa Lemo rusak parah sejak Mei"
    assert complaint.phone == "+6281234567890"
    assert complaint.raw_payload is not None
    assert complaint.raw_payload["text"] == stored.payload["text"]
    # (name, address and subject were not sent: kept as an incomplete complaint)
    assert complaint.missing_elements == ["name", "address", "subject"]
    assert message.result == {"tracking_code": complaint.tracking_code}
    # When the outbox is delivered, the receipt reaches the gateway: one GSM-7 SMS
    send_outbox()
    [sent] = sms_gateway.delivered.values()
    assert sent["to"] == "+6281234567890"
    assert sent["from"] == "1708"
    assert sent["text"] == (
        f"Aduan Anda diterima. Kode lacak: {complaint.tracking_code}. "
        f"Cek: BARUT STATUS {complaint.tracking_code}"
    )
    assert gsm7.fits_one_sms(sent["text"])


def test_a_replayed_webhook_files_no_second_complaint(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    # Given an SMS delivered and processed
    deliver_sms(tenant_client, "BARUT ADUAN Lampu jalan mati", sms_id="gw-42")
    process_all()
    # When the gateway delivers the same message again
    again = deliver_sms(tenant_client, "BARUT ADUAN Lampu jalan mati", sms_id="gw-42")
    assert process_all() == []
    # (and the job, should it run again for the stored message, does nothing)
    assert inbound.process_message(InboundMessage.objects.get().pk) is None
    # Then it is acknowledged, but there is still one message, one complaint, one receipt
    assert again.status_code == 200
    assert InboundMessage.objects.count() == 1
    with schema_context(barut.schema_name):
        assert Complaint.objects.count() == 1
    assert OutboxMessage.objects.count() == 1


def test_a_wrong_secret_is_refused_and_nothing_is_stored(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    # When a message arrives without the gateway's secret
    response = deliver_sms(tenant_client, "BARUT ADUAN palsu", secret="guess")
    # Then 403 with the bad-signature code, and nothing is stored or filed
    assert response.status_code == 403
    assert response.json()["code"] == "integrations.bad_signature"
    assert InboundMessage.objects.count() == 0
    with schema_context(barut.schema_name):
        assert Complaint.objects.count() == 0


def test_a_webhook_without_an_id_is_a_field_error(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    response = tenant_client.post(
        WEBHOOK, {"from": "0812", "text": "BARUT ADUAN x"}, HTTP_X_GATEWAY_SECRET=SMS_SECRET
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["id"]
    assert InboundMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        (
            "BARTU ADUAN jalan rusak",
            "Kata kunci tidak dikenal. Format: KATAKUNCI ADUAN isi pengaduan / "
            "KATAKUNCI STATUS kode lacak / KATAKUNCI INFO. Kirim ke 1708.",
        ),
        (
            "BARUT LAPOR jalan rusak",
            "Format: BARUT ADUAN isi pengaduan / BARUT STATUS kode lacak / BARUT INFO. "
            "Kirim ke 1708.",
        ),
        (
            "BARUT ADUAN",
            "Format: BARUT ADUAN isi pengaduan / BARUT STATUS kode lacak / BARUT INFO. "
            "Kirim ke 1708.",
        ),
        (
            "BARUT INFO",
            "Pemkab Barito Utara. Format: BARUT ADUAN isi pengaduan / BARUT STATUS kode lacak"
            " / BARUT INFO. Kirim ke 1708.",
        ),
        ("BARUT STATUS 2222222222", "Kode lacak 2222222222 tidak ditemukan."),
    ],
)
def test_replies_show_the_right_format_in_one_gsm7_sms(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake, text: str, reply: str
) -> None:
    # When a message with an unknown keyword, command or missing part arrives
    deliver_sms(tenant_client, text)
    [message] = process_all()
    send_outbox()
    # Then the sender gets the right format back, in one GSM-7 SMS, and nothing is filed
    assert message.status == InboundStatus.PROCESSED
    [sent] = sms_gateway.delivered.values()
    assert sent["to"] == "081234567890"
    assert sent["text"] == reply
    assert gsm7.fits_one_sms(sent["text"])
    with schema_context(barut.schema_name):
        assert Complaint.objects.count() == 0


def test_status_answers_the_state_of_the_complaint(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    # Given a complaint of Barito Utara
    complaint = file_complaint(barut)
    # When its tracking code is asked for by SMS (lower case)
    deliver_sms(tenant_client, f"barut status {complaint.tracking_code.lower()}")
    process_all()
    send_outbox()
    # Then its step comes back by the name the SOP gives it in Bahasa Indonesia, not its key
    [sent] = sms_gateway.delivered.values()
    assert complaint.state == "received"
    assert sent["text"] == (
        f"Aduan {complaint.tracking_code}: status Diterima: menunggu verifikasi admin."
    )
    assert gsm7.fits_one_sms(sent["text"])


def test_the_sms_reply_fits_even_with_a_long_tenant_name(
    tenant_factory: TenantFactory, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    # Given a tenant whose name is long and not all GSM-7
    tenant = tenant_factory(name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten “Sanggau” " * 3)
    do_set_sms_keyword(tenant=tenant, keyword="SGU", actor=None)
    # When INFO is asked
    deliver_sms(tenant_client, "SGU INFO")
    process_all()
    send_outbox()
    # Then the reply is cut to one GSM-7 SMS
    [sent] = sms_gateway.delivered.values()
    assert gsm7.fits_one_sms(sent["text"])
    assert sent["text"].endswith("...")


def test_a_failing_message_is_kept_with_its_error_and_retried(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    # Given an SMS whose processing fails (its tenant's schema is gone: an outage)
    deliver_sms(tenant_client, "BARUT ADUAN sampah menumpuk")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{barut.schema_name}" RENAME TO "{barut.schema_name}_x"')
    [message] = process_all()
    # Then it is kept as failed, with its error and a next attempt
    assert message.status == InboundStatus.FAILED
    assert message.attempts == 1
    assert message.last_error.startswith("ProgrammingError")
    assert message.next_attempt_at is not None
    # When the cause is fixed and it is retried
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{barut.schema_name}_x" RENAME TO "{barut.schema_name}"')
    inbound.do_retry_message(message=message)
    [message] = process_all()
    # Then it is processed, once
    assert message.status == InboundStatus.PROCESSED
    assert message.attempts == 2
    with schema_context(barut.schema_name):
        assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("keyword", "code"),
    [
        ("B", "integrations.invalid_keyword"),
        ("BARUT KOTA", "integrations.invalid_keyword"),
        ("ADUAN", "integrations.invalid_keyword"),
        ("barut", "integrations.duplicate_keyword"),
    ],
)
def test_the_keyword_api_refuses_bad_keywords(
    barut: Tenant,
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    keyword: str,
    code: str,
) -> None:
    # Given the admin of another tenant
    other = tenant_factory()
    sign_in(tenant_client, make_member(other, Role.TENANT_ADMIN))
    # When they set a bad or taken keyword
    response = tenant_client.put(
        "/api/v1/integrations/sms/keyword/",
        json.dumps({"keyword": keyword}),
        content_type="application/json",
        tenant=other,
    )
    # Then a field error, and nothing stored
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["extra"]["field"] == "keyword"
    assert not SmsKeyword.objects.filter(tenant=other).exists()


def test_the_admin_sets_the_keyword_on_the_page(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a tenant admin
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    # When they save a keyword on the page
    response = tenant_client.post("/integrations/sms/", {"keyword": "kuripan"}, tenant=tenant)
    # Then it is stored upper case and shown with the format citizens use
    assert response.status_code == 302
    assert SmsKeyword.objects.get(tenant=tenant).keyword == "KURIPAN"
    page = tenant_client.get("/integrations/sms/", tenant=tenant)
    assert "KURIPAN ADUAN isi pengaduan" in page.content.decode()
    api = tenant_client.get("/api/v1/integrations/sms/keyword/", tenant=tenant)
    assert api.json() == {"keyword": "KURIPAN"}


@pytest.mark.parametrize(
    ("sender", "text", "field"),
    [
        ("TELKOMSEL", "BARUT ADUAN jalan rusak", "from"),
        ("081234567890", "   ", "text"),
        ("081234567890", "", "text"),
    ],
)
def test_a_useless_sms_gets_a_clear_field_error_and_nothing_is_stored(
    barut: Tenant,
    tenant_client: TenantClient,
    sms_gateway: SmsGatewayFake,
    sender: str,
    text: str,
    field: str,
) -> None:
    response = deliver_sms(tenant_client, text, sender=sender)
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == [field]
    assert InboundMessage.objects.count() == 0


def test_json_where_the_gateway_form_is_expected_is_415(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    response = tenant_client.post(
        WEBHOOK,
        json.dumps({"from": "081234567890", "text": "BARUT ADUAN x", "id": "j1"}),
        content_type="application/json",
        HTTP_X_GATEWAY_SECRET=SMS_SECRET,
    )
    assert response.status_code == 415
    assert set(response.json()) == {"code", "message", "extra"}
    assert InboundMessage.objects.count() == 0


def test_a_named_category_needs_its_required_answers_or_nothing_is_filed(
    barut: Tenant, tenant_client: TenantClient, sms_gateway: SmsGatewayFake
) -> None:
    # When a citizen names the KTP-el category but answers only one of its two questions
    deliver_sms(tenant_client, "BARUT ADUAN KTP-el belum jadi; Kategori: KTP-el; NIK: 123")
    [message] = process_all()
    assert message.result == {
        "reply": "Aduan belum dicatat. Kirim ulang dengan: Kantor tempat mengurus: ..."
    }
    # Then nothing is filed, and the reply asks for the missing answer in the same format
    with schema_context(barut.schema_name):
        assert not Complaint.objects.exists()
    send_outbox()
    [asked] = sms_gateway.delivered.values()
    assert asked["text"] == "Aduan belum dicatat. Kirim ulang dengan: Kantor tempat mengurus: ..."
    assert gsm7.fits_one_sms(asked["text"])
    # When they send it again with both answers
    deliver_sms(
        tenant_client,
        "BARUT ADUAN KTP-el belum jadi; Kategori: KTP-el; NIK: 6205010101900001; "
        "Kantor: Disdukcapil",
        sms_id="gw-in-2",
    )
    process_all()
    # Then it is filed with the category and the answers
    with schema_context(barut.schema_name):
        complaint = Complaint.objects.get()
    assert complaint.category == "ktp-el"
    assert complaint.answers == {"nik": "6205010101900001", "kantor": "Disdukcapil"}
