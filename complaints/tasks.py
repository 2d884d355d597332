"""Jobs of the complaints app (loaded by the worker and the scheduler)."""

from __future__ import annotations

import dramatiq
from django_tenants.utils import get_public_schema_name, schema_context
from dramatiq_crontab import cron

from complaints.actions.privacy import do_apply_retention
from complaints.actions.route import do_route_filed_complaint
from complaints.sla import run_sla_sweep
from tenants.models import Tenant, TenantStatus


def active_tenant_schemas() -> list[str]:
    return list(
        Tenant.objects.filter(status=TenantStatus.ACTIVE)
        .exclude(schema_name=get_public_schema_name())
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


@cron("*/5 * * * *")  # type: ignore[untyped-decorator]  # dramatiq-crontab ships no types
@dramatiq.actor(max_retries=3)
def sla_sweep() -> None:
    """Reminders before a deadline and escalations after it (complaints.sla). Idempotent: a
    deadline's reminder and escalation are marked sent in the transaction that writes them."""
    run_sla_sweep()


@dramatiq.actor(max_retries=3)
def route_filed_complaint(schema_name: str, complaint_id: int) -> None:
    """The router's look at a complaint a tenant just received (enqueued by intake).
    Idempotent: a complaint already looked at, moved on or gone is left alone."""
    do_route_filed_complaint(schema_name=schema_name, complaint_id=complaint_id)


@cron("17 2 * * *")  # type: ignore[untyped-decorator]  # daily, at night (UTC)
@dramatiq.actor(max_retries=3)
def retention_sweep() -> None:
    """UU 27/2022 retention: one job per active tenant (complaints.actions.privacy), so one
    tenant's failure or size never holds up the others."""
    for schema_name in active_tenant_schemas():
        apply_retention.send(schema_name)


@dramatiq.actor(max_retries=3)
def apply_retention(schema_name: str) -> None:
    """Anonymise what the tenant's retention period says must go. Idempotent: an anonymised
    complaint is not due again."""
    tenant = Tenant.objects.get(schema_name=schema_name)
    with schema_context(schema_name):
        do_apply_retention(tenant=tenant, dry_run=False)
