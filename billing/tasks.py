"""Billing's jobs: metering (batched into the public schema), the new period, and the
standing of accounts after a missed payment."""

from __future__ import annotations

import dramatiq
from dramatiq_crontab import cron

from billing.actions.payments import do_enforce_due_invoices
from billing.actions.usage import do_meter_usage, do_start_period


@cron("*/5 * * * *")  # type: ignore[untyped-decorator]  # dramatiq-crontab ships no types
@dramatiq.actor(max_retries=0)
def meter_usage() -> None:
    do_meter_usage()


@cron("5 0 1 * *")  # type: ignore[untyped-decorator]
@dramatiq.actor(max_retries=0)
def start_period() -> None:
    do_start_period()


@cron("15 0 * * *")  # type: ignore[untyped-decorator]
@dramatiq.actor(max_retries=0)
def enforce_due_invoices() -> None:
    do_enforce_due_invoices()
