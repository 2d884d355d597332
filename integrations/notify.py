"""Notifications about a complaint, written to the outbox in the caller's transaction.

The complaint actions call `notify_complaint(...)` (intake for the receipt; the SOP and SLA
actions for status changes, requests for information and closing). The notification goes
back through the channel the complaint came by (SMS, WhatsApp, e-mail), or by e-mail when
the complainant gave an address; a complaint filed at the desk without one gets its receipt
on paper, so nothing is written then. Texts are Bahasa Indonesia, the citizens' language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from integrations import outbox
from integrations.models import ChannelName, NotificationKind, OutboxMessage, SmsKeyword
from tenants.models import Tenant

if TYPE_CHECKING:
    from complaints.models import Complaint


def route(complaint: Complaint) -> tuple[str, str] | None:
    """(channel, recipient) for this complaint's notifications, or None."""
    if complaint.channel == ChannelName.LAPOR:
        # SP4N-LAPOR! tells its own reporters; Aduan pushes follow-ups there instead
        # (integrations.lapor.push), never a second message of its own.
        return None
    if complaint.channel == ChannelName.SMS and complaint.phone:
        return ChannelName.SMS, complaint.phone
    if complaint.channel == ChannelName.WHATSAPP and complaint.phone:
        return ChannelName.WHATSAPP, complaint.phone
    if complaint.email:
        return ChannelName.EMAIL, complaint.email
    return None


def sms_keyword(tenant: Tenant) -> str:
    found = SmsKeyword.objects.filter(tenant=tenant).values_list("keyword", flat=True).first()
    return found or ""


def render(tenant: Tenant, complaint: Complaint, kind: str, channel: str, note: str) -> str:
    code = complaint.tracking_code
    if channel == ChannelName.SMS:
        # One SMS: 160 GSM-7 characters (tests check every text against the alphabet).
        keyword = sms_keyword(tenant)
        check = _("Cek: %(kw)s STATUS %(code)s") % {"kw": keyword, "code": code} if keyword else ""
        if kind == NotificationKind.RECEIPT:
            text = _("Aduan Anda diterima. Kode lacak: %(code)s.") % {"code": code}
        else:
            text = _("Aduan %(code)s: %(note)s") % {"code": code, "note": note}
        return f"{text} {check}".strip()
    lines = []
    if kind == NotificationKind.RECEIPT:
        lines.append(
            _("Pengaduan Anda telah diterima oleh %(tenant)s dan dicatat dengan nomor %(number)s.")
            % {"tenant": tenant.name, "number": complaint.number}
        )
    else:
        lines.append(_("Kabar pengaduan nomor %(number)s:") % {"number": complaint.number})
    if note:
        lines.append(note)
    lines.append(_("Kode lacak: %(code)s") % {"code": code})
    return "\n".join(lines)


def notify_complaint(
    *, tenant: Tenant, complaint: Complaint, kind: str, note: str = "", event_key: str = ""
) -> OutboxMessage | None:
    """Write the notification for this change of `complaint` (call inside its transaction).

    `event_key` tells apart two notifications of the same kind (e.g. the id of the timeline
    entry of a status change); the receipt has one per complaint."""
    target = route(complaint)
    if target is None:
        return None
    channel, recipient = target
    with translation.override(settings.LANGUAGE_CODE):
        body = render(tenant, complaint, kind, channel, note)
        subject = (
            _("Pengaduan %(number)s") % {"number": complaint.number}
            if channel == ChannelName.EMAIL
            else ""
        )
    suffix = f":{event_key}" if event_key else ""
    return outbox.enqueue(
        key=f"{tenant.schema_name}:{complaint.tracking_code}:{kind}{suffix}",
        tenant=tenant,
        channel=channel,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        tracking_code=complaint.tracking_code,
        extra={"note": note} if note else None,
    )
