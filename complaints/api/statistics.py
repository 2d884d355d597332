"""Reports and statistics: the monthly recap, the dashboard, the SP4N-LAPOR! recap, publishing,
the regency roll-up and the public statistics (the figures: complaints.statistics; the one
writer of the published table: complaints.actions.statistics)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from aduan.openapi import ERROR_RESPONSE
from aduan.periods import Month, parse_month, parse_paging
from complaints import statistics
from complaints.access import access_statistics_refresh
from complaints.actions.statistics import do_publish_statistics, do_request_statistics_refresh
from complaints.public.models import MonthlyReport, StatisticsRefresh
from tenants.access import Public, RegencyAdmin, TenantRole
from tenants.models import Role, Tenant, TenantKind, User
from tenants.selectors import access_regency

# Who reads a tenant's reports: the head (it receives them), the auditor, the officer who
# compiles them and the tenant admin (seeds 002-004).
REPORT_ROLES = (Role.HEAD, Role.AUDITOR, Role.OFFICER, Role.TENANT_ADMIN)
# Who re-publishes a tenant's statistics on demand (after a holiday was added, say).
PUBLISH_ROLES = (Role.HEAD, Role.OFFICER, Role.TENANT_ADMIN)
# The SP4N-LAPOR! recap is the liaison's (pejabat penghubung) as well.
LAPOR_RECAP_ROLES = (*REPORT_ROLES, Role.LIAISON)
# Who reads the roll-up on the regency government's own host: its head and its regency
# admin (who also has it on the platform's host).
REGENCY_ROLLUP_ROLES = (Role.HEAD, Role.REGENCY_ADMIN)


def regency_here(tenant: Tenant) -> Tenant:
    """This tenant as a regency for its roll-up; "not found" for an agency or a village."""
    if tenant.kind != TenantKind.PEMKAB:
        raise statistics.not_found()
    return tenant


MONTH_PARAMETER = OpenApiParameter(
    "month", str, description="Period YYYY-MM (default: the current month)"
)


def month_from(raw: str | None, tenant: Tenant) -> Month:
    """The requested month, checked against the tenant's life (400 when outside it)."""
    return statistics.requested_month(tenant, raw)


class TrendOutput(serializers.Serializer[dict[str, Any]]):
    month = serializers.CharField()
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()


class FiguresOutput(serializers.Serializer[dict[str, Any]]):
    tenant = serializers.CharField()
    month = serializers.CharField()
    received = serializers.IntegerField()
    by_channel = serializers.DictField(child=serializers.IntegerField())
    by_category = serializers.DictField(child=serializers.IntegerField())
    by_urgency = serializers.DictField(child=serializers.IntegerField())
    by_state_at_month_end = serializers.DictField(child=serializers.IntegerField())
    complete = serializers.IntegerField()
    incomplete = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_within_limit = serializers.IntegerField()
    within_limit_percent = serializers.FloatField(allow_null=True)
    median_resolution_days = serializers.FloatField(allow_null=True)
    p90_resolution_days = serializers.IntegerField(allow_null=True)
    forwarded_in = serializers.IntegerField()
    forwarded_out = serializers.IntegerField()
    returned = serializers.IntegerField()
    referred_to_lapor = serializers.IntegerField()
    reopened = serializers.IntegerField()
    outcome_kinds = serializers.DictField(child=serializers.IntegerField())
    rating_count = serializers.IntegerField()
    rating_average = serializers.FloatField(allow_null=True)
    wbs_reports = serializers.IntegerField()
    open_at_month_end = serializers.IntegerField()
    trend = TrendOutput(many=True)


class MonthlyStatisticsApi(TenantApiView):
    """The monthly recap of this tenant, computed now from its complaints and timeline."""

    permission_classes = [TenantRole(*REPORT_ROLES)]

    @extend_schema(
        parameters=[MONTH_PARAMETER], responses=FiguresOutput, operation_id="statistics_monthly"
    )
    def get(self, request: Request) -> Response:
        month = month_from(request.query_params.get("month"), self.tenant)
        return Response(statistics.monthly_figures(self.tenant, month).as_dict())


class CategoryTimeOutput(serializers.Serializer[dict[str, Any]]):
    category = serializers.CharField(allow_blank=True)
    median_days = serializers.FloatField()
    resolved = serializers.IntegerField()


class LoadOutput(serializers.Serializer[dict[str, Any]]):
    user_id = serializers.IntegerField()
    open = serializers.IntegerField()


class DashboardOutput(serializers.Serializer[dict[str, Any]]):
    month = FiguresOutput()
    overdue_by_step = serializers.DictField(child=serializers.IntegerField())
    slowest_categories = CategoryTimeOutput(many=True)
    open_load = LoadOutput(many=True)
    open_total = serializers.IntegerField()


class DashboardApi(TenantApiView):
    """The dashboard: this month against the last 12, overdue by step, the slowest
    categories, the officers' open load."""

    permission_classes = [TenantRole(*REPORT_ROLES)]

    @extend_schema(responses=DashboardOutput, operation_id="statistics_dashboard")
    def get(self, request: Request) -> Response:
        return Response(statistics.dashboard(self.tenant).as_dict())


class LaporRecapRowOutput(serializers.Serializer[dict[str, Any]]):
    number = serializers.CharField()
    # DRF's metaclass takes declared fields off the class: "source" does not shadow Field.source.
    source = serializers.ChoiceField(choices=["lapor", "own"])  # type: ignore[assignment]
    channel = serializers.CharField()
    state = serializers.CharField()
    received_at = serializers.CharField()
    first_response_hours = serializers.FloatField(allow_null=True)


class LaporRecapApi(TenantApiView):
    """The SP4N-LAPOR!-style recap of a month: by source, status, time to first response."""

    permission_classes = [TenantRole(*LAPOR_RECAP_ROLES)]

    @extend_schema(
        parameters=[MONTH_PARAMETER],
        responses=LaporRecapRowOutput(many=True),
        operation_id="statistics_lapor_recap",
    )
    def get(self, request: Request) -> Response:
        month = month_from(request.query_params.get("month"), self.tenant)
        rows = statistics.lapor_recap(self.tenant, month)
        return Response([vars(row) for row in rows])


class PublishInput(serializers.Serializer[dict[str, Any]]):
    months = serializers.ListField(child=serializers.CharField(), min_length=1, max_length=24)


class PublishedOutput(serializers.Serializer[dict[str, Any]]):
    month = serializers.CharField()
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_within_limit = serializers.IntegerField()


class PublishApi(TenantApiView):
    """Re-publish months of this tenant's statistics now (the job does it after each batch of
    changes and nightly)."""

    permission_classes = [TenantRole(*PUBLISH_ROLES)]

    @extend_schema(
        request=PublishInput,
        responses=PublishedOutput(many=True),
        operation_id="statistics_publish",
    )
    def post(self, request: Request) -> Response:
        given = PublishInput(data=request.data)
        given.is_valid(raise_exception=True)
        months = sorted({parse_month(raw) for raw in given.validated_data["months"]})
        rows = do_publish_statistics(tenant=self.tenant, months=months)
        return Response(
            [
                {
                    "month": f"{row.year:04d}-{row.month:02d}",
                    "received": row.received,
                    "resolved": row.resolved,
                    "resolved_within_limit": row.resolved_within_limit,
                }
                for row in rows
            ]
        )


class RollupRowOutput(serializers.Serializer[dict[str, Any]]):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    published = serializers.BooleanField()
    received = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolved_within_limit = serializers.IntegerField()
    within_limit_percent = serializers.FloatField(allow_null=True)
    wilson_low = serializers.FloatField(allow_null=True)
    wilson_high = serializers.FloatField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    overdue_open = serializers.IntegerField()
    wbs_reports = serializers.IntegerField()


class OverdueOutput(serializers.Serializer[dict[str, Any]]):
    tenant = serializers.CharField()
    slug = serializers.CharField()
    number = serializers.CharField()
    state = serializers.CharField()
    # The state's name in its tenant's SOP: {"id": ..., "en": ...}.
    state_label = serializers.DictField(child=serializers.CharField(), required=False)
    due_at = serializers.CharField(allow_null=True)


class RollupOutput(serializers.Serializer[dict[str, Any]]):
    regency = serializers.CharField()
    month = serializers.CharField()
    min_volume = serializers.IntegerField()
    count = serializers.IntegerField(help_text="rows over all pages")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    rows = RollupRowOutput(many=True)
    overdue = OverdueOutput(many=True)
    totals = serializers.DictField(child=serializers.IntegerField())


SORT_PARAMETER = OpenApiParameter(
    "sort",
    str,
    description="rank (default), name, received, resolved, within, overdue; '-' reverses",
)
PAGE_PARAMETERS = [
    OpenApiParameter("page", int, description="page from 1 (sorted over all rows)"),
    OpenApiParameter("page_size", int, description="rows a page, 1-1000 (default 50)"),
]
ROLLUP_MAX_PAGE = statistics.ROLLUP_MAX_PAGE


def rollup_response(request: Request, regency: Tenant, *, public: bool) -> Response:
    month = rollup_month(request.query_params.get("month"), regency)
    paging = parse_paging(
        request.query_params, default_size=statistics.ROLLUP_PAGE_SIZE, max_size=ROLLUP_MAX_PAGE
    )
    rollup = statistics.regency_rollup(
        regency, month, sort=request.query_params.get("sort") or "rank", paging=paging,
        with_overdue=not public,
    )  # fmt: skip
    return Response(RollupOutput(rollup.as_dict()).data)


def rollup_month(raw: str | None, regency: Tenant) -> Month:
    return statistics.rollup_month(regency, raw)


class RegencyRollupApi(APIView):
    """Every agency and village of a regency for a month, from the published statistics,
    with the fair league table (Wilson lower bound, minimum volume) and the overdue list."""

    permission_classes = [RegencyAdmin]

    @extend_schema(
        parameters=[MONTH_PARAMETER, SORT_PARAMETER, *PAGE_PARAMETERS],
        responses=RollupOutput,
        operation_id="statistics_regency_rollup",
    )
    def get(self, request: Request, slug: str) -> Response:
        return rollup_response(request, access_regency(request.user, slug), public=False)


class RegencyRollupHereApi(TenantApiView):
    """The roll-up of this regency government (on its own host), for its head and its
    regency admin: the same rows, league table and overdue list."""

    permission_classes = [TenantRole(*REGENCY_ROLLUP_ROLES)]

    @extend_schema(
        parameters=[MONTH_PARAMETER, SORT_PARAMETER, *PAGE_PARAMETERS],
        responses={200: RollupOutput, 404: ERROR_RESPONSE},
        operation_id="statistics_regency_here",
    )
    def get(self, request: Request) -> Response:
        return rollup_response(request, regency_here(self.tenant), public=False)


class PublicStatisticsOutput(serializers.Serializer[dict[str, Any]]):
    tenant = serializers.CharField()
    name = serializers.CharField()
    months_published = serializers.ListField(child=serializers.CharField())
    month = serializers.CharField(allow_null=True)
    figures = FiguresOutput(allow_null=True)


class PublicStatisticsApi(TenantApiView):
    """This tenant's published monthly statistics (open data, no personal data, WBS only as
    a count): the given month, or the latest published."""

    permission_classes = [Public]

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM (default: the latest published)")
        ],
        responses={200: PublicStatisticsOutput, 404: ERROR_RESPONSE},
        operation_id="statistics_public",
    )
    def get(self, request: Request) -> Response:
        return Response(public_statistics(self.tenant, request.query_params.get("month")))


def public_statistics(tenant: Tenant, raw_month: str | None) -> dict[str, Any]:
    """The published months and one month's figures; 404 for a month not published."""
    months = statistics.published_months(tenant)
    month: Month | None
    if raw_month:
        month = parse_month(raw_month)
        statistics.check_period(tenant, month)
        if str(month) not in months:
            raise statistics.not_published(month)
    else:
        month = parse_month(months[0]) if months else None
    row = statistics.published_statistics(tenant, month) if month else None
    return {
        "tenant": tenant.slug,
        "name": tenant.name,
        "months_published": months,
        "month": str(month) if month else None,
        "figures": row.figures if row else None,
    }


class PublicRegencyStatisticsApi(APIView):
    """A regency's published statistics, a row per agency and village, with the fair league
    table: open data (no overdue list, no personal data)."""

    permission_classes = [Public]

    @extend_schema(
        parameters=[MONTH_PARAMETER, SORT_PARAMETER, *PAGE_PARAMETERS],
        responses=RollupOutput,
        operation_id="statistics_public_regency",
    )
    def get(self, request: Request, slug: str) -> Response:
        return rollup_response(request, statistics.public_regency(slug), public=True)


class SentReportOutput(serializers.Serializer[MonthlyReport]):
    id = serializers.IntegerField()
    month = serializers.CharField(source="period")
    sent_at = serializers.DateTimeField()
    recipients = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    def get_recipients(self, report: MonthlyReport) -> list[str]:
        return [str(r.get("name") or "") for r in report.recipients]

    def get_download_url(self, report: MonthlyReport) -> str:
        return reverse("statistics-sent-report", kwargs={"report_id": report.pk})


class SentReportsApi(TenantApiView):
    """The monthly reports sent to this tenant's heads, newest first (paged: `page`,
    `page_size`), each with its PDF as it was sent."""

    permission_classes = [TenantRole(*REPORT_ROLES)]

    @extend_schema(
        parameters=[
            PAGE_PARAMETERS[0],
            OpenApiParameter("page_size", int, description="rows a page, 1-100 (default 24)"),
        ],
        responses={200: SentReportOutput(many=True), 400: ERROR_RESPONSE},
        operation_id="statistics_sent_reports",
    )
    def get(self, request: Request) -> Response:
        paging = parse_paging(request.query_params, default_size=24, max_size=100)
        reports = MonthlyReport.objects.filter(tenant=self.tenant)
        page = list(reports[paging.offset : paging.offset + paging.size])
        return Response(SentReportOutput(page, many=True).data)  # type: ignore[arg-type]


class RefreshInput(serializers.Serializer[dict[str, Any]]):
    months = serializers.ListField(
        child=serializers.CharField(), min_length=1, max_length=24, required=False,
        help_text="YYYY-MM each (default: the last 12 months)",
    )  # fmt: skip
    regency = serializers.BooleanField(
        default=False, help_text="every tenant under this regency (a regency government only)"
    )


class RefreshOutput(serializers.Serializer[StatisticsRefresh]):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, done or failed")
    regency = serializers.BooleanField()
    months = serializers.ListField(child=serializers.CharField())
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class RefreshesApi(TenantApiView):
    """Ask for a re-publication (a job: a regency's twelve months, a re-run after a holiday
    was added); follow it at its own URL."""

    # The regency admin re-publishes from the roll-up on the platform host; here the head.
    permission_classes = [TenantRole(*PUBLISH_ROLES)]

    @extend_schema(
        request=RefreshInput,
        responses={202: RefreshOutput, 400: ERROR_RESPONSE},
        operation_id="statistics_refresh_request",
    )
    def post(self, request: Request) -> Response:
        given = RefreshInput(data=request.data)
        given.is_valid(raise_exception=True)
        months = [parse_month(raw, field="months") for raw in given.validated_data.get("months")
                  or []]  # fmt: skip
        regency = bool(given.validated_data["regency"])
        if regency:
            regency_here(self.tenant)
        user = request.user if isinstance(request.user, User) else None
        refresh = do_request_statistics_refresh(
            tenant=self.tenant, actor=user, months=months, regency=regency
        )
        return Response(RefreshOutput(refresh).data, status=status.HTTP_202_ACCEPTED)


class RefreshApi(TenantApiView):
    """One re-publication and its progress (`done` of `total` tenant-months)."""

    permission_classes = [TenantRole(*PUBLISH_ROLES, read=REPORT_ROLES)]

    @extend_schema(
        responses={200: RefreshOutput, 404: ERROR_RESPONSE},
        operation_id="statistics_refresh",
    )
    def get(self, request: Request, refresh_id: int) -> Response:
        return Response(RefreshOutput(access_statistics_refresh(self.tenant, refresh_id)).data)
