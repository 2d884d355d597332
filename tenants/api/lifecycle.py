"""REST API of a tenant's lifecycle (front door, `api/v1/tenants/<slug>/...`): the same write
paths as the pages (tenants.actions.lifecycle)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.api import TenantOutput
from aduan.openapi import ERROR_RESPONSE
from aduan.tenancy import acting_user
from tenants import permissions, selectors
from tenants.access import RegencyAdmin
from tenants.actions import lifecycle
from tenants.api.onboarding import ReasonInput
from tenants.errors import OnboardingErrorCode, TenantError
from tenants.models import Tenant, TenantEvent


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
            tenant=tenant, actor=acting_user(request), reason=data.validated_data["reason"]
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
            handler(tenant=tenant, actor=acting_user(request), reason=data.validated_data["reason"])
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
