"""The inbound store: every message a channel delivers is kept as it came, then processed by
a job. A failure is kept with its error and retried with backoff, never dropped.

Channel adapters register a handler per channel; the handler turns the stored payload into
calls of the one intake action (or a status reply) and returns a small result to keep."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan import envelope
from aduan.errors import AduanError
from integrations.backoff import next_attempt
from integrations.errors import IntegrationError, IntegrationErrorCode, IntegrationNotFoundError
from integrations.models import ChannelName, InboundMessage, InboundStatus
from integrations.queue import send_after_commit, send_quietly
from tenants.models import Tenant

logger = logging.getLogger("aduan.integrations")

EXTERNAL_ID_KIND = "integrations_inboundmessage.external_id"  # the blind index's kind

Handler = Callable[[InboundMessage], dict[str, Any]]
_handlers: dict[str, Handler] = {}


def register_handler(channel: str, handler: Handler) -> None:
    _handlers[channel] = handler


def handler_for(channel: str) -> Handler:
    # Adapters register themselves when integrations.apps loads integrations.handlers.
    return _handlers[channel]


def do_receive_message(
    *, channel: str, external_id: str, payload: dict[str, Any], tenant: Tenant | None = None
) -> tuple[InboundMessage, bool]:
    """Keep a delivered message and schedule its processing. A replay of the same
    (channel, external id) returns the stored row and schedules nothing."""

    with transaction.atomic():
        message, created = InboundMessage.objects.get_or_create(
            channel=channel,
            external_id=stored_external_id(channel, external_id),
            # Until the job runs, the first attempt is "leased"; if its job is lost (the
            # broker was down), the sweeper sends it again once the lease is over.
            defaults={"payload": payload, "tenant": tenant, "next_attempt_at": leased()},
        )
        if created:
            send_after_commit("process_inbound", message.pk)
    return message, created


def stored_external_id(channel: str, external_id: str) -> str:
    """The id as the inbound store keeps it: an e-mail's Message-ID can hold the sender's
    address (UU 27/2022), so it is kept as its platform blind index, which a replay hashes the
    same way (the idempotency look-up is by equality only); other channels' ids are opaque."""
    if channel == ChannelName.EMAIL:
        return envelope.blind_platform(EXTERNAL_ID_KIND, external_id)
    return external_id[:255]


def process_message(message_id: int) -> InboundMessage | None:
    """Process one stored message (the job's body). Safe to run twice: a processed message,
    or one another worker holds, is left alone."""
    with transaction.atomic():
        message = (
            InboundMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id)
            .exclude(status=InboundStatus.PROCESSED)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            with transaction.atomic():
                result = handler_for(message.channel)(message)
        except AduanError as error:
            # The message itself is at fault (malformed, unroutable): retrying cannot help
            # until someone acts, so it waits on the failed-messages page for a Retry.
            message.status = InboundStatus.FAILED
            message.last_error = f"{error.code}: {error.message}"
            message.next_attempt_at = None
        except Exception as error:  # a bug or an outage: keep it and retry with backoff
            logger.warning("inbound %s failed", message, exc_info=True)
            message.status = InboundStatus.FAILED
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.next_attempt_at = next_attempt(message.attempts)
        else:
            message.status = InboundStatus.PROCESSED
            message.result = result
            message.last_error = ""
            message.next_attempt_at = None
            message.processed_at = timezone.now()
        message.save()
        return message


def failed_messages(tenant: Tenant | None) -> QuerySet[InboundMessage]:
    """Failed messages: the platform's (every tenant and the unrouted) or one tenant's."""
    found = InboundMessage.objects.filter(status=InboundStatus.FAILED).order_by("-received_at")
    return found if tenant is None else found.filter(tenant=tenant)


def access_failed_message(message_id: int, tenant: Tenant | None) -> InboundMessage:
    message = failed_messages(tenant).filter(pk=message_id).first()
    if message is None:
        raise IntegrationNotFoundError(IntegrationErrorCode.NOT_FOUND, _("Pesan tidak ditemukan."))
    return message


def do_retry_message(*, message: InboundMessage, actor: Any = None) -> InboundMessage:
    """Retry a failed message now (the admin's Retry action)."""

    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != InboundStatus.FAILED:
            raise IntegrationError(
                IntegrationErrorCode.NOT_FAILED, _("Pesan ini tidak sedang gagal.")
            )
        locked.status = InboundStatus.PENDING
        locked.next_attempt_at = leased()
        locked.save(update_fields=["status", "next_attempt_at"])
        send_after_commit("process_inbound", locked.pk)
    return locked


LEASE = timedelta(minutes=1)


def leased(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + LEASE


def sweep_due(now: datetime | None = None, limit: int = 500) -> int:
    """Send jobs for unprocessed messages whose attempt is due: a retry after backoff, or a
    first attempt whose job was lost. Returns how many jobs were sent."""

    now = now or timezone.now()
    due = list(
        InboundMessage.objects.exclude(status=InboundStatus.PROCESSED)
        .filter(next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in due:
        # Lease again, so the next sweep does not resend it while this job waits in the queue.
        InboundMessage.objects.filter(pk=pk).update(next_attempt_at=leased(now))
        sent += send_quietly("process_inbound", pk)
    return sent
