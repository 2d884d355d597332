"""Billing's jobs: metering (batched into the public schema), the new period, the monthly
invoice run, and the standing of accounts after a missed payment."""

from __future__ import annotations

import dramatiq
from dramatiq_crontab import cron

from billing.actions.invoices import do_run_invoices, previous_period
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


# Daily at 00:30 in Jakarta (17:30 UTC): the first run of a month issues and e-mails the
# closed month's invoices; the later ones find them issued and only retry what failed (no
# PPN rate yet, the mail server down). Idempotent: each account once per month.
@cron("30 17 * * *")  # type: ignore[untyped-decorator]
@dramatiq.actor(max_retries=0)
def run_invoices() -> None:
    do_run_invoices(period=previous_period())
