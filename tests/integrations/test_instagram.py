"""Instagram direct messages through Meta's webhook, with a fake Graph API on loopback."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.actions.working import do_respond_to_complaint
from complaints.models import Attachment, Channel, Complaint, ComplaintEvent, EventKind
from integrations import inbound, meta, outbox
from integrations.instagram.actions import do_set_instagram_account
from integrations.models import (
    ChannelName,
    InboundMessage,
    InboundStatus,
    InstagramAccount,
    InstagramConversation,
    OutboxMessage,
    OutboxStatus,
)
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.complaints.files import png_bytes
from tests.factories import TenantFactory, make_member, sign_in
from tests.integrations.conftest import IG_ACCOUNT, IG_TOKEN
from tests.integrations.fakes import InstagramGraphFake

APP_SECRET = "kuripan-app-secret"
VERIFY = "kuripan-verify"
CITIZEN = "6699001122334455"
_ids = iter(range(1, 10_000))


@pytest.fixture
def village(tenant_factory: TenantFactory) -> Tenant:
    tenant = tenant_factory(name="Pemerintah Desa Kuripan Kidul")
    do_set_instagram_account(
        tenant=tenant,
        account_id=IG_ACCOUNT,
        app_secret=APP_SECRET,
        access_token=IG_TOKEN,
        verify_token=VERIFY,
        actor=None,
    )
    return tenant


def webhook(tenant: Tenant) -> str:
    return f"/integrations/instagram/webhook/{tenant.slug}/"


def notification(message: dict[str, Any], account: str = IG_ACCOUNT) -> dict[str, Any]:
    """An Instagram messaging webhook body carrying one message, as Meta sends it."""
    return {
        "object": "instagram",
        "entry": [
            {
                "id": account,
                "time": 1764000000000,
                "messaging": [
                    {
                        "sender": {"id": CITIZEN},
                        "recipient": {"id": account},
                        "timestamp": 1764000000000,
                        "message": message,
                    }
                ],
            }
        ],
    }


def text(body: str) -> dict[str, Any]:
    return {"mid": f"aWdfZAG1faXRlbTo{next(_ids)}", "text": body}


def photo(url: str) -> dict[str, Any]:
    return {
        "mid": f"aWdfZAG1faXRlbTo{next(_ids)}",
        "attachments": [{"type": "image", "payload": {"url": url}}],
    }


def post(client: TenantClient, tenant: Tenant, body: dict[str, Any], secret: str) -> Any:
    raw = json.dumps(body).encode()
    return client.post(
        webhook(tenant),
        raw,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=meta.sign(raw, secret),
    )


def say(client: TenantClient, tenant: Tenant, message: dict[str, Any]) -> list[str]:
    """The citizen sends one message; the worker processes it and delivers the outbox.
    Returns the texts sent back for it."""
    assert post(client, tenant, notification(message), APP_SECRET).status_code == 200
    for pk in InboundMessage.objects.filter(status=InboundStatus.PENDING).values_list(
        "pk", flat=True
    ):
        processed = inbound.process_message(pk)
        assert processed is not None and processed.status == InboundStatus.PROCESSED, (
            processed and processed.last_error
        )
    answers = []
    for row in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("pk"):
        delivered = outbox.deliver(row.pk)
        assert delivered is not None
        assert delivered.status == OutboxStatus.SENT, delivered.last_error
        answers.append(row.body)
    return answers


def test_the_subscription_check_answers_only_the_tenants_own_verify_token(
    village: Tenant, tenant_client: TenantClient
) -> None:
    ok = tenant_client.get(
        webhook(village),
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "8842"},
    )
    assert (ok.status_code, ok.content) == (200, b"8842")
    wrong = tenant_client.get(
        webhook(village),
        {"hub.mode": "subscribe", "hub.verify_token": "tebakan", "hub.challenge": "1"},
    )
    assert wrong.status_code == 403
    assert wrong.json()["code"] == "integrations.bad_signature"


def test_a_bad_signature_gets_403_and_nothing_is_stored(
    village: Tenant,
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    instagram_graph: InstagramGraphFake,
) -> None:
    # Given another tenant with its own Instagram app
    other = tenant_factory(name="Desa Lain")
    do_set_instagram_account(
        tenant=other,
        account_id="17841400000000999",
        app_secret="other-secret",
        access_token="t",
        verify_token="v",
        actor=None,
    )
    body = notification(text("Halo"))
    # When a body comes signed with a wrong secret, with the other tenant's secret, unsigned
    wrong = post(tenant_client, village, body, "bukan-rahasianya")
    borrowed = post(tenant_client, village, body, "other-secret")
    raw = json.dumps(body).encode()
    unsigned = tenant_client.post(webhook(village), raw, content_type="application/json")
    # or well signed by the other tenant's app but naming this village's account
    misaddressed = post(tenant_client, other, body, "other-secret")
    # Then each is refused, and nothing is stored, processed or sent
    assert [r.status_code for r in (wrong, borrowed, unsigned)] == [403, 403, 403]
    assert misaddressed.status_code == 400
    assert wrong.json()["code"] == "integrations.bad_signature"
    assert not InboundMessage.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert instagram_graph.sent == []


def test_a_tenant_without_an_account_answers_like_a_bad_signature(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    response = post(tenant_client, tenant, notification(text("Halo")), APP_SECRET)
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()


def test_the_guided_conversation_asks_the_phone_and_the_category_questions_and_files(
    village: Tenant, tenant_client: TenantClient, instagram_graph: InstagramGraphFake
) -> None:
    # Given a photo on Instagram's CDN
    instagram_graph.files["foto.png"] = (png_bytes(), "image/png")
    # When the citizen writes to the village's account
    [welcome] = say(tenant_client, village, text("Halo"))
    assert welcome.startswith("Selamat datang di layanan pengaduan Pemerintah Desa Kuripan Kidul")
    assert welcome.endswith("Siapa nama lengkap Anda?")
    say(tenant_client, village, text("Siti Aminah"))
    [ask_phone] = say(tenant_client, village, text("RT 02 RW 01, Kuripan Kidul"))
    assert ask_phone.startswith("Tuliskan nomor telepon/WhatsApp Anda")
    # (a number that is not one is asked again)
    [again] = say(tenant_client, village, text("12"))
    assert again.endswith(ask_phone)
    say(tenant_client, village, text("0812-3456-7890"))
    media_prompt, offer = say(tenant_client, village, text("KTP-el saya belum jadi 3 bulan"))
    assert media_prompt.startswith("Kirim foto atau dokumen pendukung")
    assert "1. Jalan, jembatan dan drainase" in offer or "KTP elektronik" in offer
    number = next(line.split(".")[0] for line in offer.splitlines() if "KTP elektronik" in line)
    [nik_question] = say(tenant_client, village, text(number))
    assert nik_question == "Kategori: KTP elektronik (KTP-el).\nNIK (16 angka)?"
    # a required answer cannot be skipped
    assert say(tenant_client, village, text("-")) == [
        "Wajib dijawab untuk kategori ini: NIK (16 angka)."
    ]
    [office_question] = say(tenant_client, village, text("3301020101900001"))
    assert office_question.startswith("Kantor tempat mengurus")
    say(tenant_client, village, text("Kantor desa"))
    assert say(tenant_client, village, photo(f"{instagram_graph.base}/cdn/foto.png")) == [
        "Diterima. Ketik KIRIM bila sudah selesai."
    ]
    [receipt] = say(tenant_client, village, text("KIRIM"))
    # Then the complaint is in the village's register, with the answers and the photo
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
        attachments = list(Attachment.objects.filter(complaint=complaint))
    assert complaint.channel == Channel.SOCIAL
    assert (complaint.name, complaint.phone, complaint.category) == (
        "Siti Aminah",
        "+6281234567890",
        "ktp-el",
    )
    assert complaint.answers == {"nik": "3301020101900001", "kantor": "Kantor desa"}
    assert complaint.raw_payload["channel"] == "instagram"
    assert [(a.content_type, a.size) for a in attachments] == [("image/png", len(png_bytes()))]
    # and the tracking code went back into the chat, from the village's account
    assert f"Kode lacak: {complaint.tracking_code}\n" in receipt
    last = instagram_graph.sent[-1]
    assert (last["account_id"], last["recipient"]["id"]) == (IG_ACCOUNT, CITIZEN)
    assert instagram_graph.texts_to(CITIZEN)[0] == welcome


def test_echoes_of_the_accounts_own_messages_are_not_stored(
    village: Tenant, tenant_client: TenantClient
) -> None:
    echo = {**text("Balasan petugas"), "is_echo": True}
    response = post(tenant_client, village, notification(echo), APP_SECRET)
    assert response.json() == {"stored": 0}
    assert not InboundMessage.objects.exists()


def test_the_admin_connects_the_account_and_its_secrets_are_never_shown(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    # A first connection needs every secret: field errors, nothing stored
    missing = tenant_client.put(
        "/api/v1/integrations/instagram/",
        json.dumps({"account_id": "17841400000000123"}),
        content_type="application/json",
        tenant=tenant,
    )
    assert missing.status_code == 400
    assert set(missing.json()["extra"]["fields"]) == {"app_secret", "access_token", "verify_token"}
    assert not InstagramAccount.objects.exists()
    bad = tenant_client.put(
        "/api/v1/integrations/instagram/",
        json.dumps({"account_id": "kuripan.kidul"}),
        content_type="application/json",
        tenant=tenant,
    )
    assert bad.status_code == 400 and bad.json()["extra"]["field"] == "account_id"
    response = tenant_client.put(
        "/api/v1/integrations/instagram/",
        json.dumps(
            {
                "account_id": "17841400000000123",
                "app_secret": "s3cret-app",
                "access_token": "t0ken",
                "verify_token": "v3rify",
            }
        ),
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["account_id"] == "17841400000000123" and body["connected"] is True
    assert body["webhook_url"].endswith(f"/integrations/instagram/webhook/{tenant.slug}/")
    stored = InstagramAccount.objects.get(tenant=tenant)
    assert "s3cret-app" not in stored.app_secret_encrypted
    page = tenant_client.get("/integrations/instagram/", tenant=tenant).content.decode()
    assert "17841400000000123" in page and "s3cret-app" not in page and "t0ken" not in page


def file_by_chat(client: TenantClient, tenant: Tenant) -> Complaint:
    """The citizen files a complaint in the chat (no category, no photo)."""
    say(client, tenant, text("Halo"))
    say(client, tenant, text("Siti Aminah"))
    say(client, tenant, text("RT 02 RW 01, Kuripan Kidul"))
    say(client, tenant, text("0812-3456-7890"))
    say(client, tenant, text("Jalan depan balai desa berlubang sejak Senin"))
    [receipt] = say(client, tenant, text("KIRIM"))
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get()
    assert f"Kode lacak: {complaint.tracking_code}" in receipt
    assert "ketik BARU untuk pengaduan baru" in receipt
    return complaint


def respond(tenant: Tenant, complaint: Complaint, text: str = "Petugas sudah meninjau.") -> None:
    """A public response of the village's officer: the citizen is told of it."""
    with schema_context(tenant.schema_name):
        do_respond_to_complaint(
            complaint=complaint, actor=make_member(tenant, Role.OFFICER), message=text
        )


def deliver_pending() -> list[OutboxMessage]:
    delivered = []
    for pk in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list(
        "pk", flat=True
    ):
        row = outbox.deliver(pk)
        assert row is not None
        delivered.append(row)
    return delivered


def last_wrote(days: float) -> None:
    InstagramConversation.objects.filter(account_id=IG_ACCOUNT, igsid=CITIZEN).update(
        last_inbound_at=timezone.now() - timedelta(days=days)
    )


def test_the_chat_hears_the_steps_and_the_citizens_reply_reaches_the_timeline(
    village: Tenant, tenant_client: TenantClient, instagram_graph: InstagramGraphFake
) -> None:
    # Given a complaint filed in the Instagram chat
    complaint = file_by_chat(tenant_client, village)
    sent_before = len(instagram_graph.sent)
    # When an officer answers (a notice the citizen gets, like a step's)
    respond(village, complaint)
    [notice] = deliver_pending()
    # Then the notice went into the chat, from the village's account, as free text (the
    # citizen wrote minutes ago: inside the 24-hour standard window)
    assert (notice.channel, notice.status) == (ChannelName.INSTAGRAM, OutboxStatus.SENT)
    [sent] = instagram_graph.sent[sent_before:]
    assert (sent["account_id"], sent["recipient"]["id"]) == (IG_ACCOUNT, CITIZEN)
    assert "tag" not in sent
    assert f"Kode lacak: {complaint.tracking_code}" in sent["message"]["text"]
    # When the citizen answers in the chat, with a photo
    instagram_graph.files["lubang.png"] = (png_bytes(), "image/png")
    [thanks] = say(tenant_client, village, text("Lubangnya makin besar setelah hujan"))
    [thanks_photo] = say(tenant_client, village, photo(f"{instagram_graph.base}/cdn/lubang.png"))
    # Then both replies are on the complaint's timeline, by the one reply action
    with schema_context(village.schema_name):
        replies = list(
            ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.REPLY).order_by("pk")
        )
        files = Attachment.objects.filter(complaint=complaint).count()
        assert Complaint.objects.count() == 1
    assert [(r.actor_label, r.message) for r in replies] == [
        ("Pengadu", "Lubangnya makin besar setelah hujan"),
        ("Pengadu", ""),
    ]
    # each entry keeps the inbound message it came from; the photo is the complaint's file
    after = [r.after or {} for r in replies]
    assert [a.get("attachments") for a in after] == [None, 1] and files == 1
    assert all(a.get("inbound_id") for a in after)
    assert thanks.startswith(f"Balasan Anda dicatat pada pengaduan nomor {complaint.number}.")
    assert thanks_photo == thanks
    # and BARU starts a new complaint instead of replying
    [welcome] = say(tenant_client, village, text("BARU"))
    assert welcome.startswith("Selamat datang di layanan pengaduan")
    with schema_context(village.schema_name):
        assert ComplaintEvent.objects.filter(kind=EventKind.REPLY).count() == 2


def test_after_24_hours_the_notice_is_tagged_human_agent_and_after_7_days_not_sent_there(
    village: Tenant, tenant_client: TenantClient, instagram_graph: InstagramGraphFake
) -> None:
    complaint = file_by_chat(tenant_client, village)
    sent_before = len(instagram_graph.sent)
    # Given the citizen last wrote three days ago
    last_wrote(3)
    # When the officer answers
    respond(village, complaint)
    [notice] = deliver_pending()
    # Then the notice is sent with Meta's HUMAN_AGENT tag
    assert (notice.channel, notice.status) == (ChannelName.INSTAGRAM, OutboxStatus.SENT)
    [sent] = instagram_graph.sent[sent_before:]
    assert (sent["messaging_type"], sent["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")
    # Given eight days of silence, the chat is closed to the village
    last_wrote(8)
    respond(village, complaint, "Sudah diukur.")
    # Then nothing more is written for the chat (no e-mail given: the tracking page tells)
    assert not OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, channel=ChannelName.INSTAGRAM
    ).exists()
    assert len(instagram_graph.sent) == sent_before + 1


def test_a_chat_complaint_with_an_e_mail_gets_it_by_e_mail_once_the_chat_is_closed(
    village: Tenant, tenant_client: TenantClient, instagram_graph: InstagramGraphFake
) -> None:
    complaint = file_by_chat(tenant_client, village)
    with schema_context(village.schema_name):
        Complaint.objects.filter(pk=complaint.pk).update(email="siti@example.test")
        complaint.refresh_from_db()
    last_wrote(10)
    respond(village, complaint)
    notice = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).get()
    assert (notice.channel, notice.recipient) == (ChannelName.EMAIL, "siti@example.test")
