"""REST API of the platform base: the public tenant directory, each tenant's profile, and the
OpenAPI document of each host (kept per process)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from tenants import selectors
from tenants.access import Public
from tenants.models import Tenant


class Pages(PageNumberPagination):
    """How a list that grows with a regency (its tenants, its agencies) is paged in the API:
    `?page=N`, answered as `count`, `next`, `previous`, `results`."""

    page_size = 25

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        # DRF writes OpenAPI 3.0's `nullable`; the schema is 3.1 (JSON Schema), where the
        # last page's `next` and the first's `previous` are a string or null.
        paged = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            paged["properties"][link] = {"type": ["string", "null"], "format": "uri"}
        return paged


class RegionOutput(serializers.Serializer[object]):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class TenantOutput(serializers.Serializer[Tenant]):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    region = RegionOutput(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_url(self, tenant: Tenant) -> str:
        return selectors.tenant_url(tenant)


class TenantDirectoryApi(APIView):
    permission_classes = [Public]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Search by name or region")],
        responses=TenantOutput(many=True),
        operation_id="tenant_directory",
    )
    def get(self, request: Request) -> Response:
        tenants = selectors.directory(query=request.query_params.get("q", ""))
        # many=True makes a ListSerializer, which the stubs do not model.
        return Response(TenantOutput(tenants, many=True).data)  # type: ignore[arg-type]


class TenantProfileApi(TenantApiView):
    permission_classes = [Public]

    @extend_schema(responses=TenantOutput, operation_id="tenant_profile")
    def get(self, request: Request) -> Response:
        return Response(TenantOutput(self.tenant).data)


# The generated document per (URLconf, language): ~170 ms of CPU for a tenant's API, on a
# public endpoint. It depends on the code and the settings only, never on the tenant or caller.
_SCHEMAS: dict[tuple[str, str], Any] = {}


@receiver(setting_changed)
def forget_schemas(**kwargs: Any) -> None:
    """Drop the kept documents (a changed setting may change them; tests start afresh)."""
    _SCHEMAS.clear()


class SchemaApi(SpectacularAPIView):
    """The OpenAPI schema of one URLconf, generated once a process for each language (a
    `?version=` or `?lang=` the API does not define is generated each time, not kept)."""

    def _get_schema_response(self, request: Request) -> Response:
        version = request.GET.get("version") or self.api_version or request.version
        language = translation.get_language() or settings.LANGUAGE_CODE
        if version or language not in dict(settings.LANGUAGES):
            generated: Response = super()._get_schema_response(request)  # type: ignore[no-untyped-call]
            return generated
        key = (str(self.urlconf), language)
        if key not in _SCHEMAS:
            _SCHEMAS[key] = super()._get_schema_response(request).data  # type: ignore[no-untyped-call]
        # Its Content-Disposition names the format this request negotiated.
        filename = self._get_filename(request, None)  # type: ignore[no-untyped-call]
        return Response(
            data=_SCHEMAS[key], headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )
