"""The WhatsApp set-up of a tenant (its own number), the template registry, and the delivery
statuses Meta reports for what the outbox sent (one write path each)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import (
    ChannelName,
    NotificationKind,
    OutboxMessage,
    OutboxStatus,
    WhatsAppNumber,
    WhatsAppTemplate,
)
from integrations.whatsapp.cloud import DeliveryStatus
from tenants.models import Tenant

NUMBER_ID = re.compile(r"^[0-9]{5,40}$")
TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")  # Meta's rule for template names
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")  # e.g. id, en_US


def do_set_whatsapp_number(
    *, tenant: Tenant, phone_number_id: str, display_number: str, actor: Any
) -> WhatsAppNumber | None:
    """Give the tenant its own number (Meta's phone-number id), or none (an empty id): its
    citizens then use the platform's shared number."""
    number_id = phone_number_id.strip()
    with transaction.atomic():
        if not number_id:
            WhatsAppNumber.objects.filter(tenant=tenant).delete()
            return None
        if not NUMBER_ID.match(number_id):
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("ID nomor telepon WhatsApp terdiri atas angka saja (lihat WhatsApp Manager)."),
                {"field": "phone_number_id"},
            )
        taken = WhatsAppNumber.objects.filter(phone_number_id=number_id).exclude(tenant=tenant)
        if taken.exists():
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("Nomor WhatsApp ini sudah dipakai instansi lain atau platform."),
                {"field": "phone_number_id"},
            )
        number, _created = WhatsAppNumber.objects.update_or_create(
            tenant=tenant,
            defaults={"phone_number_id": number_id, "display_number": display_number.strip()},
        )
    return number


def do_set_whatsapp_template(
    *, tenant: Tenant | None, kind: str, name: str, language: str, actor: Any
) -> WhatsAppTemplate | None:
    """Register the approved template for a notification kind (tenant None: the platform's);
    an empty name removes it."""
    if kind not in NotificationKind.values:
        raise IntegrationError(
            IntegrationErrorCode.INVALID_SETTING,
            _("Jenis pemberitahuan tidak dikenal."),
            {"field": "kind"},
        )
    with transaction.atomic():
        if not name.strip():
            WhatsAppTemplate.objects.filter(tenant=tenant, kind=kind).delete()
            return None
        if not TEMPLATE_NAME.match(name.strip()):
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("Nama templat hanya huruf kecil, angka dan garis bawah."),
                {"field": "name"},
            )
        if not LANGUAGE.match(language.strip()):
            raise IntegrationError(
                IntegrationErrorCode.INVALID_SETTING,
                _("Kode bahasa templat tidak sah (contoh: id, en_US)."),
                {"field": "language"},
            )
        template, _created = WhatsAppTemplate.objects.update_or_create(
            tenant=tenant,
            kind=kind,
            defaults={"name": name.strip(), "language": language.strip()},
        )
    return template


# Statuses only move forward (Meta may send "read" before "delivered").
_PROGRESS = {"sent": 1, "delivered": 2, "read": 3}


def do_record_delivery_statuses(*, statuses: list[DeliveryStatus]) -> int:
    """Record what Meta reports for messages the outbox sent. A "sent" (or later) status for a
    row still pending means its send went out although its answer was lost: the row is marked
    sent with the reported id, so the outbox's retry does not send it a second time. A
    "failed" status marks the row failed (the failed-messages page offers a Retry). Returns
    the number of rows changed."""
    changed = 0
    for status in statuses:
        if not status.reference:
            continue  # not sent by this outbox
        with transaction.atomic():
            # Waits while a deliverer is sending this row: it then sees the row as it ends.
            message = (
                OutboxMessage.objects.select_for_update()
                .filter(key=status.reference, channel=ChannelName.WHATSAPP)
                .first()
            )
            if message is None:
                continue
            ours = message.provider_message_id in ("", status.message_id)
            reported = str(message.extra.get("delivery", ""))
            if status.status in _PROGRESS:
                if message.status != OutboxStatus.SENT:
                    message.status = OutboxStatus.SENT
                    message.provider_message_id = status.message_id[:255]
                    message.sent_at = message.sent_at or timezone.now()
                    message.last_error = ""
                elif not ours or _PROGRESS[status.status] <= _PROGRESS.get(reported, 0):
                    continue
            elif status.status == "failed" and ours:
                message.status = OutboxStatus.FAILED
                message.last_error = f"WhatsApp: {status.error or 'failed'}"[:2000]
            else:
                continue
            message.extra = {**message.extra, "delivery": status.status}
            message.save()
            changed += 1
    return changed
