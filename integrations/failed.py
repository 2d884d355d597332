"""Everything a channel could not get through, in one list for the failed-messages page and
API: inbound messages that failed processing, notifications (to citizens, or pushed to
SP4N-LAPOR!) that used up their attempts in the outbox, and LAPOR! referrals whose sending
fails. Each kind keeps its own table and its own Retry; this module only reads them side by
side and dispatches a Retry to the right one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from integrations import inbound, outbox
from integrations.lapor import referrals
from integrations.models import ChannelName
from tenants.models import Tenant

LIMIT = 200


class FailedKind(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    LAPOR_REFERRAL = "lapor_referral"


# The API's choice set (named FailedKindEnum in the OpenAPI schema: aduan.settings).
FAILED_KINDS = [k.value for k in FailedKind]


@dataclass(frozen=True)
class FailedItem:
    kind: FailedKind
    id: int
    channel: str
    channel_label: str
    tenant: Tenant | None
    status: str
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    # When it arrived (inbound) or was written (a notification, a referral).
    received_at: datetime
    # The channel's id of an inbound message; the outbox key; the referral's tracking code.
    external_id: str
    tracking_code: str
    payload: dict[str, Any]


def failed_items(tenant: Tenant | None, limit: int = LIMIT) -> list[FailedItem]:
    """The newest failed items of every kind: the platform's (tenant None) or one tenant's.
    Each query is bounded by `limit`, so the page costs three small indexed reads."""
    items = [
        FailedItem(
            kind=FailedKind.INBOUND,
            id=m.pk,
            channel=m.channel,
            channel_label=str(m.get_channel_display()),
            tenant=m.tenant,
            status=m.status,
            attempts=m.attempts,
            last_error=m.last_error,
            next_attempt_at=m.next_attempt_at,
            received_at=m.received_at,
            external_id=m.external_id,
            tracking_code=str((m.result or {}).get("tracking_code", "")),
            payload=m.payload,
        )
        for m in inbound.failed_messages(tenant).select_related("tenant")[:limit]
    ]
    items += [
        FailedItem(
            kind=FailedKind.OUTBOUND,
            id=n.pk,
            channel=n.channel,
            channel_label=str(n.get_channel_display()),
            tenant=n.tenant,
            status=n.status,
            attempts=n.attempts,
            last_error=n.last_error,
            next_attempt_at=None,  # it waits for a Retry
            received_at=n.created_at,
            external_id=n.key,
            tracking_code=n.tracking_code,
            payload={
                "kind": n.kind,
                "recipient": n.recipient,
                "subject": n.subject,
                "body": n.body,
            },
        )
        for n in outbox.failed_notifications(tenant).select_related("tenant")[:limit]
    ]
    items += [
        FailedItem(
            kind=FailedKind.LAPOR_REFERRAL,
            id=r.pk,
            channel=ChannelName.LAPOR,
            channel_label=str(ChannelName.LAPOR.label),
            tenant=r.holder,
            status="failed",
            attempts=r.attempts,
            last_error=r.last_error,
            next_attempt_at=r.next_attempt_at,
            received_at=r.created_at,
            external_id=r.tracking_code,
            tracking_code=r.tracking_code,
            # Not the front door's payload: it holds the citizen's identity and files.
            payload={"reason": r.reason, "category": r.category, "village_code": r.village_code},
        )
        for r in referrals.failing_referrals(tenant).select_related("holder")[:limit]
    ]
    items.sort(key=lambda item: item.received_at, reverse=True)
    return items[:limit]


def do_retry(*, kind: FailedKind, item_id: int, tenant: Tenant | None, actor: Any) -> str:
    """Retry one failed item the caller may see (else "not found", whoever holds it).
    Returns its status afterwards."""
    if kind is FailedKind.OUTBOUND:
        message = outbox.access_failed_notification(item_id, tenant)
        return outbox.do_retry_notification(message=message, actor=actor).status
    if kind is FailedKind.LAPOR_REFERRAL:
        referral = referrals.access_failing_referral(item_id, tenant)
        referrals.do_retry_referral(referral=referral, actor=actor)
        return "pending"
    found = inbound.access_failed_message(item_id, tenant)
    return inbound.do_retry_message(message=found, actor=actor).status
