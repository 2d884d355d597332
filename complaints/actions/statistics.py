"""Publishing the monthly statistics: the only writer of complaints.public.MonthlyStatistic.

The job after a batch of changes and the nightly job call `do_publish_statistics` for a tenant;
the figures come from complaints.statistics (computed from the complaints and their timeline),
the public row is replaced whole, so a re-run (a holiday added, a month re-opened) is
idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from aduan.jobs import enqueue_once_after_commit
from complaints.calendar import WorkingCalendar, calendar_for
from complaints.models import Complaint
from complaints.public.models import MonthlyStatistic, Notification, NotificationKind
from complaints.selectors import overdue_filter
from complaints.statistics import (
    Month,
    check_period,
    current_month,
    first_month,
    month_label,
    monthly_figures,
)
from tenants.models import Membership, Role, Tenant, TenantStatus

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
    if not months:
        this_month = current_month(tenant)
        months = [m for m in (this_month.previous(), this_month) if m >= first_month(tenant)]
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
        overdue_count = Complaint.objects.filter(
            overdue_filter(now), is_wbs=False, merged_into__isnull=True
        ).count()
        overdue_rows = [
            {"number": number, "state": state, "due_at": _iso(due or case_due)}
            for number, state, due, case_due in overdue
        ]
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
                        "overdue": overdue_rows if is_current else [],
                        "figures": figures.as_dict(),
                        "refreshed_at": now,
                    },
                )
            published.append(row)
            if progress is not None:
                progress(done, len(months))
    return published


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# The changes of this many seconds are published together (one run per tenant per batch).
BATCH_SECONDS = 600


def publication_key(schema_name: str) -> str:
    return f"statistics:{schema_name}"


def request_statistics_refresh(tenant: Tenant) -> None:
    """A complaint of `tenant` changed: publish its statistics once the batch is over (called
    by complaints.actions.state.enter_state, inside the change's transaction)."""
    enqueue_once_after_commit(
        "publish_statistics",
        publication_key(tenant.schema_name),
        tenant.schema_name,
        delay_seconds=BATCH_SECONDS,
    )


def tenants_to_publish() -> list[str]:
    """The schemas of every active tenant (the nightly job sends one job each)."""
    return list(
        Tenant.objects.filter(status=TenantStatus.ACTIVE)
        .exclude(schema_name=get_public_schema_name())
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


def first_working_day(calendar: WorkingCalendar, month: Month) -> dt.date:
    day = month.first_day
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def do_send_monthly_reports(*, now: dt.datetime | None = None) -> list[tuple[str, int]]:
    """On a tenant's first working day of the month, tell each of its heads that last month's
    report is ready (a staff notification, delivered by e-mail or WhatsApp, linking to the
    PDF). Once per tenant and month. Returns (schema, head id) of each notification sent."""
    now = now or timezone.now()
    heads: dict[int, list[int]] = {}
    for tenant_id, user_id in Membership.objects.filter(
        role=Role.HEAD, tenant__status=TenantStatus.ACTIVE
    ).values_list("tenant_id", "user_id"):
        heads.setdefault(tenant_id, []).append(user_id)
    sent: list[tuple[str, int]] = []
    for tenant in Tenant.objects.filter(pk__in=list(heads)).order_by("pk"):
        calendar = calendar_for(tenant)
        today = calendar.local_date(now)
        month = Month.of(today)
        if today != first_working_day(calendar, month):
            continue
        period = month.previous()
        if period < first_month(tenant):
            continue
        start = calendar.start_of_day(month.first_day)
        with transaction.atomic():
            if Notification.objects.filter(
                tenant=tenant, kind=NotificationKind.MONTHLY_REPORT, created_at__gte=start
            ).exists():
                continue
            with translation.override(settings.LANGUAGE_CODE):
                title = _("Laporan bulanan pengaduan %(period)s") % {"period": month_label(period)}
                body = _(
                    "Laporan bulanan pengelolaan pengaduan %(tenant)s periode %(period)s "
                    "siap dibaca (PDF)."
                ) % {"tenant": tenant.name, "period": month_label(period)}
            url = (
                reverse("statistics-report-pdf", urlconf="aduan.urls_tenants") + f"?month={period}"
            )
            Notification.objects.bulk_create(
                Notification(
                    tenant=tenant, recipient_id=user_id, kind=NotificationKind.MONTHLY_REPORT,
                    title=title, body=body, url=url, created_at=now,
                )
                for user_id in heads[tenant.pk]
            )  # fmt: skip
        sent.extend((tenant.schema_name, user_id) for user_id in heads[tenant.pk])
    return sent
