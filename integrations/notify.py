"""Notifications about a complaint, written to the outbox in the caller's transaction.

This is the one door through which complaints reach the outside (complaints.notifications is
its only caller in complaints). The complaint actions call `notify_complaint(...)` (intake for
the receipt; the SOP and SLA actions for status changes, requests for information and
closing), and `notify_entry(...)` for every entry of a change of state and every public
response, which the complaint's source system may hear of (SP4N-LAPOR!'s follow-ups).
The notification goes back through the channel the complaint came by (SMS, WhatsApp,
e-mail), or by e-mail when the complainant gave an address; a complaint filed at the desk
without one gets its receipt on paper, so nothing is written then. Texts are Bahasa
Indonesia, the citizens' language."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name
from psycopg import sql

from integrations import outbox
from integrations.instagram import outbound as instagram_outbound
from integrations.lapor import push as lapor_push
from integrations.models import (
    ChannelName,
    NotificationKind,
    OutboxMessage,
    OutboxStatus,
    SmsKeyword,
)
from integrations.sms import gsm7
from tenants import entitlements
from tenants.models import Tenant

# What complaints.notifications uses: complaints reach integrations only through this module.
__all__ = [
    "NotificationKind",
    "metered_messages_sql",
    "notify_complaint",
    "notify_entry",
    "rewrite_unsent",
]

# Channels that cost per message and count against a tenant's outbound quota.
METERED_CHANNELS = (ChannelName.SMS, ChannelName.WHATSAPP)

if TYPE_CHECKING:
    from complaints.models import Complaint, ComplaintEvent


SOCIAL = "social"  # complaints.models.Channel.SOCIAL: an Instagram chat is one


def route(complaint: Complaint, *, chat: bool = True) -> tuple[str, str] | None:
    """(channel, recipient) for this complaint's notifications, or None. `chat`: an
    Instagram chat may be the route (not for the receipt, which the chat itself gave)."""
    if complaint.channel == SOCIAL and chat:
        # Back into the Instagram chat while Meta lets us (24 h, then 7 days tagged
        # HUMAN_AGENT); after that e-mail, else the tracking page, as before.
        found = instagram_outbound.chat_of(complaint)
        if found is not None:
            return ChannelName.INSTAGRAM, found[0]
    if complaint.channel == ChannelName.LAPOR:
        # SP4N-LAPOR! tells its own reporters; Aduan pushes follow-ups there instead
        # (notify_entry), never a second message of its own.
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


def _sms(head: str, note: str, tail: str) -> str:
    """`head note tail` in one GSM-7 SMS: the note is cut (or dropped) so that the head (the
    tracking code) and the tail (a link or how to check) always arrive whole."""
    head, tail = gsm7.fit(head), gsm7.fit(tail)
    room = gsm7.SINGLE_SMS - gsm7.septets(head) - gsm7.septets(tail) - 2
    note = gsm7.fit(note) if note else ""
    if note and gsm7.septets(note) > room:
        note = "" if room < 12 else gsm7.fit(note[: room * 2])
        while note and gsm7.septets(note) > room - 3:
            note = note[:-1]
        note = note.rstrip() + "..." if note else ""
    return " ".join(part for part in (head, note, tail) if part)


def render(
    tenant: Tenant,
    complaint: Complaint,
    kind: str,
    channel: str,
    note: str,
    *,
    state: str = "",
    link: str = "",
) -> str:
    code = complaint.tracking_code
    if channel == ChannelName.SMS:
        # One SMS: 160 GSM-7 characters (tests check every text against the alphabet).
        keyword = sms_keyword(tenant)
        check = _("Cek: %(kw)s STATUS %(code)s") % {"kw": keyword, "code": code} if keyword else ""
        if kind == NotificationKind.RECEIPT:
            text = _("Aduan Anda diterima. Kode lacak: %(code)s.") % {"code": code}
            return f"{text} {check}".strip()
        if kind == NotificationKind.CLOSING and link:
            head = _("Aduan %(code)s selesai.") % {"code": code}
            tail = _("Beri nilai 1-5: %(link)s") % {"link": link}
            return _sms(head, note, tail)
        if kind == NotificationKind.INFO_REQUEST:
            head = _("Aduan %(code)s: mohon keterangan tambahan.") % {"code": code}
            return _sms(head, note, link or check)
        if state:
            head = _("Aduan %(code)s: %(state)s.") % {"code": code, "state": state}
            return _sms(head, note, check)
        return _sms(_("Aduan %(code)s:") % {"code": code}, note, check)
    lines = []
    if kind == NotificationKind.RECEIPT:
        lines.append(
            _("Pengaduan Anda telah diterima oleh %(tenant)s dan dicatat dengan nomor %(number)s.")
            % {"tenant": tenant.name, "number": complaint.number}
        )
    elif kind == NotificationKind.CLOSING:
        lines.append(
            _("Pengaduan nomor %(number)s telah selesai ditangani.") % {"number": complaint.number}
        )
    elif kind == NotificationKind.INFO_REQUEST:
        lines.append(
            _("Pengaduan nomor %(number)s memerlukan keterangan tambahan dari Anda:")
            % {"number": complaint.number}
        )
    else:
        lines.append(_("Kabar pengaduan nomor %(number)s:") % {"number": complaint.number})
    if state and kind != NotificationKind.RECEIPT:
        lines.append(_("Tahap: %(state)s") % {"state": state})
    if note:
        lines.append(note)
    if link and kind == NotificationKind.CLOSING:
        lines.append(
            _("Mohon beri penilaian (1-5) atas penanganan pengaduan Anda: %(link)s")
            % {"link": link}
        )
    elif link:
        lines.append(_("Lihat dan balas di halaman lacak: %(link)s") % {"link": link})
    lines.append(_("Kode lacak: %(code)s") % {"code": code})
    return "\n".join(lines)


def _compose(
    tenant: Tenant, complaint: Complaint, kind: str, channel: str, note: str, state: str, link: str
) -> tuple[str, str, str]:
    """(subject, body, summary) of a notification, in the citizens' language."""
    with translation.override(settings.LANGUAGE_CODE):
        body = render(tenant, complaint, kind, channel, note, state=state, link=link)
        # A WhatsApp template's {{2}}: the one line that matters.
        summary = " ".join(
            part for part in (f"{state}." if state else "", note, link) if part
        ).strip()
        subject = (
            _("Pengaduan %(number)s") % {"number": complaint.number}
            if channel == ChannelName.EMAIL
            else ""
        )
    return subject, body, summary


def notify_complaint(
    *,
    tenant: Tenant,
    complaint: Complaint,
    kind: str,
    note: str = "",
    event_key: str = "",
    state: str = "",
    link: str = "",
) -> OutboxMessage | None:
    """Write the notification for this change of `complaint` (call inside its transaction).

    `event_key` tells apart two notifications of the same kind (e.g. the id of the timeline
    entry of a status change); the receipt has one per complaint. `state` is the step's name,
    `link` the tracking page (for closing, its rating form). Everything given is sent: the
    caller (complaints.notifications) decides what a confidential complaint may carry."""
    target = route(complaint, chat=kind != NotificationKind.RECEIPT)
    if target is None:
        return None
    channel, recipient = target
    if channel in METERED_CHANNELS and entitlements.exhausted(
        tenant, entitlements.OUTBOUND_MESSAGES
    ):
        # Limits never silence citizens: over the month's WhatsApp/SMS quota the message
        # goes by e-mail when there is an address; otherwise the tracking page tells them.
        if not complaint.email:
            return None
        channel, recipient = ChannelName.EMAIL, complaint.email
    subject, body, summary = _compose(tenant, complaint, kind, channel, note, state, link)
    suffix = f":{event_key}" if event_key else ""
    extra: dict[str, str] = {"note": summary} if summary else {}
    if channel == ChannelName.INSTAGRAM:
        # The account the citizen wrote to sends the notice (integrations.instagram.outbound).
        extra["account_id"] = str((complaint.raw_payload or {}).get("account_id", ""))
    return outbox.enqueue(
        key=f"{tenant.schema_name}:{complaint.tracking_code}:{kind}{suffix}",
        tenant=tenant,
        channel=channel,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        tracking_code=complaint.tracking_code,
        extra=extra or None,
    )


def contact_route(complaint: Complaint) -> tuple[str, str] | None:
    """Where a message for the complainant themself goes (a one-time code): the complaint's
    own route, else an SMS to the phone on file."""
    found = route(complaint)
    if found is None and complaint.phone and complaint.channel != ChannelName.LAPOR:
        return ChannelName.SMS, complaint.phone
    return found


def notify_privacy_code(
    *, tenant: Tenant, complaint: Complaint, code: str, minutes: int
) -> OutboxMessage | None:
    """A one-time code for the data subject's rights (see, correct, erase: UU 27/2022), to the
    contact on file, never shown anywhere else."""
    target = contact_route(complaint)
    if target is None:
        return None
    channel, recipient = target
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Kode sekali pakai data pribadi aduan %(tracking)s: %(code)s (berlaku %(minutes)s "
            "menit). Jangan berikan kepada siapa pun."
        ) % {"tracking": complaint.tracking_code, "code": code, "minutes": minutes}
        subject = _("Kode sekali pakai") if channel == ChannelName.EMAIL else ""
    return outbox.enqueue(
        key=f"{tenant.schema_name}:{complaint.tracking_code}:privacy:{secrets.token_hex(6)}",
        tenant=tenant,
        channel=channel,
        kind=NotificationKind.PRIVACY_CODE,
        recipient=recipient,
        subject=subject,
        body=body,
        tracking_code=complaint.tracking_code,
    )


def notify_phone_code(
    *, tenant: Tenant, phone: str, channel: str, code: str, minutes: int
) -> OutboxMessage:
    """A one-time code that confirms the citizen's phone before filing (identity
    confirmation, complaints.actions.doors), by SMS or WhatsApp to the number they typed."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _(
            "Kode konfirmasi nomor untuk pengaduan di %(tenant)s: %(code)s (berlaku %(minutes)s "
            "menit). Jangan berikan kepada siapa pun."
        ) % {"tenant": tenant.name, "code": code, "minutes": minutes}
    chosen = ChannelName.WHATSAPP if channel == ChannelName.WHATSAPP else ChannelName.SMS
    return outbox.enqueue(
        key=f"{tenant.schema_name}:phone-code:{secrets.token_hex(8)}",
        tenant=tenant,
        channel=chosen,
        kind=NotificationKind.PHONE_CODE,
        # WhatsApp ids are the digits of the number, without "+".
        recipient=phone.lstrip("+") if chosen == ChannelName.WHATSAPP else phone,
        body=gsm7.fit(body) if chosen == ChannelName.SMS else body,
    )


def notify_tracking_code(
    *, tenant: Tenant, complaint: Complaint, channel: str, recipient: str
) -> OutboxMessage:
    """A lost tracking code sent again, to the contact the citizen typed (it matched the one
    given at filing)."""
    with translation.override(settings.LANGUAGE_CODE):
        body = _("Kode lacak pengaduan Anda di %(tenant)s: %(code)s") % {
            "tenant": tenant.name,
            "code": complaint.tracking_code,
        }
        subject = _("Kode lacak pengaduan") if channel == ChannelName.EMAIL else ""
    return outbox.enqueue(
        key=f"{tenant.schema_name}:{complaint.tracking_code}:resend:{secrets.token_hex(6)}",
        tenant=tenant,
        channel=channel,
        kind=NotificationKind.TRACKING_RESEND,
        recipient=recipient,
        subject=subject,
        body=gsm7.fit(body) if channel == ChannelName.SMS else body,
        tracking_code=complaint.tracking_code,
    )


def notify_entry(
    *, tenant: Tenant, complaint: Complaint, event: ComplaintEvent, done: bool
) -> OutboxMessage | None:
    """Hand one timeline entry to the system the complaint came from, where that system hears
    of its complaints' progress (call inside the entry's transaction): a complaint imported
    from SP4N-LAPOR! gets a follow-up there (integrations.lapor.push decides which kinds).
    `done`: the complaint is now in a terminal state of its SOP."""
    if complaint.channel == ChannelName.LAPOR:
        return lapor_push.on_event(tenant=tenant, complaint=complaint, event=event, done=done)
    return None


def rewrite_unsent(
    message_ids: list[int],
    *,
    tenant: Tenant,
    complaint: Complaint,
    kind: str,
    note: str = "",
    state: str = "",
    link: str = "",
) -> int:
    """Render these notifications, not yet sent, again for `tenant` and `complaint` as they
    are now (a forwarded complaint's new holder and register number). Same rows, same keys,
    so each still goes out once; a row sent meanwhile is left alone. Call inside the
    transaction that moved them, which holds their row locks."""
    rewritten = 0
    pending = OutboxMessage.objects.filter(
        pk__in=message_ids, status__in=(OutboxStatus.PENDING, OutboxStatus.FAILED)
    )
    for message in pending:
        subject, body, summary = _compose(
            tenant, complaint, kind, message.channel, note, state, link
        )
        extra = {k: v for k, v in message.extra.items() if k != "note"}
        if summary:
            extra["note"] = summary
        rewritten += OutboxMessage.objects.filter(pk=message.pk).update(
            subject=subject[:255], body=body, extra=extra
        )
    return rewritten


def unsent_follow_sql(*, tracking_code: str, origin_id: int, target_id: int) -> sql.Composed:
    """One statement, for a complaint's move (complaints.forwarding) to compose into its own:
    the complaint's notifications not yet sent, pending or failed, go over to the new holder,
    which sends them (and retries them) in its name; each still once, as the row keeps its
    key, and a row being sent right now is locked, so this waits and then leaves it alone (no
    longer pending). It returns `id` and `receipt` for each row moved: a receipt's text named
    the old holder and is rendered again (rewrite_unsent). Values are literals."""
    return sql.SQL(
        "UPDATE {} SET tenant_id = {} WHERE (status = {} OR status = {})"
        " AND tracking_code = {} AND tenant_id = {} RETURNING id, kind = {} AS receipt"
    ).format(
        sql.Identifier(get_public_schema_name(), OutboxMessage._meta.db_table),
        sql.Literal(target_id),
        sql.Literal(str(OutboxStatus.PENDING)),
        sql.Literal(str(OutboxStatus.FAILED)),
        sql.Literal(tracking_code),
        sql.Literal(origin_id),
        sql.Literal(str(NotificationKind.RECEIPT)),
    )


def metered_messages_sql(*, since_id: int) -> tuple[sql.Composed, list[object]]:
    """A query, for billing's metering to compose into its own (it reads no table of ours
    otherwise): `(id, tenant_id, created_at, sent_at)` of every WhatsApp/SMS message with an
    id above `since_id`, in id order; `sent_at` is NULL while it is not sent yet."""
    query = sql.SQL(
        "SELECT id, tenant_id, created_at, CASE WHEN status = %s THEN sent_at END FROM {}"
        " WHERE id > %s AND channel IN (%s, %s) AND tenant_id IS NOT NULL ORDER BY id"
    ).format(sql.Identifier(get_public_schema_name(), OutboxMessage._meta.db_table))
    return query, [str(OutboxStatus.SENT), since_id, *(str(c) for c in METERED_CHANNELS)]
