"""Register exports: ask for one (CSV, XLSX, the complaint book as PDF) with the register's
filters, follow its progress, download it once done (complaints.actions.exports)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.tenancy import request_tenant
from complaints.access import access_export
from complaints.actions.exports import do_request_export, export_filters
from complaints.exports import CONTENT_TYPES, file_response
from complaints.public.models import Export, ExportKind, ExportStatus
from complaints.selectors import READ_ROLES
from tenants.access import TenantRole

# A user's export list shows the newest this many.
LIST_SIZE = 20


class ExportFiltersInput(serializers.Serializer[dict[str, Any]]):
    """The register's filters, the same names and values as `GET api/v1/register/`."""

    q = serializers.CharField(required=False, allow_blank=True)
    state = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(required=False, allow_blank=True)
    urgency = serializers.CharField(required=False, allow_blank=True)
    channel = serializers.CharField(required=False, allow_blank=True)
    assignee = serializers.CharField(required=False, allow_blank=True)
    year = serializers.CharField(required=False, allow_blank=True)
    received_from = serializers.CharField(required=False, allow_blank=True)
    received_to = serializers.CharField(required=False, allow_blank=True)
    overdue = serializers.CharField(required=False, allow_blank=True)
    sort = serializers.CharField(required=False, allow_blank=True)


class ExportInput(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(help_text="csv, xlsx atau book (buku pengaduan, PDF)")
    filters = ExportFiltersInput(required=False)


class ExportOutput(serializers.Serializer[Export]):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ExportKind.choices)
    status = serializers.ChoiceField(choices=ExportStatus.choices)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    filters = serializers.DictField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, export: Export) -> str | None:
        if export.status != ExportStatus.DONE:
            return None
        return reverse("complaints:api-export-download", kwargs={"export_id": export.pk})


class ExportsApi(APIView):
    """The exports this user asked for here; ask for a new one (small ones come back done,
    large ones queued: follow `GET api/v1/exports/<id>/`)."""

    permission_classes = [TenantRole(*READ_ROLES)]

    @extend_schema(responses=ExportOutput(many=True), operation_id="exports_list")
    def get(self, request: Request) -> Response:
        mine = Export.objects.filter(
            tenant=request_tenant(request), requested_by_id=request.user.pk
        ).select_related("tenant")[:LIST_SIZE]
        return Response(ExportOutput(mine, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=ExportInput, responses={201: ExportOutput}, operation_id="export_create")
    def post(self, request: Request) -> Response:
        given = ExportInput(data=request.data)
        given.is_valid(raise_exception=True)
        export = do_request_export(
            tenant=request_tenant(request),
            actor=request.user,
            kind=given.validated_data["kind"],
            filters=export_filters(given.validated_data.get("filters") or {}),
        )
        return Response(ExportOutput(export).data, status=status.HTTP_201_CREATED)


class ExportApi(APIView):
    """One export and its progress (only its requester sees it)."""

    permission_classes = [TenantRole(*READ_ROLES)]

    @extend_schema(responses=ExportOutput, operation_id="export_detail")
    def get(self, request: Request, export_id: int) -> Response:
        export = access_export(request.user, request_tenant(request), export_id)
        return Response(ExportOutput(export).data)


class ExportDownloadApi(APIView):
    """The export's file, once done (404 before, and for anyone but its requester)."""

    permission_classes = [TenantRole(*READ_ROLES)]

    @extend_schema(
        responses={
            (200, media.split(";")[0]): OpenApiTypes.BINARY for media in CONTENT_TYPES.values()
        },
        operation_id="export_download",
    )
    def get(self, request: Request, export_id: int) -> FileResponse:
        export = access_export(request.user, request_tenant(request), export_id)
        return file_response(export)
