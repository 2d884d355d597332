"""The e-mail channel: raw-MIME webhook, IMAP polling (a real pymap server on loopback),
replies threaded by token, outbound by SMTP (a real aiosmtpd server on loopback)."""

from __future__ import annotations

import imaplib
import time
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from aduan import crypto
from complaints.actions.replies import do_reply_to_complaint
from complaints.errors import ComplaintError
from complaints.models import Attachment, Channel, Complaint, ComplaintEvent, EventKind
from integrations import inbound, outbox
from integrations.email import imap
from integrations.models import (
    EmailMailbox,
    InboundMessage,
    InboundStatus,
    OutboxMessage,
    OutboxStatus,
)
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.complaints.files import png_bytes
from tests.factories import TenantFactory, make_member, sign_in
from tests.integrations.conftest import IMAP_PASSWORD, IMAP_USER, SmtpInbox

WEBHOOK = "/integrations/email/inbound/"


def citizen_mail(
    to: str, subject: str, body: str, *, message_id: str, photo: bool = False
) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Budi Santoso <budi@example.id>"
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = message_id
    mail.set_content(body)
    if photo:
        mail.add_attachment(png_bytes(), maintype="image", subtype="png", filename="jalan.png")
    return mail.as_bytes()


MAIL_SECRET = "mail-secret"  # the smtp fixture sets it


def post_mail(client: TenantClient, raw: bytes, secret: str = MAIL_SECRET) -> Any:
    return client.post(WEBHOOK, raw, content_type="message/rfc822", HTTP_X_MAIL_SECRET=secret)


def process_and_send() -> list[InboundMessage]:
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
        delivered = outbox.deliver(pk)
        assert delivered is not None and delivered.status == OutboxStatus.SENT, delivered
    return done


@pytest.fixture
def desa(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(name="Pemerintah Desa Kuripan Kidul", slug="kuripan-kidul")


def test_a_mail_files_a_complaint_and_the_reply_threads_onto_it(
    desa: Tenant, tenant_client: TenantClient, smtp: SmtpInbox
) -> None:
    # When a citizen writes to the village's address, with a photo
    raw = citizen_mail(
        "aduan+kuripan-kidul@aduan.test",
        "Lampu jalan mati",
        "Lampu jalan di dusun 2 mati sejak seminggu.",
        message_id="<m1@example.id>",
        photo=True,
    )
    assert post_mail(tenant_client, raw).status_code == 200
    [message] = process_and_send()
    # Then a complaint is filed with the sender, the subject, the text and the photo
    assert message.status == InboundStatus.PROCESSED
    with schema_context(desa.schema_name):
        complaint = Complaint.objects.get()
        photos = Attachment.objects.filter(complaint=complaint).count()
    assert complaint.channel == Channel.EMAIL
    assert (complaint.name, complaint.email, complaint.subject) == (
        "Budi Santoso",
        "budi@example.id",
        "Lampu jalan mati",
    )
    assert complaint.description == "Lampu jalan di dusun 2 mati sejak seminggu."
    assert photos == 1
    # and the receipt went out by SMTP, carrying the reply token
    [receipt] = smtp.messages
    assert receipt["To"] == "budi@example.id"
    assert receipt["Subject"] == f"Pengaduan {complaint.number} [Aduan #{complaint.tracking_code}]"
    assert receipt["Reply-To"] == f"aduan+kuripan-kidul.{complaint.tracking_code}@aduan.test"
    assert complaint.tracking_code in receipt.get_payload()
    # When the citizen replies to it (quoting the receipt)
    reply = citizen_mail(
        receipt["Reply-To"],
        "Re: " + receipt["Subject"],
        "Lokasinya di depan masjid.\n\n> Pengaduan Anda telah diterima",
        message_id="<m2@example.id>",
    )
    post_mail(tenant_client, reply)
    [threaded] = process_and_send()
    # Then the reply is on the complaint's timeline, not a new complaint
    assert threaded.result == {"reply_to": complaint.tracking_code}
    with schema_context(desa.schema_name):
        assert Complaint.objects.count() == 1
        event = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.REPLY)
    assert event.message == "Lokasinya di depan masjid."
    assert event.is_public


def test_malformed_mime_is_kept_as_failed_with_a_clear_error(
    desa: Tenant, tenant_client: TenantClient, smtp: SmtpInbox
) -> None:
    # When a message whose multipart body has no boundary arrives
    raw = (
        b"From: budi@example.id\r\nTo: aduan+kuripan-kidul@aduan.test\r\n"
        b"Message-ID: <broken@example.id>\r\nSubject: rusak\r\n"
        b"Content-Type: multipart/mixed\r\n\r\nthis is not a multipart body\r\n"
    )
    assert post_mail(tenant_client, raw).status_code == 200
    [message] = process_and_send()
    # Then it is kept (raw) as failed with the reason, nothing filed, nothing sent
    assert message.status == InboundStatus.FAILED
    assert message.last_error.startswith(
        "integrations.malformed: Surel tidak dapat dibaca: NoBoundaryInMultipartDefect"
    )
    assert message.next_attempt_at is None  # waits for a person: retrying cannot help
    assert message.payload["mime_b64"]
    with schema_context(desa.schema_name):
        assert Complaint.objects.count() == 0
    assert smtp.messages == []


def test_the_webhook_refuses_a_wrong_secret_and_keeps_a_replay_once(
    desa: Tenant, tenant_client: TenantClient, smtp: SmtpInbox
) -> None:
    raw = citizen_mail("aduan+kuripan-kidul@aduan.test", "x", "y", message_id="<r@example.id>")
    refused = post_mail(tenant_client, raw, secret="guess")
    assert refused.status_code == 403
    assert InboundMessage.objects.count() == 0
    post_mail(tenant_client, raw)
    post_mail(tenant_client, raw)
    process_and_send()
    assert InboundMessage.objects.count() == 1
    with schema_context(desa.schema_name):
        assert Complaint.objects.count() == 1


def test_imap_polling_files_unseen_mail_once(
    desa: Tenant, imap_server: int, smtp: SmtpInbox, tenant_client: TenantClient
) -> None:
    # Given the village's own mailbox on a real IMAP server, set by its admin (page)
    admin = make_member(desa, Role.TENANT_ADMIN)
    sign_in(tenant_client, admin)
    saved = tenant_client.post(
        "/integrations/email/",
        {
            "host": "127.0.0.1",
            "port": imap_server,
            "username": IMAP_USER,
            "password": IMAP_PASSWORD,
            "folder": "INBOX",
            "is_active": "on",
        },
        tenant=desa,
    )
    assert saved.status_code == 302
    mailbox = EmailMailbox.objects.get(tenant=desa)
    # (the password is stored encrypted, never in clear)
    assert IMAP_PASSWORD not in mailbox.password_encrypted
    assert crypto.decrypt(mailbox.password_encrypted) == IMAP_PASSWORD
    # and a citizen's mail waiting unseen in it
    unique = f"<imap-{time.monotonic_ns()}@example.id>"
    client = imaplib.IMAP4("127.0.0.1", imap_server)
    client.login(IMAP_USER, IMAP_PASSWORD)
    client.append(
        "INBOX",
        None,
        None,
        citizen_mail("pengaduan@desa.id", "Sampah", "Sampah menumpuk.", message_id=unique),
    )
    client.logout()
    # When the poll job runs twice
    assert imap.poll_mailbox(mailbox) == 1
    assert imap.poll_mailbox(mailbox) == 0
    process_and_send()
    # Then the mail is filed once in the village's register
    with schema_context(desa.schema_name):
        complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.subject) == (Channel.EMAIL, "Sampah")
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""
    assert [m["To"] for m in smtp.messages] == ["budi@example.id"]


def test_a_wrong_imap_password_is_recorded_on_the_mailbox(
    desa: Tenant, imap_server: int, tenant_client: TenantClient
) -> None:
    # Given a mailbox with a wrong password, set through the API
    sign_in(tenant_client, make_member(desa, Role.TENANT_ADMIN))
    response = tenant_client.put(
        "/api/v1/integrations/email/mailbox/",
        {
            "host": "127.0.0.1",
            "port": imap_server,
            "use_ssl": False,
            "username": IMAP_USER,
            "password": "wrong",
        },
        content_type="application/json",
        tenant=desa,
    )
    assert response.status_code == 200
    assert "password" not in response.json()
    assert response.json()["address"] == "aduan+kuripan-kidul@localhost"
    # When it is polled
    assert imap.poll_mailbox(EmailMailbox.objects.get(tenant=desa)) == 0
    # Then the failure is recorded for the admin, and nothing is stored
    mailbox = EmailMailbox.objects.get(tenant=desa)
    assert mailbox.last_error.startswith("error:")
    assert InboundMessage.objects.count() == 0


def test_a_new_mailbox_needs_a_password(desa: Tenant, tenant_client: TenantClient) -> None:
    sign_in(tenant_client, make_member(desa, Role.TENANT_ADMIN))
    response = tenant_client.put(
        "/api/v1/integrations/email/mailbox/",
        {"host": "imap.desa.id", "port": 993, "username": "x"},
        content_type="application/json",
        tenant=desa,
    )
    assert response.status_code == 400
    assert response.json()["extra"]["field"] == "password"
    assert not EmailMailbox.objects.filter(tenant=desa).exists()


def test_a_mailed_answer_to_a_request_for_information_returns_the_complaint_to_its_step(
    desa: Tenant, tenant_client: TenantClient, smtp: SmtpInbox
) -> None:
    # Given a complaint filed by mail, verified, then waiting for more information
    raw = citizen_mail("aduan+kuripan-kidul@aduan.test", "Jalan rusak", "Jalan berlubang.",
                       message_id="<a1@example.id>")  # fmt: skip
    post_mail(tenant_client, raw)
    process_and_send()
    officer = make_member(desa, Role.OFFICER)
    staff = TenantClient()
    sign_in(staff, officer)
    with schema_context(desa.schema_name):
        complaint = Complaint.objects.get()
    for transition, inputs in [
        ("complete_file", {"note": "Alamat dan nomor HP lewat telepon"}),
        ("give_receipt", {}),
        ("verify", {}),
        ("request_information", {"question": "Di RT berapa?"}),
    ]:
        taken = staff.post(
            f"/api/v1/complaints/{complaint.pk}/transitions/",
            {"transition": transition, "inputs": inputs},
            content_type="application/json",
            tenant=desa,
        )
        assert taken.status_code == 200, taken.json()
    # When the citizen answers by replying to the receipt
    reply_to = f"aduan+kuripan-kidul.{complaint.tracking_code}@aduan.test"
    post_mail(tenant_client, citizen_mail(reply_to, "Re: Jalan rusak", "RT 03.",
                                          message_id="<a2@example.id>"))  # fmt: skip
    process_and_send()
    # Then the complaint is back in the step it was in when staff asked
    with schema_context(desa.schema_name):
        back = Complaint.objects.get()
        last = ComplaintEvent.objects.filter(complaint=back, kind=EventKind.TRANSITION).last()
    assert back.state == "verified"
    assert last is not None and (last.after or {})["transition"] == "complainant_replied"
    assert last.actor_label == "Pengadu"  # never the sender's name in plain (issue 19)


def _filed_by_mail(tenant_client: TenantClient, desa: Tenant, smtp: SmtpInbox) -> Complaint:
    raw = citizen_mail(
        "aduan+kuripan-kidul@aduan.test", "Lampu jalan mati", "Lampu di dusun 2 mati.",
        message_id="<r1@example.id>",
    )  # fmt: skip
    post_mail(tenant_client, raw)
    process_and_send()
    smtp.messages.clear()
    with schema_context(desa.schema_name):
        return Complaint.objects.get()


def _reply_with(to: str, body: str, *, attachment: tuple[bytes, str] | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"] = "Budi Santoso <budi@example.id>"
    mail["To"] = to
    mail["Subject"] = "Re: Lampu jalan mati"
    mail["Message-ID"] = "<r2@example.id>"
    mail.set_content(body)
    if attachment is not None:
        content, name = attachment
        mail.add_attachment(content, maintype="image", subtype="jpeg", filename=name)
    return mail.as_bytes()


@pytest.mark.parametrize(
    ("body", "attachment", "code", "reason"),
    [
        ("x" * 5001, None, "complaints.too_long", "Terlalu panjang: paling banyak 5000 karakter."),
        (
            "Ini fotonya.",
            (b"MZ\x90\x00" + b"\x00" * 200, "foto.jpg"),
            "complaints.attachment_type",
            "Berkas foto.jpg bukan foto (JPEG, PNG, WebP) atau PDF.",
        ),
    ],
    ids=["too-long", "disguised-program"],
)
def test_an_email_reply_the_reply_action_refuses_changes_nothing_and_the_sender_is_told_why(
    desa: Tenant,
    tenant_client: TenantClient,
    smtp: SmtpInbox,
    body: str,
    attachment: tuple[bytes, str] | None,
    code: str,
    reason: str,
) -> None:
    # Given a complaint filed by e-mail
    complaint = _filed_by_mail(tenant_client, desa, smtp)
    with schema_context(desa.schema_name):
        events = ComplaintEvent.objects.filter(complaint=complaint).count()
    # When the citizen replies with what the tracking page would refuse (do_reply_to_complaint)
    reply_to = f"aduan+kuripan-kidul.{complaint.tracking_code}@aduan.test"
    post_mail(tenant_client, _reply_with(reply_to, body, attachment=attachment))
    [message] = process_and_send()
    # Then the message is processed, and the refusal kept with it
    assert message.status == InboundStatus.PROCESSED
    assert message.result == {"reply_to": complaint.tracking_code, "refused": code}
    # and nothing changed on the complaint: no entry, no file
    with schema_context(desa.schema_name):
        assert ComplaintEvent.objects.filter(complaint=complaint).count() == events
        assert not ComplaintEvent.objects.filter(kind=EventKind.REPLY).exists()
        assert not Attachment.objects.filter(complaint=complaint).exists()
    # and the sender got one e-mail saying why, threaded onto the complaint
    [told] = smtp.messages
    assert told["To"] == "budi@example.id"
    assert " ".join(told["Subject"].split()) == (  # a long header is folded
        f"Balasan tidak diterima: pengaduan {complaint.number} [Aduan #{complaint.tracking_code}]"
    )
    assert told["Reply-To"] == reply_to
    text = str(told.get_payload())
    assert text.splitlines()[:2] == [
        f"Balasan Anda untuk pengaduan nomor {complaint.number} tidak dapat diterima:",
        reason,
    ]
    assert f"/lacak/{complaint.tracking_code}/" in text
    # and it is the refusal of the tracking page's reply, word for word
    files = [SimpleUploadedFile(attachment[1], attachment[0], "image/jpeg")] if attachment else []
    with schema_context(desa.schema_name), pytest.raises(ComplaintError) as page:
        do_reply_to_complaint(complaint=complaint, message=body, attachments=files)
    assert (page.value.code, page.value.message) == (code, reason)


def test_an_email_reply_with_a_photo_keeps_it_through_the_reply_action(
    desa: Tenant, tenant_client: TenantClient, smtp: SmtpInbox
) -> None:
    # Given a complaint filed by e-mail
    complaint = _filed_by_mail(tenant_client, desa, smtp)
    # When the citizen replies with a photo
    reply_to = f"aduan+kuripan-kidul.{complaint.tracking_code}@aduan.test"
    post_mail(
        tenant_client, _reply_with(reply_to, "Ini fotonya.", attachment=(png_bytes(), "a.jpg"))
    )
    [message] = process_and_send()
    # Then the reply is on the timeline under the sender's name, with the inbound message's id
    assert message.result == {"reply_to": complaint.tracking_code}
    with schema_context(desa.schema_name):
        reply = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.REPLY)
        files = list(
            Attachment.objects.filter(complaint=complaint).values_list("original_name", flat=True)
        )
    assert (reply.actor_label, reply.message) == ("Pengadu", "Ini fotonya.")
    assert reply.after == {"inbound_id": message.pk, "attachments": 1}
    # and the photo is kept as an attachment (like a reply on the tracking page), nothing sent
    assert files == ["a.jpg"]
    assert smtp.messages == []


def test_json_where_raw_mime_is_expected_is_refused_and_nothing_is_stored(
    reference_data: Any, tenant_client: TenantClient, smtp: SmtpInbox
) -> None:
    response = tenant_client.post(
        WEBHOOK, {"from": "a@b.c"}, content_type="application/json", HTTP_X_MAIL_SECRET=MAIL_SECRET
    )
    assert response.status_code == 400
    assert response.json()["code"] == "integrations.malformed"
    assert InboundMessage.objects.count() == 0


def test_a_mail_naming_a_category_gets_a_reply_asking_for_its_missing_answers(
    desa: Tenant, tenant_client: TenantClient, smtp: SmtpInbox
) -> None:
    # When a citizen mails about a road, naming the category, without its required answers
    body = "Jalan di dusun 3 berlubang.\nKategori: Jalan, jembatan dan drainase\nPatokan: SD 2"
    raw = citizen_mail("aduan+kuripan-kidul@aduan.test", "Jalan rusak", body, message_id="<q1@x>")
    assert post_mail(tenant_client, raw).status_code == 200
    [message] = process_and_send()
    # Then nothing is filed, and the reply asks for what is missing as "Field: value" lines
    assert message.result == {"refused": "complaints.answer_required"}
    with schema_context(desa.schema_name):
        assert not Complaint.objects.exists()
    [reply] = smtp.messages
    assert reply["To"] == "budi@example.id"
    assert reply["Subject"] == "Pengaduan belum dicatat: Jalan rusak"
    assert "Perkiraan ukuran kerusakan: ..." in reply.get_payload()
    assert "Patokan terdekat" not in reply.get_payload()
    # When the citizen sends it again with the line filled in
    again = citizen_mail(
        "aduan+kuripan-kidul@aduan.test",
        "Jalan rusak",
        body + "\nPerkiraan ukuran kerusakan: 2 x 1 meter",
        message_id="<q2@x>",
    )
    post_mail(tenant_client, again)
    process_and_send()
    # Then it is filed with the category and both answers
    with schema_context(desa.schema_name):
        complaint = Complaint.objects.get()
    assert complaint.category == "jalan-jembatan"
    assert complaint.answers == {"ukuran": "2 x 1 meter", "patokan": "SD 2"}
