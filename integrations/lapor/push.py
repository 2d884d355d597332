"""Pushing back to SP4N-LAPOR!: the status changes and public answers of an imported
complaint, as follow-ups (tindak lanjut), through the transactional outbox.

`on_event` is called by the timeline writer (complaints.audit.record_event) for every entry
of a complaint that came from LAPOR!; it writes one outbox row per pushed entry, in the
entry's transaction, keyed by the entry. The outbox delivers it once, passing the key to
LAPOR! as the idempotency key, so a retry after an unknown outcome records nothing twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from aduan.db import tenant_db
from integrations import outbox
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.lapor.protocol import LaporStatus
from integrations.models import ChannelName, LaporConnection, NotificationKind, OutboxMessage
from tenants.models import Tenant

if TYPE_CHECKING:
    from complaints.models import Complaint, ComplaintEvent

# Timeline entries LAPOR! hears about: a step of the SOP (a status change) and a public
# answer to the reporter. Internal notes, assignments and the like stay in Aduan.
PUSHED_KINDS = {"transition": NotificationKind.STATUS, "response": NotificationKind.REPLY}


def lapor_id_of(complaint: Complaint) -> str:
    raw = complaint.raw_payload or {}
    return str(raw.get("lapor_id", "")) if raw.get("channel") == "lapor" else ""


def status_of(complaint: Complaint) -> LaporStatus:
    """The complaint's state under its own SOP version: a terminal state is "selesai"."""
    from complaints.actions.workflow import complaint_sop

    state = complaint_sop(complaint).state(complaint.state)
    return LaporStatus.DONE if state is not None and state.terminal else LaporStatus.IN_PROGRESS


def on_event(complaint: Complaint, event: ComplaintEvent) -> OutboxMessage | None:
    kind = PUSHED_KINDS.get(event.kind)
    lapor_id = lapor_id_of(complaint)
    if kind is None or not lapor_id or (event.kind == "response" and not event.is_public):
        return None
    tenant = Tenant.objects.filter(schema_name=tenant_db.schema_name).first()
    if tenant is None:
        return None
    if event.kind == "transition":
        # LAPOR! and its reporters read Bahasa Indonesia, whoever's request took the step.
        with translation.override(settings.LANGUAGE_CODE):
            content = _("Tahap pengaduan %(number)s: %(step)s") % {
                "number": complaint.number,
                "step": event.message,
            }
    else:
        content = event.message
    return outbox.enqueue(
        key=f"lapor:{tenant.schema_name}:{complaint.tracking_code}:{event.pk}",
        tenant=tenant,
        channel=ChannelName.LAPOR,
        kind=kind,
        recipient=lapor_id,
        body=content,
        tracking_code=complaint.tracking_code,
        extra={
            "status": str(status_of(complaint)),
            "connection_tenant_id": (complaint.raw_payload or {}).get("connection_tenant_id"),
        },
    )


def send_message(message: OutboxMessage) -> str:
    """The outbox's sender for channel "lapor": one follow-up with the row's key."""
    from integrations.lapor.sync import client_for

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
