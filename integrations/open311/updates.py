"""mySociety's servicerequestupdates extension to GeoReport v2: GET the public updates of a
jurisdiction's requests in a date window; POST an update from a back office (an api_key whose
client may push updates). A pushed update becomes a public response (tanggapan) on the
complaint's timeline; it is idempotent by the back office's `update_id`. Closing a complaint
stays the SOP's business: the pushed status is kept with the response, and `status` in the
GET answers keeps following the SOP state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from complaints.actions.working import checked_message
from complaints.audit import record_event
from complaints.models import Complaint, ComplaintEvent, EventKind
from integrations.models import Open311Client
from integrations.open311 import selectors, spec
from integrations.open311.errors import Open311Error, Open311ErrorCode
from tenants.models import Tenant

# The extension's status words; GeoReport's two map onto the first two.
UPDATE_STATUSES = (
    "OPEN", "CLOSED", "FIXED", "IN_PROGRESS", "ACTION_SCHEDULED", "NOT_COUNCILS_RESPONSIBILITY",
    "DUPLICATE", "UNABLE_TO_FIX", "INTERNAL_REFERRAL", "NO_FURTHER_ACTION",
)  # fmt: skip


@dataclass(frozen=True)
class Update:
    update_id: str
    service_request_id: str
    status: str
    updated_datetime: str | None
    description: str
    media_url: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "update_id": self.update_id,
            "service_request_id": self.service_request_id,
            "status": self.status,
            "updated_datetime": self.updated_datetime,
            "description": self.description,
            "media_url": self.media_url,
        }


def list_updates(tenant: Tenant, *, start: datetime | None, end: datetime | None) -> list[Update]:
    """Public responses on listable, non-confidential complaints (the current schema must be
    the tenant's), oldest first, at most 1000; default window the last 90 days."""
    if start is None and end is None:
        start = timezone.now() - selectors.DEFAULT_WINDOW
    events = ComplaintEvent.objects.filter(
        kind=EventKind.RESPONSE,
        is_public=True,
        complaint__is_wbs=False,
        complaint__is_confidential=False,
    ).select_related("complaint", "complaint__sop_version")
    if start is not None:
        events = events.filter(at__gte=start)
    if end is not None:
        events = events.filter(at__lte=end)
    found: list[Update] = []
    for event in events.order_by("at", "pk")[: selectors.MAX_RESULTS]:
        status = selectors.status_of(event.complaint, tenant).upper()
        found.append(
            Update(
                update_id=str(event.pk),
                service_request_id=selectors.request_id(tenant, event.complaint_id),
                status=status,
                updated_datetime=spec.w3c(event.at),
                description=spec.clip_description(event.message),
                media_url=str((event.after or {}).get("media_url") or ""),
            )
        )
    return found


def do_push_service_request_update(
    *,
    tenant: Tenant,
    complaint: Complaint,
    client: Open311Client,
    update_id: str,
    status: str,
    description: str,
    media_url: str = "",
    updated_at: datetime | None = None,
) -> ComplaintEvent:
    """Record a back office's update as a public response; the same `update_id` again
    returns the first one and records nothing (the current schema must be the tenant's)."""
    if not client.can_push_updates:
        raise Open311Error(
            Open311ErrorCode.BAD_API_KEY,
            _("api_key ini tidak boleh mengirim pembaruan."),
            {"field": "api_key"},
            status=403,
        )
    status = status.strip().upper()
    if status not in UPDATE_STATUSES:
        raise Open311Error(
            Open311ErrorCode.INVALID,
            _("status pembaruan tidak dikenal."),
            {"field": "status"},
        )
    text = checked_message(description)
    with transaction.atomic(), schema_context(tenant.schema_name):
        # One lock per complaint: two deliveries of the same update cannot both record it.
        Complaint.objects.select_for_update().filter(pk=complaint.pk).first()
        earlier = ComplaintEvent.objects.filter(
            complaint=complaint,
            kind=EventKind.RESPONSE,
            after__open311_client=client.pk,
            after__update_id=update_id,
        ).first()
        if earlier is not None:
            return earlier
        return record_event(
            complaint,
            kind=EventKind.RESPONSE,
            actor_label=client.name,
            message=text,
            is_public=True,
            after={
                "open311_client": client.pk,
                "update_id": update_id,
                "status": status,
                "media_url": media_url,
                "updated_datetime": spec.w3c(updated_at),
            },
        )
