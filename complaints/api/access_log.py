"""The access log (log akses) API for the tenant's auditors: filtered, paged, and as CSV.
Read-only: no method changes or removes an entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from complaints.access import access_access_log
from complaints.calendar import tenant_zone
from complaints.models import AccessKind, AccessLogEntry
from complaints.privacy import PAGE_SIZE, access_log, access_log_csv, parse_filter
from tenants.access import TenantCapability
from tenants.permissions import Capability

FILTERS = [
    OpenApiParameter("kind", str, enum=AccessKind.values, description="Kind of access"),
    OpenApiParameter("number", str, description="Part of the complaint's register number"),
    OpenApiParameter("actor", str, description="Part of the user's name"),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="From this day (tenant's zone)"),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Up to this day, inclusive"),
]


class AccessLogEntryOutput(serializers.Serializer[AccessLogEntry]):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor_label = serializers.CharField()
    kind = serializers.ChoiceField(choices=AccessKind.choices)
    kind_label = serializers.SerializerMethodField()
    complaint_id = serializers.IntegerField(allow_null=True)
    complaint_number = serializers.CharField()
    reason = serializers.CharField()

    def get_kind_label(self, entry: AccessLogEntry) -> str:
        return str(AccessKind(entry.kind).label)


class AccessLogOutput(serializers.Serializer[dict[str, Any]]):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = AccessLogEntryOutput(many=True)


def _page(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) < 1_000_000 else 1


class AccessLogApi(TenantApiView):
    """GET: who saw whose personal data, when and why (newest first, 100 a page)."""

    permission_classes = [TenantCapability(Capability.VIEW_AUDIT, read=[Capability.VIEW_AUDIT])]

    @extend_schema(
        parameters=[*FILTERS, OpenApiParameter("page", int, description="Page, from 1")],
        responses=AccessLogOutput,
        operation_id="access_log_list",
    )
    def get(self, request: Request) -> Response:
        tenant = self.tenant
        access_access_log(request.user, tenant)
        entries = access_log(parse_filter(request.query_params.dict()), tenant_zone(tenant))
        count = entries.count()
        page = _page(request.query_params.get("page"))
        start = (page - 1) * PAGE_SIZE
        data = {
            "count": count,
            "page": page,
            "pages": max(1, -(-count // PAGE_SIZE)),
            "results": list(entries[start : start + PAGE_SIZE]),
        }
        return Response(AccessLogOutput(data).data)


class AccessLogCsvApi(TenantApiView):
    """GET: the filtered access log as CSV (UTF-8), every entry."""

    permission_classes = [TenantCapability(Capability.VIEW_AUDIT, read=[Capability.VIEW_AUDIT])]

    @extend_schema(
        parameters=FILTERS,
        responses={(200, "text/csv"): OpenApiTypes.STR},
        operation_id="access_log_csv",
    )
    def get(self, request: Request) -> HttpResponse:
        tenant = self.tenant
        access_access_log(request.user, tenant)
        zone = tenant_zone(tenant)
        entries = access_log(parse_filter(request.query_params.dict()), zone)
        return csv_response(access_log_csv(entries.iterator(), zone))


def csv_response(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="log-akses.csv"'
    return response
