"""REST API of the onboarding paths and the tenant lifecycle (front door, `api/v1/...`).

The same write paths as the pages (tenants.onboarding, tenants.lifecycle); errors in the one
shape `{"code", "message", "extra"}` (aduan.api_errors).
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.api import TenantOutput
from aduan.errors import NotFoundError
from aduan.openapi import ERROR_RESPONSE
from tenants import lifecycle, onboarding, permissions, selectors
from tenants.access import PlatformOperator, Public, RegencyAdmin
from tenants.errors import OnboardingErrorCode, TenantError
from tenants.models import DeskRequest, Tenant, TenantEvent, User
from tenants.onboarding import AGENCY_KINDS


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # the declaration let only signed-in users through
    return user


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
    kind = serializers.ChoiceField(choices=[k.value for k in AGENCY_KINDS])
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


class TenantEventOutput(serializers.Serializer[TenantEvent]):
    kind = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    reason = serializers.CharField()
    detail = serializers.JSONField()
    created_at = serializers.DateTimeField()


class GovernedTenantOutput(TenantOutput):
    parent = serializers.CharField(  # type: ignore[assignment]  # shadows Field.parent
        source="parent.slug", allow_null=True, default=None
    )
    events = serializers.SerializerMethodField()
    archive_url = serializers.SerializerMethodField()

    @extend_schema(responses=TenantEventOutput(many=True))
    def get_events(self, tenant: Tenant) -> list[Any]:
        return list(TenantEventOutput(selectors.tenant_events(tenant), many=True).data)  # type: ignore[arg-type]

    def get_archive_url(self, tenant: Tenant) -> str | None:
        if lifecycle.latest_archive(tenant) is None:
            return None
        return f"/api/v1/tenants/{tenant.slug}/archive/download/"


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
            desk_request=desk_request, actor=_user(request)
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
            desk_request=desk_request, reason=data.validated_data["reason"], actor=_user(request)
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
        tenant = onboarding.do_onboard_regency(actor=_user(request), **data.validated_data)
        return Response(TenantOutput(tenant).data, status=status.HTTP_201_CREATED)


class AgencyListApi(APIView):
    permission_classes = [RegencyAdmin]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(responses=TenantOutput(many=True), operation_id="agency_list")
    def get(self, request: Request, slug: str) -> Response:
        regency = selectors.access_regency(request.user, slug)
        return Response(TenantOutput(selectors.agencies_of(regency), many=True).data)  # type: ignore[arg-type]

    @extend_schema(request=AgencyInput, responses={201: TenantOutput},
                   operation_id="agency_create")  # fmt: skip
    def post(self, request: Request, slug: str) -> Response:
        regency = selectors.access_regency(request.user, slug)
        data = AgencyInput(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = onboarding.do_create_agency(
            regency=regency, actor=_user(request), **data.validated_data
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
            actor=_user(request),
            dry_run=dry_run,
        )
        body = AgencyImportOutput({"dry_run": dry_run, "rows": plan.rows}).data
        return Response(body, status=status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED)


# --- Lifecycle ----------------------------------------------------------------------------


class GovernedTenantApi(APIView):
    """A tenant its regency admin or the operator administers: read, or delete (only after
    it was archived)."""

    permission_classes = [RegencyAdmin]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(responses=GovernedTenantOutput, operation_id="governed_tenant")
    def get(self, request: Request, slug: str) -> Response:
        tenant = permissions.access_governed_tenant(request.user, slug)
        return Response(GovernedTenantOutput(tenant).data)

    @extend_schema(
        request=ReasonInput,
        responses={200: inline_serializer("TenantDeleted", {"deleted": serializers.CharField()})},
        operation_id="governed_tenant_delete",
    )
    def delete(self, request: Request, slug: str) -> Response:
        tenant = permissions.access_governed_tenant(request.user, slug)
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        lifecycle.do_delete_tenant(
            tenant=tenant, actor=_user(request), reason=data.validated_data["reason"]
        )
        return Response({"deleted": slug})


def _lifecycle_api(action: str, handler: Any) -> type[APIView]:
    class LifecycleApi(APIView):
        permission_classes = [RegencyAdmin]
        parser_classes = [JSONParser, FormParser]

        @extend_schema(
            request=ReasonInput,
            responses=GovernedTenantOutput,
            operation_id=f"governed_tenant_{action}",
        )
        def post(self, request: Request, slug: str) -> Response:
            tenant = permissions.access_governed_tenant(request.user, slug)
            data = ReasonInput(data=request.data)
            data.is_valid(raise_exception=True)
            handler(tenant=tenant, actor=_user(request), reason=data.validated_data["reason"])
            tenant.refresh_from_db()
            return Response(GovernedTenantOutput(tenant).data)

    LifecycleApi.__name__ = LifecycleApi.__qualname__ = f"{action.title()}TenantApi"
    return LifecycleApi


SuspendTenantApi = _lifecycle_api("suspend", lifecycle.do_suspend_tenant)
ReactivateTenantApi = _lifecycle_api("reactivate", lifecycle.do_reactivate_tenant)
ArchiveTenantApi = _lifecycle_api("archive", lifecycle.do_archive_tenant)


class ArchiveDownloadApi(APIView):
    permission_classes = [RegencyAdmin]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY,
                              400: ERROR_RESPONSE},  # tenants.no_archive: none made yet
                   operation_id="governed_tenant_archive_download")  # fmt: skip
    def get(self, request: Request, slug: str) -> FileResponse:
        tenant = permissions.access_governed_tenant(request.user, slug)
        path = lifecycle.latest_archive(tenant)
        if path is None:
            raise TenantError(OnboardingErrorCode.NO_ARCHIVE, _("Belum ada arsip."))
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
