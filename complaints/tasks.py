"""Jobs of the complaints app (loaded by the worker and the scheduler)."""

from __future__ import annotations

import dramatiq
from django_tenants.utils import schema_context
from dramatiq_crontab import cron

from complaints.actions.duplicates import do_record_similarity_key
from complaints.actions.exports import do_run_export
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


@dramatiq.actor(max_retries=3, time_limit=30 * 60 * 1000)
def run_export(schema_name: str, export_id: int) -> None:
    """Write a large register export (complaints.actions.exports), its progress on its row.
    Idempotent: a finished export is left alone."""
    with schema_context(schema_name):
        do_run_export(export_id=export_id)


@dramatiq.actor(max_retries=3)
def record_similarity_key(schema_name: str, complaint_id: int) -> None:
    """The duplicate finder's key of a complaint just filed (complaints.actions.duplicates).
    Idempotent: the key is rewritten from the complaint as it is."""
    do_record_similarity_key(schema_name=schema_name, complaint_id=complaint_id)
