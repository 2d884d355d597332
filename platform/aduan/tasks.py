"""Platform jobs. Loaded by the worker (rundramatiq) and the scheduler (crontab)."""

from __future__ import annotations

import dramatiq
from django_tenants.utils import schema_context
from dramatiq_crontab import interval

from aduan.jobs import record_heartbeat
from complaints.models import Complaint


@interval(seconds=20)  # type: ignore[untyped-decorator]  # dramatiq-crontab ships no types
@dramatiq.actor(max_retries=0)
def scheduler_tick() -> None:
    """Proves end to end that the scheduler enqueues and a worker runs what it enqueued."""
    record_heartbeat("scheduler")


@dramatiq.actor(max_retries=3)
def probe(token: str, schema_name: str) -> None:
    """A job that enters a tenant's schema and reports what it saw (used by health checks
    and tests of the real broker path). Idempotent: it only overwrites its own record."""
    with schema_context(schema_name):
        seen = Complaint.objects.count()
    record_heartbeat(f"probe:{token}", schema=schema_name, complaints=seen)
