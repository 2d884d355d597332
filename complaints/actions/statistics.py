"""Publishing the monthly statistics: the only writer of complaints.public.MonthlyStatistic.

The job after a batch of changes and the nightly job call `do_publish_statistics` for a tenant;
the figures come from complaints.statistics (computed from the complaints and their timeline),
the public row is replaced whole, so a re-run (a holiday added, a month re-opened) is
idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.models import Complaint
from complaints.public.models import MonthlyStatistic
from complaints.selectors import overdue_filter
from complaints.statistics import Month, check_period, current_month, monthly_figures
from tenants.models import Tenant

# The overdue list published with a month: the oldest this many (the roll-up shows them).
OVERDUE_SHOWN = 50


def do_publish_statistics(
    *,
    tenant: Tenant,
    months: list[Month] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[MonthlyStatistic]:
    """Compute and publish `months` (default: this month and the last) of `tenant`; months
    before the tenant existed or in the future are refused. `progress(done, total)` is told
    after each month (the CLI and the page show it for a long re-run)."""
    months = months or [current_month(tenant).previous(), current_month(tenant)]
    for month in months:
        check_period(tenant, month)
    published = []
    now = timezone.now()
    with schema_context(tenant.schema_name):
        overdue = list(
            Complaint.objects.filter(overdue_filter(now), is_wbs=False, merged_into__isnull=True)
            .order_by("due_at")
            .values_list("number", "state", "due_at", "case_due_at")[:OVERDUE_SHOWN]
        )
        overdue_count = (
            Complaint.objects.filter(overdue_filter(now), is_wbs=False, merged_into__isnull=True)
            .count()
        )
        for done, month in enumerate(months, start=1):
            figures = monthly_figures(tenant, month)
            is_current = month == current_month(tenant)
            with transaction.atomic():
                row, _created = MonthlyStatistic.objects.update_or_create(
                    tenant=tenant,
                    year=month.year,
                    month=month.month,
                    defaults={
                        "received": figures.received,
                        "resolved": figures.resolved,
                        "resolved_within_limit": figures.resolved_within_limit,
                        "wbs_reports": figures.wbs_reports,
                        "overdue_open": overdue_count if is_current else 0,
                        "overdue": [
                            {"number": number, "state": state,
                             "due_at": (due or case_due).isoformat() if (due or case_due) else None}
                            for number, state, due, case_due in overdue
                        ] if is_current else [],  # fmt: skip
                        "figures": figures.as_dict(),
                        "refreshed_at": now,
                    },
                )
            published.append(row)
            if progress is not None:
                progress(done, len(months))
    return published
