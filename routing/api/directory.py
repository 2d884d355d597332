"""The authority directory's API (regency admin): what each tenant of the regency declares it
handles and where; PUT changes one tenant's declaration."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.api import Pages
from routing.actions.directory import do_update_authority
from routing.directory import Declaration, declarations
from routing.selectors import REGENCY_ROLES, access_directory_tenant, regency_tenants
from tenants.access import TenantRole
from tenants.models import Tenant


class AuthorityOutput(serializers.Serializer[Declaration]):
    tenant = serializers.CharField(source="tenant.slug")
    name = serializers.CharField(source="tenant.name")
    kind = serializers.CharField(source="tenant.kind")
    categories = serializers.ListField(child=serializers.CharField(), source="category_keys")
    coverage_code = serializers.CharField()
    higher = serializers.CharField(source="higher.slug", allow_null=True, default=None)
    is_customized = serializers.BooleanField()


class AuthorityInput(serializers.Serializer[dict[str, Any]]):
    categories = serializers.ListField(child=serializers.CharField(max_length=40))
    coverage_code = serializers.CharField(max_length=13, allow_blank=True)
    higher = serializers.CharField(max_length=63, required=False, allow_blank=True)


class DirectoryApi(ListAPIView[Tenant]):
    """Every tenant of the regency, paged (`count`, `next`, `previous`, `results`)."""

    permission_classes = [TenantRole(*REGENCY_ROLES)]
    serializer_class = AuthorityOutput  # type: ignore[assignment]  # serializes declarations
    pagination_class = Pages

    def get_queryset(self) -> QuerySet[Tenant]:
        return regency_tenants(self.request)

    @extend_schema(operation_id="authority_directory")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The page's tenants, then their declarations in a constant number of queries.
        page = self.paginate_queryset(self.get_queryset())
        rows = declarations(list(page or []))
        return self.get_paginated_response(AuthorityOutput(rows, many=True).data)  # type: ignore[arg-type]


class AuthorityApi(APIView):
    permission_classes = [TenantRole(*REGENCY_ROLES)]

    @extend_schema(request=AuthorityInput, responses=AuthorityOutput, operation_id="authority_set")
    def put(self, request: Request, slug: str) -> Response:
        tenant = access_directory_tenant(request, slug)
        given = AuthorityInput(data=request.data)
        given.is_valid(raise_exception=True)
        authority = do_update_authority(
            tenant=tenant,
            category_keys=given.validated_data["categories"],
            coverage_code=given.validated_data["coverage_code"],
            higher_slug=given.validated_data.get("higher", ""),
            actor=request.user,
        )
        return Response(AuthorityOutput(Declaration.of(authority)).data)
