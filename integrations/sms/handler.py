"""Processing of a stored SMS: `<KEYWORD> <COMMAND> <text>`.

Commands: `ADUAN <text>` files a complaint through the one intake action (the receipt is its
outbox notification), `STATUS <tracking code>` answers the complaint's state, `INFO` tells how
to use the service. An unknown keyword or command, or a command without what it needs, is
answered with the right format. Every reply is one GSM-7 SMS, through the outbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from complaints.actions.intake import do_file_complaint
from complaints.errors import ComplaintError
from complaints.models import Channel, Complaint
from complaints.presenters import state_name
from complaints.validation import phone_problem
from integrations import answers, outbox
from integrations.models import ChannelName, InboundMessage, NotificationKind
from integrations.sms import gsm7
from integrations.sms.keywords import tenant_for_keyword
from tenants.models import Tenant


def format_help(keyword: str) -> str:
    kw = keyword or _("KATAKUNCI")
    return _(
        "Format: %(kw)s ADUAN isi pengaduan / %(kw)s STATUS kode lacak / %(kw)s INFO. "
        "Kirim ke %(to)s."
    ) % {"kw": kw, "to": settings.ADUAN_SMS_SENDER}


def reply(message: InboundMessage, tenant: Tenant | None, text: str) -> str:
    sender = str(message.payload.get("from", ""))
    body = gsm7.fit(text)
    outbox.enqueue(
        key=f"sms-reply:{message.pk}",
        tenant=tenant,
        channel=ChannelName.SMS,
        kind=NotificationKind.REPLY,
        recipient=sender,
        body=body,
    )
    return body


def handle(message: InboundMessage) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        return _handle(message)


def _handle(message: InboundMessage) -> dict[str, Any]:
    text = " ".join(str(message.payload.get("text", "")).split())
    words = text.split(" ", 2)
    keyword = words[0].upper() if words and words[0] else ""
    tenant = tenant_for_keyword(keyword) if keyword else None
    if tenant is None:
        body = reply(message, None, _("Kata kunci tidak dikenal.") + " " + format_help(""))
        return {"reply": body}
    message.tenant = tenant
    command = words[1].upper() if len(words) > 1 else ""
    rest = words[2].strip() if len(words) > 2 else ""
    if command == "ADUAN" and rest:
        labelled = answers.read_labelled(rest)
        try:
            return {"tracking_code": file_sms_complaint(message, tenant, rest, labelled)}
        except ComplaintError as error:
            missing = answers.missing_answers(labelled, error)
            if missing is None:
                raise
            # Nothing filed: the reply says what to add (the category's required questions).
            return {"reply": reply(message, tenant, answers.ask_again(missing, short=True))}
    if command == "STATUS" and rest:
        return {"reply": reply(message, tenant, status_text(tenant, rest.split(" ")[0]))}
    if command == "INFO":
        return {"reply": reply(message, tenant, f"{tenant.name}. {format_help(keyword)}")}
    return {"reply": reply(message, tenant, format_help(keyword))}


def file_sms_complaint(
    message: InboundMessage, tenant: Tenant, text: str, labelled: answers.Labelled | None = None
) -> str:
    sender = str(message.payload.get("from", "")).strip()
    # A number the gateway gives that is not a valid Indonesian one is kept in the raw
    # payload and the phone element stays missing (intake's rule for channel adapters).
    phone = sender if sender and phone_problem(sender) is None else ""
    with schema_context(tenant.schema_name):
        complaint = do_file_complaint(
            tenant=tenant,
            channel=Channel.SMS,
            name="",
            address="",
            phone=phone,
            subject="",
            description=text,
            # "Kategori: ..." with its "Question: answer" parts (integrations.answers).
            category=labelled.category if labelled else "",
            answers=labelled.answers if labelled and labelled.category else None,
            raw_payload={"channel": "sms", "inbound_id": message.pk, **message.payload},
        )
    return complaint.tracking_code


def status_text(tenant: Tenant, code: str) -> str:
    """The step's name as the SOP words it in Bahasa Indonesia (never the raw state key)."""
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.filter(tracking_code=code.upper()).first()
        if complaint is None:
            return _("Kode lacak %(code)s tidak ditemukan.") % {"code": code.upper()[:12]}
        state = state_name(complaint)
    values = {"code": complaint.tracking_code, "state": state}
    return _("Aduan %(code)s: status %(state)s.") % values
