"""Pushing back to SP4N-LAPOR!: the status changes and public answers of an imported
complaint, as follow-ups (tindak lanjut), through the transactional outbox.

`on_event` is reached through the one notification door (integrations.notify.notify_entry,
which complaints.notifications.on_entry calls for every entry of a change of state and every
public response); it writes one outbox row per pushed entry, in the entry's transaction, keyed
by the entry. The outbox delivers it once (the sender: integrations.lapor.sync.send_message),
passing the key to LAPOR! as the idempotency key, so a retry after an unknown outcome records
nothing twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from integrations import outbox
from integrations.lapor.protocol import LaporStatus
from integrations.models import ChannelName, NotificationKind, OutboxMessage
from tenants.models import Tenant

if TYPE_CHECKING:
    from complaints.models import Complaint, ComplaintEvent

# Timeline entries LAPOR! hears about: a step of the SOP (a status change) and a public
# answer to the reporter. Internal notes, assignments and the like stay in Aduan.
PUSHED_KINDS = {"transition": NotificationKind.STATUS, "response": NotificationKind.REPLY}


def lapor_id_of(complaint: Complaint) -> str:
    raw = complaint.raw_payload or {}
    return str(raw.get("lapor_id", "")) if raw.get("channel") == "lapor" else ""


def on_event(
    *, tenant: Tenant, complaint: Complaint, event: ComplaintEvent, done: bool
) -> OutboxMessage | None:
    """The follow-up of one timeline entry, if LAPOR! hears of its kind. `done`: the complaint
    is in a terminal state of its own SOP, which LAPOR! reads as "selesai"."""
    kind = PUSHED_KINDS.get(event.kind)
    lapor_id = lapor_id_of(complaint)
    if kind is None or not lapor_id or (event.kind == "response" and not event.is_public):
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
            "status": str(LaporStatus.DONE if done else LaporStatus.IN_PROGRESS),
            "connection_tenant_id": (complaint.raw_payload or {}).get("connection_tenant_id"),
        },
    )
