"""Jobs of the complaints app (loaded by the worker and the scheduler)."""

from __future__ import annotations

import dramatiq
from dramatiq_crontab import cron

from complaints.actions.route import do_route_filed_complaint
from complaints.sla import run_sla_sweep


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
