"""Reports and statistics (laporan dan statistik pengaduan): every figure of the monthly recap,
the head's PDF, the dashboard, the published statistics and the regency roll-up.

One selector module, read-only: each figure is computed here from the tenant's complaints and
their timeline (and the public journey rows: hops, SP4N-LAPOR! referrals), never stored by
hand. The published copy (`complaints.public.models.MonthlyStatistic`) is written only by
`complaints.actions.statistics.do_publish_statistics` from `monthly_figures`.

Definitions (seeds 002-004; the month is the tenant's own calendar month, in its zone):
- received: complaints registered here in the month (arrivals by a forward included); their
  channel, category, urgency and state at the month's end (the last state entry before it);
  complete vs incomplete as the register holds them now.
- resolved: complaints that reached an end (a terminal state) in the month, merged duplicates
  left out; "within the limits" when the timeline holds no escalation of a breached step or
  case limit and the whole case's clock (if the SOP has one) ended by its due date, counted
  on today's calendar (a holiday added later moves the figure, which is why it is recomputed).
- resolution time: working days of the tenant's calendar from the day after receipt to the
  day of resolution, days spent waiting for the complainant not counted; median and p90
  (nearest rank).
- forwarded out: this register's forward stubs moved in the month (returns apart); forwarded
  in: moves to this tenant accepted in the month; referred: sent on to SP4N-LAPOR!.
- WBS (whistleblowing) reports only as a count: nothing else of them enters any figure.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name
from psycopg import sql

from aduan.errors import AduanError, NotFoundError
from aduan.periods import Month, Paging, check_month, parse_month
from complaints.calendar import WorkingCalendar, calendar_for
from complaints.models import Complaint, ComplaintEvent, EventKind, ForwardStub
from complaints.public.models import MonthlyStatistic
from complaints.selectors import overdue_filter
from complaints.sla import explain_case_due
from routing.models import Hop, HopKind, HopStatus, LaporReferral
from tenants.models import Tenant, TenantKind

TREND_MONTHS = 12
# A league table ranks a tenant only with at least this many resolved complaints.
MIN_VOLUME = 5
# The confidence of the Wilson interval (z of a two-sided 95 % interval).
WILSON_Z = 1.959963984540054


class StatisticsErrorCode:
    NOT_FOUND = "statistics.not_found"
    INVALID_SORT = "statistics.invalid_sort"
    NOT_PUBLISHED = "statistics.not_published"


class StatisticsError(AduanError):
    pass


MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip


def month_label(month: Month) -> str:
    """The period as the report prints it, in Bahasa Indonesia (the head's language)."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def current_month(tenant: Tenant, now: dt.datetime | None = None) -> Month:
    return Month.of((now or timezone.now()).astimezone(calendar_for(tenant).zone).date())


def first_month(tenant: Tenant) -> Month:
    """The month the tenant joined Aduan: nothing can be reported before it."""
    return Month.of(tenant.created_at.astimezone(calendar_for(tenant).zone).date())


def recent_months(tenant: Tenant, count: int = TREND_MONTHS) -> list[Month]:
    """Up to `count` months ending with the current one, oldest first, none before the
    tenant joined."""
    months = [current_month(tenant)]
    first = first_month(tenant)
    while len(months) < count and months[0].previous() >= first:
        months.insert(0, months[0].previous())
    return months


def check_period(tenant: Tenant, month: Month, now: dt.datetime | None = None) -> None:
    """A month that can be reported: not in the future, not before the tenant existed."""
    check_month(
        month,
        latest=current_month(tenant, now),
        earliest=first_month(tenant),
        before_start=_("Periode %(month)s sebelum instansi ini terdaftar di Aduan.")
        % {"month": month},
    )


def requested_month(tenant: Tenant, raw: str | None) -> Month:
    """The month a request asks for (`month=YYYY-MM`, default the current one), within the
    tenant's life: a clear 400 otherwise (aduan.periods, the one parser)."""
    month = parse_month(raw) if raw else current_month(tenant)
    check_period(tenant, month)
    return month


def rollup_month(regency: Tenant, raw: str | None) -> Month:
    """A roll-up's month: not in the future (a regency's tenants may be older than it)."""
    month = parse_month(raw) if raw else current_month(regency)
    return check_month(month, latest=current_month(regency))


def not_found() -> NotFoundError:
    return NotFoundError(StatisticsErrorCode.NOT_FOUND, _("Tidak ditemukan."))


@dataclass
class MonthlyFigures:
    """The monthly recap (rekap bulanan) of one tenant."""

    tenant: str
    month: str
    received: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_urgency: dict[str, int] = field(default_factory=dict)
    by_state_at_month_end: dict[str, int] = field(default_factory=dict)
    complete: int = 0
    incomplete: int = 0
    resolved: int = 0
    resolved_within_limit: int = 0
    within_limit_percent: float | None = None
    median_resolution_days: float | None = None
    p90_resolution_days: int | None = None
    forwarded_in: int = 0
    forwarded_out: int = 0
    returned: int = 0
    referred_to_lapor: int = 0
    reopened: int = 0
    outcome_kinds: dict[str, int] = field(default_factory=dict)
    rating_count: int = 0
    rating_average: float | None = None
    wbs_reports: int = 0
    open_at_month_end: int = 0
    trend: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def month_bounds(calendar: WorkingCalendar, month: Month) -> tuple[dt.datetime, dt.datetime]:
    """The month's first and the next month's first moment in the tenant's zone, in UTC."""
    return (
        calendar.start_of_day(month.first_day),
        calendar.start_of_day(month.next().first_day),
    )


def _paused_days(complaint: Complaint, calendar: WorkingCalendar) -> set[dt.date]:
    days: set[dt.date] = set()
    for raw in complaint.case_pauses or []:
        if not raw.get("end"):
            continue
        day = calendar.local_date(dt.datetime.fromisoformat(raw["start"]))
        last = calendar.local_date(dt.datetime.fromisoformat(raw["end"]))
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def resolution_working_days(complaint: Complaint, calendar: WorkingCalendar) -> int:
    """Working days from receipt to resolution, the day of receipt not counted (as the SLA
    counts), days waiting for the complainant left out."""
    assert complaint.closed_at is not None
    paused = _paused_days(complaint, calendar)
    day = calendar.local_date(complaint.created_at)
    last = calendar.local_date(complaint.closed_at)
    count = 0
    while day < last:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day) and day not in paused:
            count += 1
    return count


def within_case_limit(complaint: Complaint, calendar: WorkingCalendar) -> bool:
    """The whole case ended by its due date (always, when the SOP has no case limit)."""
    if complaint.case_ended_at is None:
        return True
    due = explain_case_due(complaint, calendar=calendar)
    return due is None or due.due_at is None or complaint.case_ended_at <= due.due_at


def p90(values: list[int]) -> int | None:
    """The 90th percentile, nearest rank: the value at least 90 % of the cases reach."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]


def _counts(queryset: QuerySet[Complaint], column: str) -> dict[str, int]:
    rows = queryset.values(column).annotate(n=Count("id")).order_by(column)
    return {str(row[column] or ""): int(row["n"]) for row in rows}


def monthly_figures(
    tenant: Tenant, month: Month, *, calendar: WorkingCalendar | None = None
) -> MonthlyFigures:
    """The recap of `month` for `tenant` (the current schema is the tenant's)."""
    calendar = calendar or calendar_for(tenant)
    start, end = month_bounds(calendar, month)
    figures = MonthlyFigures(tenant=tenant.slug, month=str(month))
    everyone = Complaint.objects.all()
    open_complaints = everyone.filter(is_wbs=False)
    figures.wbs_reports = everyone.filter(is_wbs=True, created_at__gte=start,
                                          created_at__lt=end).count()  # fmt: skip
    received = open_complaints.filter(created_at__gte=start, created_at__lt=end)
    figures.received = received.count()
    figures.by_channel = _counts(received, "channel")
    figures.by_category = _counts(received, "category")
    figures.by_urgency = _counts(received, "urgency")
    figures.complete = received.filter(is_complete=True).count()
    figures.incomplete = figures.received - figures.complete
    # The state each received complaint was in when the month ended: its last state entry.
    last_state = (
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), at__lt=end, after__has_key="state")
        .order_by("-at", "-id")
        .values("after__state")[:1]
    )
    states = Counter(
        str(state_then or state_now)
        for state_then, state_now in received.annotate(state_then=Subquery(last_state))
        .values_list("state_then", "state")
    )  # fmt: skip
    figures.by_state_at_month_end = dict(sorted(states.items()))
    figures.open_at_month_end = (
        open_complaints.filter(created_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        .filter(merged_into__isnull=True)
        .count()
    )

    resolved = list(
        open_complaints.filter(closed_at__gte=start, closed_at__lt=end, merged_into__isnull=True)
    )
    breached = set(
        ComplaintEvent.objects.filter(
            complaint_id__in=[c.pk for c in resolved], kind=EventKind.SLA_ESCALATED
        ).values_list("complaint_id", flat=True)
    )
    days = [resolution_working_days(c, calendar) for c in resolved]
    figures.resolved = len(resolved)
    figures.resolved_within_limit = sum(
        1 for c in resolved if c.pk not in breached and within_case_limit(c, calendar)
    )
    if resolved:
        figures.within_limit_percent = round(
            100 * figures.resolved_within_limit / figures.resolved, 1
        )
        figures.median_resolution_days = float(median(days))
        figures.p90_resolution_days = p90(days)

    in_month = {"at__gte": start, "at__lt": end}
    figures.reopened = ComplaintEvent.objects.filter(
        kind=EventKind.REOPENED, complaint__is_wbs=False, **in_month
    ).count()
    outcomes = Counter(
        str(kind)
        for kind in ComplaintEvent.objects.filter(
            kind=EventKind.TRANSITION, complaint__is_wbs=False,
            after__inputs__has_key="outcome_kind", **in_month,
        ).values_list("after__inputs__outcome_kind", flat=True)
    )  # fmt: skip
    figures.outcome_kinds = dict(sorted(outcomes.items()))
    figures.forwarded_out = (
        ForwardStub.objects.filter(moved_at__gte=start, moved_at__lt=end).count()
        - Hop.objects.filter(from_tenant=tenant, kind=HopKind.RETURN, **in_month).count()
    )
    figures.returned = Hop.objects.filter(from_tenant=tenant, kind=HopKind.RETURN,
                                          **in_month).count()  # fmt: skip
    figures.forwarded_in = Hop.objects.filter(
        to_tenant=tenant, status=HopStatus.ACCEPTED, decided_at__gte=start, decided_at__lt=end
    ).count()
    figures.referred_to_lapor = LaporReferral.objects.filter(
        holder=tenant, created_at__gte=start, created_at__lt=end
    ).count()
    ratings = open_complaints.filter(rated_at__gte=start, rated_at__lt=end,
                                     rating__isnull=False).aggregate(
        n=Count("id"), average=Avg("rating")
    )  # fmt: skip
    figures.rating_count = int(ratings["n"])
    figures.rating_average = round(float(ratings["average"]), 2) if ratings["average"] else None
    figures.trend = trend(tenant, month, calendar=calendar)
    return figures


def trend(
    tenant: Tenant, month: Month, *, calendar: WorkingCalendar | None = None
) -> list[dict[str, Any]]:
    """Received and resolved per month for the 12 months ending with `month`: two queries."""
    calendar = calendar or calendar_for(tenant)
    months = [month]
    while len(months) < TREND_MONTHS:
        months.insert(0, months[0].previous())
    start, _end = month_bounds(calendar, months[0])
    end = month_bounds(calendar, month)[1]
    base = Complaint.objects.filter(is_wbs=False)

    def per_month(column: str, extra: Q) -> dict[str, int]:
        rows = (
            base.filter(extra, **{f"{column}__gte": start, f"{column}__lt": end})
            .annotate(period=TruncMonth(column, tzinfo=calendar.zone))
            .values("period")
            .annotate(n=Count("id"))
        )
        return {f"{row['period']:%Y-%m}": int(row["n"]) for row in rows}

    received = per_month("created_at", Q())
    resolved = per_month("closed_at", Q(merged_into__isnull=True))
    return [
        {"month": str(m), "received": received.get(str(m), 0), "resolved": resolved.get(str(m), 0)}
        for m in months
    ]


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson_interval(successes: int, total: int, z: float = WILSON_Z) -> Interval | None:
    """The Wilson score interval of a share (successes of total), None without any case. Its
    lower bound ranks a league table fairly: 1 of 1 gives [0.21, 1.00], 95 of 100 gives
    [0.89, 0.98], so luck with a handful of complaints never tops the table."""
    if total <= 0:
        return None
    share = successes / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    return Interval(max(0.0, centre - spread), min(1.0, centre + spread))


# ---------------------------------------------------------------------------------------------
# The dashboard (heads and officers): now, from the tenant's own schema.


@dataclass
class Dashboard:
    month: MonthlyFigures
    overdue_by_step: dict[str, int]
    slowest_categories: list[dict[str, Any]]
    open_load: list[dict[str, Any]]
    open_total: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


SLOWEST_SHOWN = 5


def dashboard(tenant: Tenant, *, now: dt.datetime | None = None) -> Dashboard:
    """This month against the last 12, overdue complaints by step, the slowest categories
    (median working days to resolution over the 12 months) and each officer's open load."""
    now = now or timezone.now()
    calendar = calendar_for(tenant)
    month = current_month(tenant, now)
    figures = monthly_figures(tenant, month, calendar=calendar)
    open_complaints = Complaint.objects.filter(
        is_wbs=False, closed_at__isnull=True, merged_into__isnull=True
    )
    overdue = open_complaints.filter(overdue_filter(now))
    first = month
    for _i in range(TREND_MONTHS - 1):
        first = first.previous()
    since = month_bounds(calendar, first)[0]
    durations: dict[str, list[int]] = {}
    for complaint in Complaint.objects.filter(
        is_wbs=False, merged_into__isnull=True, closed_at__gte=since
    ).only("category", "created_at", "closed_at", "case_pauses"):
        durations.setdefault(complaint.category or "", []).append(
            resolution_working_days(complaint, calendar)
        )
    ordered = sorted(durations.items(), key=lambda item: (-median(item[1]), item[0]))
    slowest: list[dict[str, Any]] = [
        {"category": key, "median_days": float(median(days)), "resolved": len(days)}
        for key, days in ordered[:SLOWEST_SHOWN]
    ]
    load = (
        open_complaints.filter(assignee__isnull=False)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee_id")
    )
    return Dashboard(
        month=figures,
        overdue_by_step=_counts(overdue, "state"),
        slowest_categories=slowest,
        open_load=[{"user_id": row["assignee_id"], "open": int(row["n"])} for row in load],
        open_total=open_complaints.count(),
    )


# ---------------------------------------------------------------------------------------------
# The SP4N-LAPOR!-style recap for the regency's liaison (pejabat penghubung).


@dataclass
class LaporRecapRow:
    number: str
    source: str  # "lapor" (imported from SP4N-LAPOR!) or "own" (the tenant's own channels)
    channel: str
    state: str
    received_at: str
    first_response_hours: float | None


def lapor_recap(tenant: Tenant, month: Month) -> list[LaporRecapRow]:
    """The month's complaints by source, their status and the time to the first public
    response (hours), WBS left out: the table the liaison copies to SP4N-LAPOR!."""
    calendar = calendar_for(tenant)
    start, end = month_bounds(calendar, month)
    first_response = (
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), kind=EventKind.RESPONSE)
        .order_by("at", "id")
        .values("at")[:1]
    )
    rows = []
    for number, channel, state, created, answered in (
        Complaint.objects.filter(is_wbs=False, created_at__gte=start, created_at__lt=end)
        .annotate(answered=Subquery(first_response))
        .order_by("register_year", "register_seq")
        .values_list("number", "channel", "state", "created_at", "answered")
    ):
        hours = round((answered - created).total_seconds() / 3600, 1) if answered else None
        rows.append(
            LaporRecapRow(
                number=number,
                source="lapor" if channel == "lapor" else "own",
                channel=channel,
                state=state,
                received_at=created.astimezone(calendar.zone).isoformat(),
                first_response_hours=hours,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------
# The regency roll-up and the fair league table: read from the published table only.


@dataclass
class RollupRow:
    slug: str
    name: str
    kind: str
    published: bool
    received: int = 0
    resolved: int = 0
    resolved_within_limit: int = 0
    within_limit_percent: float | None = None
    wilson_low: float | None = None
    wilson_high: float | None = None
    rank: int | None = None  # None: fewer than MIN_VOLUME resolved, not ranked
    overdue_open: int = 0
    wbs_reports: int = 0


@dataclass
class Rollup:
    regency: str
    month: str
    min_volume: int
    rows: list[RollupRow]  # the page asked for, in the order asked for (sorted over all)
    overdue: list[dict[str, Any]]
    totals: dict[str, int]
    count: int = 0  # rows over all pages
    page: int = 1
    pages: int = 1
    page_size: int = 0
    leaders: list[RollupRow] = field(default_factory=list)  # the chart: the top ranked

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


ROLLUP_SORTS = ("name", "received", "resolved", "within", "rank", "overdue")
OVERDUE_LISTED = 100
ROLLUP_PAGE_SIZE = 50
# A whole regency on one page is allowed (a print); beyond that, pages.
ROLLUP_MAX_PAGE = 1000
LEADERS_CHARTED = 20


def regency_prefix(regency: Tenant) -> str:
    return (regency.region_id or "")[:5]


def regency_tenants(regency: Tenant) -> QuerySet[Tenant]:
    """Every agency and village under the regency (its region code's prefix), itself too."""
    prefix = regency_prefix(regency)
    tenants: QuerySet[Tenant] = Tenant.objects.exclude(schema_name=get_public_schema_name())
    if not prefix:
        return tenants.filter(pk=regency.pk)
    return tenants.filter(region__code__startswith=prefix)


_SORTERS: dict[str, Callable[[RollupRow], Any]] = {
    "name": lambda r: r.name,
    "received": lambda r: (-r.received, r.name),
    "resolved": lambda r: (-r.resolved, r.name),
    "within": lambda r: (-(r.within_limit_percent or -1.0), r.name),
    "rank": lambda r: (r.rank is None, r.rank or 0, r.name),
    "overdue": lambda r: (-r.overdue_open, r.name),
}


def regency_rollup(
    regency: Tenant,
    month: Month,
    *,
    sort: str = "rank",
    paging: Paging | None = None,
    with_overdue: bool = True,
) -> Rollup:
    """A row per tenant of the regency for `month`, from the published statistics, ranked
    and sorted over all rows, then cut to the page asked for: three queries (the tenants,
    their headline numbers, the oldest overdue complaints), whatever the number of tenants.
    Per row only the Wilson interval is computed here (arithmetic on two numbers)."""
    key = sort.removeprefix("-")
    if key not in ROLLUP_SORTS:
        raise StatisticsError(
            StatisticsErrorCode.INVALID_SORT,
            _("Urutan tidak dikenal: %(sort)s.") % {"sort": sort},
            {"field": "sort"},
        )
    tenants = list(regency_tenants(regency).order_by("name").values_list("pk", "slug", "name",
                                                                          "kind"))  # fmt: skip
    ids = [pk for pk, *_rest in tenants]
    published = {
        row[0]: row[1:]
        for row in MonthlyStatistic.objects.filter(
            year=month.year, month=month.month, tenant_id__in=ids
        ).values_list(
            "tenant_id", "received", "resolved", "resolved_within_limit", "overdue_open",
            "wbs_reports",
        )
    }  # fmt: skip
    rows: list[RollupRow] = []
    for pk, slug, name, kind in tenants:
        stat = published.get(pk)
        row = RollupRow(slug=slug, name=name, kind=kind, published=stat is not None)
        if stat is not None:
            received, resolved, within, overdue_open, wbs = stat
            row.received, row.resolved, row.resolved_within_limit = received, resolved, within
            row.overdue_open, row.wbs_reports = overdue_open, wbs
            interval = wilson_interval(within, resolved)
            if interval is not None:
                row.within_limit_percent = round(100 * within / resolved, 1)
                row.wilson_low, row.wilson_high = round(interval.low, 3), round(interval.high, 3)
        rows.append(row)
    ranked = sorted(
        (r for r in rows if r.resolved >= MIN_VOLUME and r.wilson_low is not None),
        key=lambda r: (-(r.wilson_low or 0.0), -r.resolved, r.name),
    )
    for position, row in enumerate(ranked, start=1):
        row.rank = position
    rows.sort(key=_SORTERS[key], reverse=sort.startswith("-"))
    totals = {
        "tenants": len(rows),
        "published": sum(r.published for r in rows),
        "received": sum(r.received for r in rows),
        "resolved": sum(r.resolved for r in rows),
        "resolved_within_limit": sum(r.resolved_within_limit for r in rows),
        "overdue_open": sum(r.overdue_open for r in rows),
        "wbs_reports": sum(r.wbs_reports for r in rows),
    }
    paging = paging or Paging(page=1, size=max(len(rows), 1))
    return Rollup(
        regency=regency.slug, month=str(month), min_volume=MIN_VOLUME,
        rows=paging.window(rows),
        overdue=oldest_overdue(ids, month) if with_overdue and ids else [],
        totals=totals, count=len(rows), page=paging.page, pages=paging.pages(len(rows)),
        page_size=paging.size, leaders=ranked[:LEADERS_CHARTED],
    )  # fmt: skip


def oldest_overdue(tenant_ids: list[int], month: Month) -> list[dict[str, Any]]:
    """The oldest overdue complaints of these tenants as published with `month`, one query:
    the database unnests each row's list and keeps the first `OVERDUE_LISTED` (a regency of
    500 tenants publishes up to 25,000 items; Python never sees them)."""
    query = sql.SQL(
        "SELECT t.name, t.slug, item->>'number', item->>'state', (item->'state_label')::text,"
        " item->>'due_at' FROM {stats} s JOIN {tenants} t ON t.id = s.tenant_id,"
        " jsonb_array_elements(s.overdue) item"
        " WHERE s.year = %s AND s.month = %s AND s.tenant_id = ANY(%s)"
        " ORDER BY COALESCE(item->>'due_at', ''), t.name, item->>'number' LIMIT %s"
    ).format(
        stats=sql.Identifier(get_public_schema_name(), MonthlyStatistic._meta.db_table),
        tenants=sql.Identifier(get_public_schema_name(), Tenant._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [month.year, month.month, tenant_ids, OVERDUE_LISTED])
        found = cursor.fetchall()
    return [
        {"tenant": name, "slug": slug, "number": number, "state": state,
         "state_label": json.loads(label) if label else {}, "due_at": due}
        for name, slug, number, state, label, due in found
    ]  # fmt: skip


def published_statistics(tenant: Tenant, month: Month) -> MonthlyStatistic | None:
    """The tenant's published recap of a month (public pages read only this)."""
    found: MonthlyStatistic | None = MonthlyStatistic.objects.filter(
        tenant=tenant, year=month.year, month=month.month
    ).first()
    return found


def published_months(tenant: Tenant) -> list[str]:
    """The months of the tenant's published statistics, newest first. Public pages show only
    complete months: the current one is published for the roll-up, not for the public."""
    current = current_month(tenant)
    return [
        f"{year:04d}-{month:02d}"
        for year, month in MonthlyStatistic.objects.filter(tenant=tenant)
        .order_by("-year", "-month")
        .values_list("year", "month")
        if Month(year, month) < current
    ]


def not_published(month: Month) -> NotFoundError:
    return NotFoundError(
        StatisticsErrorCode.NOT_PUBLISHED,
        _("Statistik periode %(month)s belum diterbitkan.") % {"month": month},
        {"field": "month"},
    )


def public_regency(slug: str) -> Tenant:
    """A regency government (PEMKAB) on Aduan, by slug, for its public statistics."""
    found: Tenant | None = Tenant.objects.filter(slug=slug, kind=TenantKind.PEMKAB).first()
    if found is None:
        raise not_found()
    return found
