"""Publishing the monthly statistics: the only writer of complaints.public.MonthlyStatistic.

The job after a batch of changes and the nightly job call `do_publish_statistics` for a tenant;
the figures come from complaints.statistics (computed from the complaints and their timeline),
the public row is replaced whole, so a re-run (a holiday added, a month re-opened) is
idempotent."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from aduan.jobs import enqueue_on_commit, enqueue_once_after_commit
from aduan.periods import Month, check_month, parse_month
from complaints import selectors
from complaints.calendar import WorkingCalendar, calendar_for
from complaints.models import Complaint
from complaints.public.models import (
    ExportStatus,
    MonthlyReport,
    MonthlyStatistic,
    Notification,
    NotificationKind,
    StatisticsRefresh,
)
from complaints.reports import monthly_report_pdf
from complaints.selectors import overdue_filter
from complaints.statistics import (
    check_period,
    current_month,
    first_month,
    month_label,
    monthly_figures,
    recent_months,
    regency_tenants,
)
from tenants.models import Membership, Role, Tenant, TenantKind, TenantStatus, User

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
        # The state's name in both languages: the roll-up shows it without this tenant's SOP.
        names = selectors.sop_state_labels(tenant)
        overdue_rows = [
            {
                "number": number,
                "state": state,
                "state_label": names[state].as_json() if state in names else {"id": state},
                "due_at": _iso(due or case_due),
            }
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


def request_statistics_refresh(schema_name: str) -> None:
    """A complaint of the tenant of `schema_name` changed: publish its statistics once the
    batch is over (called by complaints.actions.state.enter_state, inside the change's
    transaction, and for a filing by its after-filing job)."""
    enqueue_once_after_commit(
        "publish_statistics",
        publication_key(schema_name),
        schema_name,
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
    """On a tenant's first working day of the month, send each of its heads last month's
    report: the PDF is rendered, kept as sent (`MonthlyReport`, the sent reports page) and
    attached to a staff notification, which the e-mail sweeper (integrations.staff) mails.
    Once per tenant and month. Returns (schema, head id) of each notification written."""
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
        if MonthlyReport.objects.filter(
            tenant=tenant, year=period.year, month=period.month
        ).exists():
            continue
        users = list(User.objects.filter(pk__in=heads[tenant.pk]).order_by("pk"))
        sent.extend(_send_report(tenant, period, users, now))
    return sent


def _send_report(
    tenant: Tenant, period: Month, heads: list[User], now: dt.datetime
) -> list[tuple[str, int]]:
    with schema_context(tenant.schema_name):
        body = monthly_report_pdf(tenant, period, monthly_figures(tenant, period).as_dict())
    name = default_storage.save(
        f"{tenant.schema_name}/reports/laporan-{tenant.slug}-{period}-"
        f"{secrets.token_urlsafe(8)}.pdf",
        ContentFile(body),
    )
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                tenant=tenant, year=period.year, month=period.month, file=name, sent_at=now,
                recipients=[
                    {"user_id": u.pk, "name": u.get_full_name() or u.get_username(),
                     "email": u.email}
                    for u in heads
                ],
            )  # fmt: skip
            with translation.override(settings.LANGUAGE_CODE):
                title = _("Laporan bulanan pengaduan %(period)s") % {"period": month_label(period)}
                text = _(
                    "Laporan bulanan pengelolaan pengaduan %(tenant)s periode %(period)s "
                    "terlampir (PDF)."
                ) % {"tenant": tenant.name, "period": month_label(period)}
            url = reverse(
                "statistics-sent-report", kwargs={"report_id": report.pk},
                urlconf="aduan.urls_tenants",
            )  # fmt: skip
            Notification.objects.bulk_create(
                Notification(
                    tenant=tenant, recipient=user, kind=NotificationKind.MONTHLY_REPORT,
                    title=title, body=text, url=url, created_at=now, attachment=name,
                )
                for user in heads
            )  # fmt: skip
    except IntegrityError:
        # Another run sent this month's report meanwhile: keep its copy, drop ours.
        default_storage.delete(name)
        return []
    return [(tenant.schema_name, user.pk) for user in heads]


# ---------------------------------------------------------------------------------------------
# A long re-publication with its progress (a regency's twelve months, a re-run after a holiday
# was added): the page asks, the job runs it, the page and the CLI show how far it is.


def refresh_plan(refresh: StatisticsRefresh) -> list[tuple[Tenant, list[Month]]]:
    """Each tenant the refresh covers with its months, none before it joined or in its
    future (a regency's tenants joined at different times)."""
    wanted = sorted(parse_month(raw) for raw in refresh.months)
    tenants = (
        list(regency_tenants(refresh.tenant).order_by("name", "pk"))
        if refresh.regency
        else [refresh.tenant]
    )
    plan = []
    for tenant in tenants:
        first, last = first_month(tenant), current_month(tenant)
        months = [m for m in wanted if first <= m <= last]
        if months:
            plan.append((tenant, months))
    return plan


def do_request_statistics_refresh(
    *, tenant: Tenant, actor: User | None, months: list[Month], regency: bool = False
) -> StatisticsRefresh:
    """Ask for `months` of this tenant's statistics (with `regency`: of every tenant under
    this regency) to be published again by the job, which records its progress; returns the
    refresh, queued. A month in the future is refused (400)."""
    if not months:
        months = recent_months(tenant)
    for month in months:
        check_month(month, latest=current_month(tenant))
    if regency and tenant.kind != TenantKind.PEMKAB:
        regency = False
    with transaction.atomic():
        refresh = StatisticsRefresh.objects.create(
            tenant=tenant, requested_by=actor, regency=regency,
            months=[str(m) for m in sorted(set(months))], created_at=timezone.now(),
        )  # fmt: skip
        refresh.total = sum(len(chosen) for _t, chosen in refresh_plan(refresh))
        refresh.save(update_fields=["total"])
        enqueue_on_commit("run_statistics_refresh", refresh.pk)
    return refresh


def do_run_statistics_refresh(
    *, refresh_id: int, progress: Callable[[int, int, str], None] | None = None
) -> StatisticsRefresh:
    """Publish what the refresh covers, month by month, writing its progress on its row
    after each month (its own statement: the page sees it at once); `progress(done, total,
    tenant slug)` is told too (the CLI's bar). Idempotent: a finished refresh is left as is,
    and publishing replaces rows whole."""
    refresh = StatisticsRefresh.objects.select_related("tenant").get(pk=refresh_id)
    if refresh.status in (ExportStatus.DONE, ExportStatus.FAILED):
        return refresh
    plan = refresh_plan(refresh)
    total = sum(len(months) for _tenant, months in plan)
    StatisticsRefresh.objects.filter(pk=refresh.pk).update(
        status=ExportStatus.RUNNING, total=total, done=0
    )
    done = 0
    for tenant, months in plan:

        def advance(step: int, _count: int, tenant: Tenant = tenant, before: int = done) -> None:
            StatisticsRefresh.objects.filter(pk=refresh_id).update(done=before + step)
            if progress is not None:
                progress(before + step, total, tenant.slug)

        do_publish_statistics(tenant=tenant, months=months, progress=advance)
        done += len(months)
    StatisticsRefresh.objects.filter(pk=refresh.pk).update(
        status=ExportStatus.DONE, done=total, finished_at=timezone.now()
    )
    refresh.refresh_from_db()
    return refresh
