"""The transactional outbox: notifications to citizens (receipt, status change, request for
information, closing with a rating link, channel replies).

`enqueue(...)` writes the row in the caller's transaction, so a notification exists exactly
when the change it tells about was committed; a job delivers it after commit. Delivery holds
a row lock while it sends, so two deliverers never send the same row; the adapter passes the
row's key to the provider as an idempotency key, so a retry after an unknown outcome is not
a second message where the provider deduplicates. Failures are retried with backoff; the
sweeper re-sends jobs that were lost (the broker was down when the change committed).
A complaint moved to another tenant takes its pending and failed rows with it
(complaints.forwarding): the new holder sends them, and retries them, in its name; a receipt
among them is rendered again for it (complaints.notifications.on_moved).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from integrations.backoff import next_attempt
from integrations.errors import IntegrationError, IntegrationErrorCode, IntegrationNotFoundError
from integrations.models import ChannelName, OutboxMessage, OutboxStatus
from integrations.queue import send_after_commit, send_quietly
from tenants.models import Tenant

logger = logging.getLogger("aduan.integrations")

# After this many failed sends a notification is marked failed (kept, shown to operators).
MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=1)

Sender = Callable[[OutboxMessage], str]

# channel -> the adapter function that sends one message and returns the provider's id.
SENDERS: dict[str, str] = {
    ChannelName.SMS: "integrations.sms.gateway.send_message",
    ChannelName.WHATSAPP: "integrations.whatsapp.outbound.send_message",
    ChannelName.EMAIL: "integrations.email.smtp.send_message",
    ChannelName.LAPOR: "integrations.lapor.sync.send_message",
    ChannelName.INSTAGRAM: "integrations.instagram.outbound.send_message",
}


def sender_for(channel: str) -> Sender:
    overrides: dict[str, str] = getattr(settings, "ADUAN_CHANNEL_SENDERS", {})
    sender: Sender = import_string(overrides.get(channel) or SENDERS[channel])
    return sender


def enqueue(
    *,
    key: str,
    channel: str,
    kind: str,
    recipient: str,
    body: str,
    tenant: Tenant | None = None,
    subject: str = "",
    tracking_code: str = "",
    extra: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Write one notification in the current transaction (idempotent on `key`) and deliver
    it after commit."""

    now = timezone.now()
    message, created = OutboxMessage.objects.get_or_create(
        key=key[:200],
        defaults={
            "tenant": tenant,
            "channel": channel,
            "kind": kind,
            "recipient": recipient,
            "subject": subject[:255],
            "body": body,
            "tracking_code": tracking_code,
            "extra": extra or {},
            "created_at": now,
            # Leased to the job sent after commit; the sweeper takes over if it is lost.
            "next_attempt_at": now + LEASE,
        },
    )
    if created:
        send_after_commit("deliver_outbox", message.pk)
    return message


def deliver(message_id: int) -> OutboxMessage | None:
    """Send one pending notification (the job's body). Safe to run twice."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            provider_id = sender_for(message.channel)(message)
        except Exception as error:
            logger.warning("outbox %s: send failed", message.key, exc_info=True)
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            message.next_attempt_at = next_attempt(message.attempts)
        else:
            message.status = OutboxStatus.SENT
            message.provider_message_id = provider_id[:255]
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save()
        return message


def failed_notifications(tenant: Tenant | None) -> QuerySet[OutboxMessage]:
    """Notifications that used up their attempts: the platform's (every tenant) or one
    tenant's. They wait on the failed-messages page for a person's Retry."""
    found = OutboxMessage.objects.filter(status=OutboxStatus.FAILED).order_by("-created_at")
    return found if tenant is None else found.filter(tenant=tenant)


def access_failed_notification(message_id: int, tenant: Tenant | None) -> OutboxMessage:
    message = failed_notifications(tenant).filter(pk=message_id).first()
    if message is None:
        raise IntegrationNotFoundError(IntegrationErrorCode.NOT_FOUND, _("Pesan tidak ditemukan."))
    return message


def do_retry_notification(*, message: OutboxMessage, actor: Any = None) -> OutboxMessage:
    """Send a failed notification again now (the admin's Retry). It is pending again under
    the same key, so it still goes out once: a second Retry is refused while it is not failed,
    and the deliverer's row lock keeps a sweep and this job from both sending it. Its attempts
    are kept: if this send fails too, it is failed again at once, not after another round."""

    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != OutboxStatus.FAILED:
            raise IntegrationError(
                IntegrationErrorCode.NOT_FAILED, _("Pesan ini tidak sedang gagal.")
            )
        locked.status = OutboxStatus.PENDING
        locked.next_attempt_at = timezone.now() + LEASE
        locked.save(update_fields=["status", "next_attempt_at"])
        send_after_commit("deliver_outbox", locked.pk)
    return locked


def sweep_due(now: datetime | None = None, limit: int = 500) -> int:
    """Send delivery jobs for pending notifications whose attempt is due."""

    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
            next_attempt_at=now + LEASE
        )
        sent += send_quietly("deliver_outbox", pk)
    return sent
