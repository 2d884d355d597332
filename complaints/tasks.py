"""Jobs of the complaints app (loaded by the worker and the scheduler)."""

from __future__ import annotations

import dramatiq
from dramatiq_crontab import cron

from complaints.sla import run_sla_sweep


@cron("*/5 * * * *")  # type: ignore[untyped-decorator]  # dramatiq-crontab ships no types
@dramatiq.actor(max_retries=3)
def sla_sweep() -> None:
    """Reminders before a deadline and escalations after it (complaints.sla). Idempotent: a
    deadline's reminder and escalation are marked sent in the transaction that writes them."""
    run_sla_sweep()
