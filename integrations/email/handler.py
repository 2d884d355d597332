"""Processing of a stored inbound e-mail: a reply threads onto its complaint through the one
reply action, anything else files a new complaint through the one intake action (its receipt
goes back by SMTP)."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from complaints.actions.intake import do_file_complaint
from complaints.actions.replies import do_reply_to_complaint
from complaints.errors import ComplaintError
from complaints.models import Channel, Complaint
from complaints.notifications import track_link
from complaints.validation import email_problem
from integrations import answers, outbox
from integrations.email import mime
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import ChannelName, InboundMessage, NotificationKind
from routing.selectors import Question
from tenants.models import Tenant


def handle(message: InboundMessage) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        return _handle(message)


def _handle(message: InboundMessage) -> dict[str, Any]:
    try:
        raw = base64.b64decode(str(message.payload.get("mime_b64", "")), validate=True)
    except ValueError:
        raise mime.malformed(_("isi tersimpan bukan base64")) from None
    mail = mime.parse(raw)
    tenant = message.tenant
    token = mime.thread_token(mail)
    if token is not None:
        slug, code = token
        target = tenant or (Tenant.objects.filter(slug=slug).first() if slug else None)
        if target is not None and (tenant is None or not slug or slug == target.slug):
            with schema_context(target.schema_name):
                complaint = Complaint.objects.filter(tracking_code=code).first()
                if complaint is not None:
                    message.tenant = target
                    return record_reply(message, complaint, mail)
    if tenant is None:
        slug = mime.addressed_tenant_slug(mail)
        tenant = Tenant.objects.filter(slug=slug).first() if slug else None
    if tenant is None:
        raise IntegrationError(
            IntegrationErrorCode.UNROUTABLE,
            _("Tidak ada instansi untuk alamat tujuan %(to)s.")
            % {"to": ", ".join(mail.recipients) or "-"},
        )
    message.tenant = tenant
    labelled = answers.read_labelled(mail.text)
    try:
        return {"tracking_code": file_mail_complaint(message, tenant, mail, labelled)}
    except ComplaintError as error:
        missing = answers.missing_answers(labelled, error)
        if missing is None:
            raise
        # Nothing filed: the reply asks for the category's required answers.
        ask_for_answers(message, tenant, mail, missing)
        return {"refused": str(error.code)}


def ask_for_answers(
    message: InboundMessage, tenant: Tenant, mail: mime.ParsedMail, missing: list[Question]
) -> None:
    outbox.enqueue(
        key=f"mail-reply:{message.pk}",
        tenant=tenant,
        channel=ChannelName.EMAIL,
        kind=NotificationKind.REPLY,
        recipient=mail.from_address,
        subject=_("Pengaduan belum dicatat: %(subject)s") % {"subject": mail.subject[:150]},
        body=answers.ask_again(missing),
    )


def record_reply(
    message: InboundMessage, complaint: Complaint, mail: mime.ParsedMail
) -> dict[str, Any]:
    """The complainant's reply, through the one reply action (do_reply_to_complaint: the same
    length and attachment rules as the tracking page; a paused SLA clock resumes). A reply it
    refuses changes nothing on the complaint: the sender gets an e-mail saying why, threaded
    onto the complaint so that a corrected reply lands there too."""
    files = [SimpleUploadedFile(a.name, a.content, a.content_type) for a in mail.attachments]
    try:
        # The timeline names "Pengadu", never the sender's name or address: a label is stored
        # in plain (UU 27/2022); the inbound message (sealed) keeps who it was.
        do_reply_to_complaint(
            complaint=complaint,
            message=mail.text,
            attachments=files,
            source={"inbound_id": message.pk},
        )
    except ComplaintError as error:
        tell_refused(message, complaint, mail, error)
        return {"reply_to": complaint.tracking_code, "refused": str(error.code)}
    return {"reply_to": complaint.tracking_code}


def tell_refused(
    message: InboundMessage, complaint: Complaint, mail: mime.ParsedMail, error: ComplaintError
) -> None:
    """The e-mail telling the sender their reply was not accepted, and why (Bahasa
    Indonesia, like every message to citizens)."""
    tenant = message.tenant
    assert tenant is not None  # set by the caller: the complaint's tenant
    body = "\n".join(
        [
            _("Balasan Anda untuk pengaduan nomor %(number)s tidak dapat diterima:")
            % {"number": complaint.number},
            error.message,
            _("Silakan kirim ulang balasan yang sudah diperbaiki, atau balas di halaman lacak: "
              "%(link)s") % {"link": track_link(tenant, complaint)},
            _("Kode lacak: %(code)s") % {"code": complaint.tracking_code},
        ]
    )  # fmt: skip
    outbox.enqueue(
        key=f"mail-reply:{message.pk}",
        tenant=tenant,
        channel=ChannelName.EMAIL,
        kind=NotificationKind.REPLY,
        recipient=mail.from_address,
        subject=_("Balasan tidak diterima: pengaduan %(number)s") % {"number": complaint.number},
        body=body,
        tracking_code=complaint.tracking_code,
    )


def file_mail_complaint(
    message: InboundMessage,
    tenant: Tenant,
    mail: mime.ParsedMail,
    labelled: answers.Labelled | None = None,
) -> str:
    files = [SimpleUploadedFile(a.name, a.content, a.content_type) for a in mail.attachments]
    values: dict[str, Any] = {
        "tenant": tenant,
        "channel": Channel.EMAIL,
        "name": mail.from_name[:200],
        "address": "",
        "phone": "",
        # An address intake would refuse is kept in the raw payload, the element missing.
        "email": mail.from_address if email_problem(mail.from_address) is None else "",
        "subject": mail.subject[:200],
        "description": mail.text,
        # "Kategori: ..." with its "Question: answer" lines (integrations.answers).
        "category": labelled.category if labelled else "",
        "answers": labelled.answers if labelled and labelled.category else None,
        "raw_payload": {
            "channel": "email",
            "inbound_id": message.pk,
            "message_id": mail.message_id,
            "from": mail.from_address,
            "subject": mail.subject,
        },
    }
    with schema_context(tenant.schema_name):
        try:
            complaint = do_file_complaint(**values, attachments=files)
        except ComplaintError as error:
            if error.extra.get("field") != "attachments":
                raise
            values["raw_payload"]["refused_attachments"] = error.message
            complaint = do_file_complaint(**values)
    return complaint.tracking_code
