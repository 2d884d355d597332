"""Import from SP4N-LAPOR!: the complaints disposed to a tenant, through the inbound store.

Two kinds of inbound message (channel "lapor"), both processed by `handle`:

- `sync:<connection id>`, one row per connection, re-armed by the periodic job: it lists the
  complaints disposed to the tenant since the stored cursor, page by page, keeps each as its
  own message and advances the cursor in the same transaction. A failure stays on that row:
  bad credentials wait on the failed-messages page for a Retry, an outage is retried with
  backoff by the sweeper.
- `<tenant id>:<LAPOR! id>`, one per complaint and tenant: fetches the complaint and files it
  with the one intake action (channel "lapor"). The inbound store's (channel, external id)
  key is what makes a re-run import nothing twice.

The outbox's sender of follow-ups (`send_message`, written by integrations.lapor.push) lives
here too, beside the client it uses.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from aduan import crypto
from complaints.actions.intake import do_file_complaint, village_problem
from complaints.validation import email_problem, phone_problem
from integrations import inbound
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.lapor.protocol import Credentials, LaporClient, LaporStatus
from integrations.models import (
    ChannelName,
    InboundMessage,
    InboundStatus,
    LaporConnection,
    OutboxMessage,
)
from integrations.queue import send_after_commit
from routing.selectors import category_at
from tenants.models import Tenant

SYNC = "sync"
COMPLAINT = "complaint"
# Pages per run: a tenant with a long backlog catches up over a few runs, not in one job.
MAX_PAGES = 20


def client_for(connection: LaporConnection) -> LaporClient:
    return LaporClient(
        Credentials(connection.client_id, crypto.decrypt(connection.secret_encrypted))
    )


def send_message(message: OutboxMessage) -> str:
    """The outbox's sender for channel "lapor": one follow-up with the row's key."""
    # The account LAPOR! disposed the complaint to, wherever the complaint is now.
    owner = message.extra.get("connection_tenant_id") or message.tenant_id
    if owner is None:
        raise IntegrationError(IntegrationErrorCode.NOT_CONFIGURED, "no tenant for this push")
    connection = LaporConnection.objects.filter(tenant_id=owner, is_active=True).first()
    if connection is None:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED, "the tenant has no active SP4N-LAPOR! connection"
        )
    return client_for(connection).push_followup(
        message.recipient,
        idempotency_key=message.key,
        status=LaporStatus(message.extra.get("status", LaporStatus.IN_PROGRESS)),
        content=message.body,
        reference=message.tracking_code,
    )


def sync_key(connection: LaporConnection) -> str:
    return f"sync:{connection.pk}"


def complaint_key(tenant: Tenant, lapor_id: str) -> str:
    return f"{tenant.pk}:{lapor_id}"


def sync_error(connection: LaporConnection) -> str:
    """Why the connection's last import failed ("" when it did not): the sync message's
    error, which the failed-messages page shows too."""
    found = (
        InboundMessage.objects.filter(
            channel=ChannelName.LAPOR,
            external_id=sync_key(connection),
            status=InboundStatus.FAILED,
        )
        .values_list("last_error", flat=True)
        .first()
    )
    return found or ""


def do_schedule_sync(*, connection: LaporConnection, force: bool = False) -> bool:
    """Arm the connection's sync message and send its job. A sync still pending is left
    alone; a failed one too (it waits for its backoff or a person) unless `force`."""

    with transaction.atomic():
        message, created = InboundMessage.objects.select_for_update().get_or_create(
            channel=ChannelName.LAPOR,
            external_id=sync_key(connection),
            defaults={
                "payload": {"kind": SYNC, "connection_id": connection.pk},
                "tenant": connection.tenant,
                "next_attempt_at": inbound.leased(),
            },
        )
        if not created:
            rearm = message.status == InboundStatus.PROCESSED or (
                force and message.status == InboundStatus.FAILED
            )
            if not rearm:
                return False
            message.status = InboundStatus.PENDING
            message.attempts = 0
            message.last_error = ""
            message.next_attempt_at = inbound.leased()
            message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
        send_after_commit("process_inbound", message.pk)
    return True


def handle(message: InboundMessage) -> dict[str, Any]:
    kind = message.payload.get("kind")
    if kind == SYNC:
        return sync_connection(message)
    if kind == COMPLAINT:
        return import_complaint(message)
    raise IntegrationError(IntegrationErrorCode.MALFORMED, _("Pesan SP4N-LAPOR! tidak dikenal."))


def _connection(message: InboundMessage) -> LaporConnection:
    connection = (
        LaporConnection.objects.select_related("tenant").filter(tenant=message.tenant).first()
    )
    if connection is None or not connection.is_active:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED,
            _("Instansi ini tidak (lagi) terhubung ke SP4N-LAPOR!."),
        )
    return connection


def sync_connection(message: InboundMessage) -> dict[str, Any]:
    connection = _connection(message)
    tenant = connection.tenant
    client = client_for(connection)
    stored = 0
    for _page in range(MAX_PAGES):
        page = client.list_disposed(since=connection.cursor)
        with transaction.atomic():
            for item in page.items:
                lapor_id = str(item["id"])
                _stored, created = inbound.do_receive_message(
                    channel=ChannelName.LAPOR,
                    external_id=complaint_key(tenant, lapor_id),
                    payload={"kind": COMPLAINT, "lapor_id": lapor_id, "listed": item},
                    tenant=tenant,
                )
                stored += int(created)
            connection.cursor = page.next_cursor
            LaporConnection.objects.filter(pk=connection.pk).update(cursor=page.next_cursor)
        if not page.has_more:
            break
    LaporConnection.objects.filter(pk=connection.pk).update(last_synced_at=timezone.now())
    return {"stored": stored, "cursor": connection.cursor}


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def complaint_fields(detail: dict[str, Any]) -> dict[str, Any]:
    """Intake's arguments from a LAPOR! complaint. A value intake would refuse (a malformed
    phone number, an unknown village code) is left out; the raw record keeps it."""
    reporter = detail.get("reporter") or {}
    location = detail.get("location") or {}
    phone, email = _text(reporter.get("phone"), 20), _text(reporter.get("email"), 254)
    village = _text(location.get("village_code"), 13)
    topic = _text(detail.get("topic"), 40)
    anonymous = bool(detail.get("is_anonymous"))
    return {
        "name": "" if anonymous else _text(reporter.get("name"), 200),
        "address": "" if anonymous else _text(reporter.get("address"), 1000),
        "phone": phone if phone and phone_problem(phone) is None else "",
        "email": email if email and email_problem(email) is None else "",
        "subject": _text(detail.get("title"), 200),
        "description": _text(detail.get("content"), 20000),
        "category": topic if topic and category_at(topic) is not None else "",
        "village_code": village if village and village_problem(village) is None else "",
        "address_text": _text(location.get("address"), 300),
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        # Rahasia (not public) unless LAPOR! says the reporter made it public.
        "is_confidential": detail.get("is_secret") is not False,
        "is_anonymous": anonymous,
    }


def import_complaint(message: InboundMessage) -> dict[str, Any]:
    connection = _connection(message)
    tenant = connection.tenant
    lapor_id = str(message.payload["lapor_id"])
    detail = client_for(connection).get_complaint(lapor_id)
    fields = complaint_fields(detail)
    if fields["latitude"] is None or fields["longitude"] is None:
        fields["latitude"] = fields["longitude"] = None
    raw = {
        "channel": "lapor",
        "inbound_id": message.pk,
        "lapor_id": lapor_id,
        "tracking_id": str(detail.get("tracking_id", "")),
        # LAPOR! disposed it to this tenant: its account pushes the follow-ups, also after
        # the complaint is forwarded to a body that has no LAPOR! connection of its own.
        "connection_tenant_id": tenant.pk,
        "complaint": detail,
    }
    # LAPOR! already disposed it to this instansi: the router does not move it again.
    with schema_context(tenant.schema_name):
        complaint = do_file_complaint(
            tenant=tenant,
            channel=ChannelName.LAPOR,
            actor_label="SP4N-LAPOR!",
            raw_payload=raw,
            route=False,
            **fields,
        )
    return {"tracking_code": complaint.tracking_code, "lapor_id": lapor_id}
