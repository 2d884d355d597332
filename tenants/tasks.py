"""Background jobs of the tenants app. Actors take ids, never model instances, and are
idempotent: a retried job finds its work done and does nothing."""

from __future__ import annotations

import dramatiq

from aduan.db import tenant_db
from tenants.actions.onboarding import do_provision_desk, send_desk_rejection


@dramatiq.actor(max_retries=5)
def provision_desk(desk_request_id: int) -> None:
    """An approved village desk: provision its tenant and invite its officer."""
    tenant_db.set_schema_to_public()
    do_provision_desk(desk_request_id=desk_request_id)


@dramatiq.actor(max_retries=5)
def notify_desk_rejected(desk_request_id: int) -> None:
    """Tell the officer of a rejected desk request why."""
    tenant_db.set_schema_to_public()
    send_desk_rejection(desk_request_id=desk_request_id)
