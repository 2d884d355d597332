"""REST API of the onboarding paths (front door, `api/v1/...`); the lifecycle is in .lifecycle.

The same write paths as the pages (tenants.actions.onboarding); errors in the one
shape `{"code", "message", "extra"}` (aduan.api_errors).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.api import Pages, TenantOutput
from aduan.errors import NotFoundError
from aduan.tenancy import acting_user
from tenants import selectors
from tenants.access import PlatformOperator, Public, RegencyAdmin
from tenants.actions import onboarding
from tenants.models import DeskRequest, Tenant

# --- Serializers --------------------------------------------------------------------------


class VillageOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    district = serializers.CharField()
    regency = serializers.CharField()
    province = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # shadows Field.label


class DeskRequestInput(serializers.Serializer[Any]):
    village_code = serializers.CharField(max_length=13)
    officer_name = serializers.CharField(max_length=200)
    officer_phone = serializers.CharField(max_length=30)
    officer_email = serializers.CharField(max_length=254)
    letter = serializers.FileField()


class DeskRequestOutput(serializers.Serializer[DeskRequest]):
    id = serializers.UUIDField(source="public_id")
    village = serializers.SerializerMethodField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    tenant_url = serializers.SerializerMethodField()

    @extend_schema(responses=VillageOutput)
    def get_village(self, desk_request: DeskRequest) -> dict[str, Any]:
        match = selectors.villages_matching([desk_request.village_id])[0]
        return dict(VillageOutput(match).data)

    def get_tenant_url(self, desk_request: DeskRequest) -> str | None:
        tenant = desk_request.tenant
        return selectors.tenant_url(tenant) if tenant is not None else None


class DeskRequestStaffOutput(DeskRequestOutput):
    """What verifiers see besides the status: who asks, and where the letter is."""

    officer_name = serializers.CharField()
    officer_phone = serializers.CharField()
    officer_email = serializers.CharField()
    letter_url = serializers.SerializerMethodField()

    def get_letter_url(self, desk_request: DeskRequest) -> str:
        return f"/api/v1/console/desk-requests/{desk_request.public_id}/letter/"


class ReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class RegencyInput(serializers.Serializer[Any]):
    region_code = serializers.CharField(max_length=13)
    admin_email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    slug = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)


class AgencyInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=[k.value for k in onboarding.AGENCY_KINDS])
    region_code = serializers.CharField(max_length=13, required=False, default="", allow_blank=True)
    slug = serializers.CharField(max_length=60, required=False, default="", allow_blank=True)


class AgencyImportInput(serializers.Serializer[Any]):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=False)


class AgencyRowOutput(serializers.Serializer[Any]):
    row = serializers.IntegerField(source="line")
    name = serializers.CharField()
    kind = serializers.CharField()
    region_code = serializers.CharField()
    slug = serializers.CharField()


class AgencyImportOutput(serializers.Serializer[Any]):
    dry_run = serializers.BooleanField()
    rows = AgencyRowOutput(many=True)


# --- A village asks for a desk (public) ---------------------------------------------------


class VillageSearchApi(APIView):
    permission_classes = [Public]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Part of the village name (≥ 3)")],
        responses=VillageOutput(many=True),
        operation_id="village_search",
    )
    def get(self, request: Request) -> Response:
        matches = selectors.search_villages(request.query_params.get("q", ""))
        return Response(VillageOutput(matches, many=True).data)


class DeskRequestCreateApi(APIView):
    permission_classes = [Public]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": DeskRequestInput},
        responses={201: DeskRequestOutput},
        operation_id="desk_request_create",
    )
    def post(self, request: Request) -> Response:
        data = DeskRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        desk_request = onboarding.do_request_desk(**data.validated_data)
        return Response(DeskRequestOutput(desk_request).data, status=status.HTTP_201_CREATED)


class DeskRequestStatusApi(APIView):
    permission_classes = [Public]

    @extend_schema(responses=DeskRequestOutput, operation_id="desk_request_status")
    def get(self, request: Request, public_id: str) -> Response:
        desk_request = selectors.desk_request_by_public_id(public_id)
        if desk_request is None:
            raise NotFoundError("tenants.not_found", _("Tidak ditemukan."))
        return Response(DeskRequestOutput(desk_request).data)


# --- Verification (regency admin, operator) ----------------------------------------------


class DeskQueueApi(APIView):
    permission_classes = [RegencyAdmin]

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=["pending", "approved", "rejected"])],
        responses=DeskRequestStaffOutput(many=True),
        operation_id="desk_queue",
    )
    def get(self, request: Request) -> Response:
        found = selectors.desk_queue(request.user, status=request.query_params.get("status", ""))
        return Response(DeskRequestStaffOutput(found[:100], many=True).data)  # type: ignore[arg-type]


class DeskApproveApi(APIView):
    permission_classes = [RegencyAdmin]

    @extend_schema(request=None, responses=DeskRequestStaffOutput, operation_id="desk_approve")
    def post(self, request: Request, public_id: str) -> Response:
        desk_request = selectors.access_desk_request(request.user, public_id)
        decided = onboarding.do_approve_desk_request(
            desk_request=desk_request, actor=acting_user(request)
        )
        return Response(DeskRequestStaffOutput(decided).data)


class DeskRejectApi(APIView):
    permission_classes = [RegencyAdmin]

    @extend_schema(
        request=ReasonInput, responses=DeskRequestStaffOutput, operation_id="desk_reject"
    )
    def post(self, request: Request, public_id: str) -> Response:
        desk_request = selectors.access_desk_request(request.user, public_id)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        decided = onboarding.do_reject_desk_request(
            desk_request=desk_request,
            reason=data.validated_data["reason"],
            actor=acting_user(request),
        )
        return Response(DeskRequestStaffOutput(decided).data)


class DeskLetterApi(APIView):
    permission_classes = [RegencyAdmin]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY},
                   operation_id="desk_letter")  # fmt: skip
    def get(self, request: Request, public_id: str) -> FileResponse:
        desk_request = selectors.access_desk_request(request.user, public_id)
        return FileResponse(
            desk_request.letter.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=f"surat-{desk_request.village_id}.pdf",
        )


# --- Onboarding a regency (operator) and its agencies (regency admin) ---------------------


class RegencyListApi(APIView):
    permission_classes = [PlatformOperator]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(responses=TenantOutput(many=True), operation_id="regency_list")
    def get(self, request: Request) -> Response:
        found = Tenant.objects.filter(kind="PEMKAB").select_related("region").order_by("name")
        return Response(TenantOutput(found[:500], many=True).data)

    @extend_schema(request=RegencyInput, responses={201: TenantOutput},
                   operation_id="regency_onboard")  # fmt: skip
    def post(self, request: Request) -> Response:
        data = RegencyInput(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = onboarding.do_onboard_regency(actor=acting_user(request), **data.validated_data)
        return Response(TenantOutput(tenant).data, status=status.HTTP_201_CREATED)


class AgencyListApi(APIView):
    permission_classes = [RegencyAdmin]
    parser_classes = [JSONParser, FormParser]
    pagination_class = Pages  # the schema pages the list answer (a list serializer)

    @extend_schema(responses=TenantOutput(many=True), operation_id="agency_list")
    def get(self, request: Request, slug: str) -> Response:
        regency = selectors.access_regency(request.user, slug)
        pages = Pages()
        page = pages.paginate_queryset(selectors.agencies_of(regency), request, view=self)
        return pages.get_paginated_response(TenantOutput(page, many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=AgencyInput, responses={201: TenantOutput},
                   operation_id="agency_create")  # fmt: skip
    def post(self, request: Request, slug: str) -> Response:
        regency = selectors.access_regency(request.user, slug)
        data = AgencyInput(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = onboarding.do_create_agency(
            regency=regency, actor=acting_user(request), **data.validated_data
        )
        return Response(TenantOutput(tenant).data, status=status.HTTP_201_CREATED)


class AgencyImportApi(APIView):
    permission_classes = [RegencyAdmin]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": AgencyImportInput},
        responses={200: AgencyImportOutput, 201: AgencyImportOutput},
        operation_id="agency_import",
    )
    def post(self, request: Request, slug: str) -> Response:
        regency = selectors.access_regency(request.user, slug)
        data = AgencyImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        dry_run = data.validated_data["dry_run"]
        plan = onboarding.do_import_agencies(
            regency=regency,
            content=data.validated_data["file"].read(onboarding.CSV_MAX_BYTES + 1),
            actor=acting_user(request),
            dry_run=dry_run,
        )
        body = AgencyImportOutput({"dry_run": dry_run, "rows": plan.rows}).data
        return Response(body, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)
