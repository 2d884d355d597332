"""Jobs of the complaints app (loaded by the worker and the scheduler)."""

from __future__ import annotations

import dramatiq
from django_tenants.utils import get_public_schema_name, schema_context
from dramatiq_crontab import cron

from aduan.jobs import release_once
from complaints import search
from complaints.actions.duplicates import do_record_similarity_key
from complaints.actions.exports import do_run_export
from complaints.actions.privacy import do_apply_retention
from complaints.actions.route import do_route_filed_complaint
from complaints.actions.statistics import (
    do_publish_statistics,
    do_run_statistics_refresh,
    do_send_monthly_reports,
    publication_key,
    request_statistics_refresh,
    tenants_to_publish,
)
from complaints.forgiving import sweep_held_files as sweep_held
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


@cron("41 * * * *")  # type: ignore[untyped-decorator]  # hourly
@dramatiq.actor(max_retries=3)
def sweep_held_files() -> None:
    """Files held across a form error (complaints.forgiving) go once their form token's life
    (ADUAN_FORM_TOKEN_HOURS) is over. One sweep for all tenants: they share the held folder.
    Idempotent."""
    sweep_held()


@dramatiq.actor(max_retries=3)
def after_filing(schema_name: str, complaint_id: int, *, route: bool, index: bool) -> None:
    """What follows a filing, sent from the worker (enqueued by intake after commit, the one
    job of its request): the router's look (`route`), the duplicate finder's key and the
    search words (`index`: not for a WBS report), and the statistics' batch. Each is a job
    of its own with its own retries; sending them again is harmless (each is idempotent)."""
    if route:
        route_filed_complaint.send(schema_name, complaint_id)
    if index:
        record_similarity_key.send(schema_name, complaint_id)
        learn_search_words.send(schema_name, complaint_id)
    request_statistics_refresh(schema_name)


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


# Its own queue: a batch of changes enqueues one delayed run per tenant, apart from the
# interactive jobs.
@dramatiq.actor(max_retries=3, queue_name="statistics")
def publish_statistics(schema_name: str) -> None:
    """Publish this month's and last month's statistics of one tenant (after a batch of its
    changes, and nightly). Idempotent: the published rows are replaced whole."""
    release_once(publication_key(schema_name))
    tenant = Tenant.objects.filter(schema_name=schema_name).first()
    if tenant is not None:
        do_publish_statistics(tenant=tenant)


@cron("30 1 * * *")  # type: ignore[untyped-decorator]  # dramatiq-crontab ships no types
@dramatiq.actor(max_retries=3)
def publish_statistics_nightly() -> None:
    """Every active tenant's statistics, one job each (a holiday or a rating changes them
    without a change of state)."""
    for schema_name in tenants_to_publish():
        publish_statistics.send(schema_name)


@cron("0 7 1-10 * *")  # type: ignore[untyped-decorator]  # dramatiq-crontab ships no types
@dramatiq.actor(max_retries=3)
def send_monthly_reports() -> None:
    """The head's monthly report, on each tenant's first working day of the month (its own
    calendar decides which of the first ten days that is). Idempotent per tenant and month."""
    do_send_monthly_reports()


@dramatiq.actor(max_retries=3, queue_name="statistics", time_limit=60 * 60 * 1000)
def run_statistics_refresh(refresh_id: int) -> None:
    """A re-publication asked for from a page (a regency's twelve months, a re-run after a
    holiday was added), its progress on its row. Idempotent: a finished refresh is left
    alone, and publishing replaces rows whole."""
    do_run_statistics_refresh(refresh_id=refresh_id)


@dramatiq.actor(max_retries=3, time_limit=30 * 60 * 1000)
def run_export(schema_name: str, export_id: int) -> None:
    """Write a large register export (complaints.actions.exports), its progress on its row.
    Idempotent: a finished export is left alone."""
    with schema_context(schema_name):
        do_run_export(export_id=export_id)


@dramatiq.actor(max_retries=3)
def learn_search_words(schema_name: str, complaint_id: int) -> None:
    """A complaint just filed: its words into the tenant's search vocabulary (typos).
    Idempotent: a word already there is skipped."""
    with schema_context(schema_name):
        search.learn_words(complaint_id)


@dramatiq.actor(max_retries=3)
def record_similarity_key(schema_name: str, complaint_id: int) -> None:
    """The duplicate finder's key of a complaint just filed (complaints.actions.duplicates).
    Idempotent: the key is rewritten from the complaint as it is."""
    do_record_similarity_key(schema_name=schema_name, complaint_id=complaint_id)
