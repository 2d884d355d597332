"""WhatsApp (Cloud API) through its webhook, with a fake Cloud API server on loopback."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.models import Attachment, Channel, Complaint
from complaints.privacy import privacy_notice
from integrations import inbound, outbox
from integrations.models import (
    InboundMessage,
    InboundStatus,
    NotificationKind,
    OutboxMessage,
    OutboxStatus,
    WhatsAppNumber,
    WhatsAppTemplate,
)
from integrations.notify import notify_complaint
from integrations.whatsapp import cloud
from tenants.models import Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.files import png_bytes
from tests.factories import TenantFactory
from tests.integrations.conftest import WA_APP_SECRET, WA_SHARED_NUMBER, WA_VERIFY_TOKEN
from tests.integrations.fakes import CloudApiFake

WEBHOOK = "/integrations/whatsapp/webhook/"
OWN_NUMBER = "200000002"
CITIZEN = "6281234567890"
_ids = iter(range(1, 10_000))


def notification(number_id: str, message: dict[str, Any]) -> dict[str, Any]:
    """A Cloud API webhook body carrying one message, as Meta sends it."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA-1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "628111",
                                "phone_number_id": number_id,
                            },
                            "contacts": [{"profile": {"name": "Siti"}, "wa_id": message["from"]}],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }


def text(body: str, wamid: str | None = None) -> dict[str, Any]:
    return {
        "from": CITIZEN,
        "id": wamid or f"wamid.IN{next(_ids)}",
        "timestamp": "1764000000",
        "type": "text",
        "text": {"body": body},
    }


def image(media_id: str) -> dict[str, Any]:
    return {
        "from": CITIZEN,
        "id": f"wamid.IN{next(_ids)}",
        "timestamp": "1764000000",
        "type": "image",
        "image": {"id": media_id, "mime_type": "image/png", "sha256": "x", "caption": ""},
    }


def post(client: TenantClient, body: dict[str, Any], secret: str = WA_APP_SECRET) -> Any:
    raw = json.dumps(body).encode()
    return client.post(
        WEBHOOK,
        raw,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=cloud.sign(raw, secret),
    )


def say(client: TenantClient, number_id: str, message: dict[str, Any]) -> list[str]:
    """The citizen sends one message; the worker processes it and delivers the outbox.
    Returns the texts sent back for it."""
    response = post(client, notification(number_id, message))
    assert response.status_code == 200
    for pk in InboundMessage.objects.filter(status=InboundStatus.PENDING).values_list(
        "pk", flat=True
    ):
        inbound.process_message(pk)
    answers = []
    for row in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("pk"):
        delivered = outbox.deliver(row.pk)
        assert delivered is not None
        assert delivered.status == OutboxStatus.SENT, delivered.last_error
        answers.append(row.body)
    return answers


@pytest.fixture
def village(tenant_factory: TenantFactory) -> Tenant:
    tenant = tenant_factory(name="Pemerintah Desa Babakan")
    WhatsAppNumber.objects.create(phone_number_id=OWN_NUMBER, tenant=tenant)
    return tenant


def test_the_subscription_check_echoes_the_challenge_only_for_the_right_token(
    reference_data: object, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    ok = tenant_client.get(
        WEBHOOK,
        {
            "hub.mode": "subscribe",
            "hub.verify_token": WA_VERIFY_TOKEN,
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200
    assert ok.content == b"1158201444"
    wrong = tenant_client.get(
        WEBHOOK, {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}
    )
    assert wrong.status_code == 403


def test_a_bad_signature_gets_403_and_nothing_is_stored(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # When a notification is signed with the wrong secret, or not at all
    bad = post(tenant_client, notification(OWN_NUMBER, text("Halo")), secret="not-the-secret")
    unsigned = tenant_client.post(
        WEBHOOK, json.dumps(notification(OWN_NUMBER, text("Halo"))), content_type="application/json"
    )
    # Then both are refused, and nothing is stored or answered
    assert bad.status_code == 403
    assert bad.json()["code"] == "integrations.bad_signature"
    assert unsigned.status_code == 403
    assert InboundMessage.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_the_guided_conversation_files_a_complaint_with_its_photo(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given a photo the citizen will send, on the village's own number
    cloud_api.media["MEDIA-1"] = (png_bytes(), "image/png")
    # When the citizen talks to the number
    # (the first message carries the privacy notice: UU 27/2022)
    assert say(tenant_client, OWN_NUMBER, text("Halo")) == [
        "Selamat datang di layanan pengaduan Pemerintah Desa Babakan.\n"
        + privacy_notice(village)
        + "\nSiapa nama lengkap Anda?"
    ]
    assert "UU 27/2022" in privacy_notice(village)
    assert say(tenant_client, OWN_NUMBER, text("Siti Aminah")) == [
        "Terima kasih. Tuliskan alamat Anda (jalan, RT/RW, desa/kelurahan)."
    ]
    assert say(tenant_client, OWN_NUMBER, text("RT 02 RW 03, Desa Babakan")) == [
        "Tuliskan pengaduan Anda: apa yang terjadi, di mana dan kapan."
    ]
    assert say(tenant_client, OWN_NUMBER, text("Jalan desa berlubang di depan balai desa")) == [
        "Kirim foto atau dokumen pendukung bila ada, lalu ketik KIRIM. "
        "Bila tidak ada, ketik KIRIM sekarang.",
        # (the catalogue's categories that ask their own questions are offered)
        CATEGORY_OFFER,
    ]
    assert say(tenant_client, OWN_NUMBER, image("MEDIA-1")) == [
        "Diterima. Ketik KIRIM bila sudah selesai."
    ]
    [receipt] = say(tenant_client, OWN_NUMBER, text("kirim"))
    # Then the complaint is in the village's register with the elements and the photo
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
        attachments = list(Attachment.objects.filter(complaint=complaint))
    assert complaint.channel == Channel.WHATSAPP
    assert (complaint.name, complaint.address, complaint.phone) == (
        "Siti Aminah",
        "RT 02 RW 03, Desa Babakan",
        "+6281234567890",
    )
    assert complaint.description == "Jalan desa berlubang di depan balai desa"
    assert complaint.is_complete
    assert [(a.content_type, a.size) for a in attachments] == [("image/png", len(png_bytes()))]
    # and the receipt with the tracking code went back by WhatsApp, from the village's number
    assert receipt == (
        f"Pengaduan Anda telah diterima oleh Pemerintah Desa Babakan dan dicatat dengan nomor "
        f"{complaint.number}.\nKode lacak: {complaint.tracking_code}"
    )
    last = cloud_api.sent[-1]
    assert (last["phone_number_id"], last["to"], last["text"]["body"]) == (
        OWN_NUMBER,
        CITIZEN,
        receipt,
    )


CATEGORY_OFFER = (
    "Bila pengaduan Anda tentang salah satu hal berikut, balas dengan angkanya:\n"
    "1. Jalan, jembatan dan drainase\n2. KTP elektronik (KTP-el)"
)


def test_a_chosen_category_asks_its_questions_and_requires_the_required_ones(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given a citizen who has told who they are and what happened
    for message in ("Halo", "Siti", "RT 02, Desa Babakan"):
        say(tenant_client, OWN_NUMBER, text(message))
    assert say(tenant_client, OWN_NUMBER, text("Jalan rusak di dusun 2"))[1] == CATEGORY_OFFER
    # When they pick the road category, its questions are asked one by one
    assert say(tenant_client, OWN_NUMBER, text("1")) == [
        "Kategori: Jalan, jembatan dan drainase.\n"
        "Perkiraan ukuran kerusakan (misalnya 2 x 1 meter)?"
    ]
    # a required one cannot be skipped, nor jumped over by sending
    for skip in ("-", "KIRIM"):
        assert say(tenant_client, OWN_NUMBER, text(skip)) == [
            "Wajib dijawab untuk kategori ini: Perkiraan ukuran kerusakan (misalnya 2 x 1 meter)."
        ]
    with schema_context(village.schema_name):
        assert not Complaint.objects.exists()
    assert say(tenant_client, OWN_NUMBER, text("3 x 2 meter")) == ["Patokan terdekat?"]
    assert say(tenant_client, OWN_NUMBER, text("Masjid Al-Ikhlas")) == [
        "Terima kasih. Kirim foto atau dokumen bila ada, lalu ketik KIRIM."
    ]
    say(tenant_client, OWN_NUMBER, text("KIRIM"))
    # Then the complaint carries the category and its answers
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    assert complaint.category == "jalan-jembatan"
    assert complaint.answers == {"ukuran": "3 x 2 meter", "patokan": "Masjid Al-Ikhlas"}


def test_the_shared_number_asks_for_the_region_and_routes(
    tenant_factory: TenantFactory, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given Barito Utara's regency government on the platform, no number of its own
    barut = tenant_factory(kind=TenantKind.PEMKAB, region_code="62.05", name="Pemkab Barito Utara")
    # When a citizen writes to the platform's shared number
    [ask] = say(tenant_client, WA_SHARED_NUMBER, text("Selamat pagi"))
    # Then it asks where the complaint is for
    assert ask == (
        "Selamat datang di layanan pengaduan masyarakat. Pengaduan Anda untuk desa/kelurahan "
        "atau kabupaten/kota mana?"
    )
    # When the answer names nothing known, it asks again
    [again] = say(tenant_client, WA_SHARED_NUMBER, text("Kabupaten Antah Berantah"))
    assert again.startswith('Kami belum menemukan instansi untuk "Kabupaten Antah Berantah"')
    # When the answer names the regency, the conversation is routed there
    [routed] = say(tenant_client, WA_SHARED_NUMBER, text("kabupaten barito utara"))
    assert (
        routed == "Pengaduan Anda akan diterima oleh Pemkab Barito Utara. Siapa nama lengkap Anda?"
    )
    assert InboundMessage.objects.order_by("-pk").first().tenant == barut  # type: ignore[union-attr]


def test_a_replayed_notification_is_processed_once(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given a message delivered and processed
    first = text("Halo", wamid="wamid.SAME")
    say(tenant_client, OWN_NUMBER, first)
    # When Meta delivers it again
    assert say(tenant_client, OWN_NUMBER, first) == []
    # Then it is stored once and answered once
    assert InboundMessage.objects.count() == 1
    assert len(cloud_api.sent) == 1


def test_outside_the_24_hour_window_only_an_approved_template_is_sent(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given a complaint filed by WhatsApp
    for message in ("Halo", "Siti", "RT 1", "Lampu jalan mati", "KIRIM"):
        say(tenant_client, OWN_NUMBER, text(message))
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    sent_before = len(cloud_api.sent)
    # When its status changes two days later and there is no approved template
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        status = notify_complaint(
            tenant=village, complaint=complaint, kind=NotificationKind.STATUS, note="Diproses"
        )
        assert status is not None
        outbox.deliver(status.pk)
    # Then nothing is sent; the notification waits with a clear error
    status.refresh_from_db()
    assert status.status == OutboxStatus.PENDING
    assert "no approved template for 'status'" in status.last_error
    assert len(cloud_api.sent) == sent_before
    # When the platform registers an approved template and the retry runs
    WhatsAppTemplate.objects.create(
        kind=NotificationKind.STATUS, name="aduan_status", language="id"
    )
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        outbox.deliver(status.pk)
    # Then the template goes out with the tracking code and the note
    status.refresh_from_db()
    assert status.status == OutboxStatus.SENT
    last = cloud_api.sent[-1]
    assert last["type"] == "template"
    assert last["template"] == {
        "name": "aduan_status",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": complaint.tracking_code},
                    {"type": "text", "text": "Diproses"},
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    "body",
    [
        {"entry": 5},
        {"entry": [1, 2]},
        {"entry": [{"changes": "x"}]},
        {"entry": [{"changes": [{"value": []}]}]},
        {"entry": [{"changes": [{"value": {"metadata": "x"}}]}]},
        {"entry": [{"changes": [{"value": {"messages": [text("Halo"), 7]}}]}]},
        {"entry": [{"changes": [{"value": {"contacts": [{"profile": "x"}]}}]}]},
    ],
)
def test_a_well_signed_malformed_body_gets_400_and_nothing_is_stored(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake, body: dict[str, Any]
) -> None:
    response = post(tenant_client, body)
    assert response.status_code == 400
    assert response.json()["code"] == "integrations.malformed"
    assert set(response.json()) == {"code", "message", "extra"}
    assert InboundMessage.objects.count() == 0


def test_a_form_body_to_the_webhook_is_400_not_a_server_error(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # A multipart form was parsed before the view, so its raw bytes could not be read: a 500
    response = tenant_client.post(WEBHOOK, {"entry": "x"}, HTTP_X_HUB_SIGNATURE_256="sha256=0")
    assert response.status_code == 400
    assert response.json()["code"] == "integrations.malformed"
    assert InboundMessage.objects.count() == 0


def status_update(number_id: str, wamid: str, status: str, reference: str) -> dict[str, Any]:
    """A Cloud API webhook body carrying one delivery status, as Meta sends it."""
    item: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": "1764000100",
        "recipient_id": CITIZEN,
        "biz_opaque_callback_data": reference,
    }
    if status == "failed":
        item["errors"] = [{"code": 131026, "title": "Message undeliverable"}]
    body = notification(number_id, text("unused"))
    value = body["entry"][0]["changes"][0]["value"]
    del value["messages"], value["contacts"]
    value["statuses"] = [item]
    return body


def _greeting_with_its_answer_lost(client: TenantClient, cloud_api: CloudApiFake) -> OutboxMessage:
    cloud_api.lose_next = 1
    assert post(client, notification(OWN_NUMBER, text("Halo"))).status_code == 200
    for pk in InboundMessage.objects.values_list("pk", flat=True):
        inbound.process_message(pk)
    reply = OutboxMessage.objects.get(status=OutboxStatus.PENDING)
    delivered = outbox.deliver(reply.pk)
    assert delivered is not None and delivered.status == OutboxStatus.PENDING
    return reply


def test_a_send_whose_answer_was_lost_goes_out_once_when_its_status_arrives(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given a reply that went out although the Cloud API's answer was lost
    reply = _greeting_with_its_answer_lost(tenant_client, cloud_api)
    assert len(cloud_api.sent) == 1
    assert cloud_api.sent[0]["biz_opaque_callback_data"] == reply.key
    # When Meta's "sent" status for it arrives, then "read" and a late "delivered"
    for status in ("sent", "read", "delivered"):
        body = status_update(OWN_NUMBER, "wamid.OUT1", status, reference=reply.key)
        assert post(tenant_client, body).json() == {"stored": 0}
    # Then the reply is recorded as sent with that id, its latest status kept
    reply.refresh_from_db()
    assert reply.status == OutboxStatus.SENT
    assert reply.provider_message_id == "wamid.OUT1"
    assert reply.extra["delivery"] == "read"
    # and the retry sends nothing: the citizen got it once
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        assert outbox.deliver(reply.pk) is None
    assert len(cloud_api.sent) == 1


def test_without_a_status_the_retry_sends_again_as_documented(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given a reply whose answer was lost and no status webhook before the retry
    reply = _greeting_with_its_answer_lost(tenant_client, cloud_api)
    # When the retry runs
    delivered = outbox.deliver(reply.pk)
    # Then it is sent a second time (the at-least-once that remains, in cloud.py)
    assert delivered is not None and delivered.status == OutboxStatus.SENT
    assert len(cloud_api.sent) == 2


def test_a_failed_status_marks_the_notification_failed_and_unknown_ones_change_nothing(
    village: Tenant, tenant_client: TenantClient, cloud_api: CloudApiFake
) -> None:
    # Given a reply sent normally
    say(tenant_client, OWN_NUMBER, text("Halo"))
    reply = OutboxMessage.objects.get()
    # When Meta reports it failed, and reports a status for a message not ours
    post(tenant_client, status_update(OWN_NUMBER, reply.provider_message_id, "failed", reply.key))
    post(tenant_client, status_update(OWN_NUMBER, "wamid.X", "sent", "not-a-key"))
    # Then the reply is failed with Meta's reason (the failed-messages page offers a Retry)
    reply.refresh_from_db()
    assert reply.status == OutboxStatus.FAILED
    assert reply.last_error == "WhatsApp: Message undeliverable"
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    "statuses", [5, "x", [1, "a"], [{"id": "w"}], [{"status": "sent"}], {"id": "w"}]
)
def test_malformed_statuses_are_skipped(statuses: Any) -> None:
    body = {"entry": [{"changes": [{"value": {"statuses": statuses}}]}]}
    assert cloud.delivery_statuses(body) == []
    assert cloud.delivery_statuses({"entry": [{"changes": "x"}, 5]}) == []
