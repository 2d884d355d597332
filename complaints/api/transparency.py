"""The public transparency list over the API: what the page /transparansi/ shows."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.ratelimit import LookupThrottle
from aduan.tenancy import connection_tenant
from complaints import selectors
from complaints.presenters import transparency_rows
from tenants.access import Public


class PublicComplaintOutput(serializers.Serializer[dict[str, Any]]):
    number = serializers.CharField()
    subject = serializers.CharField()
    category = serializers.CharField()
    step = serializers.CharField()
    received_at = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)


class TransparencyOutput(serializers.Serializer[dict[str, Any]]):
    page = serializers.IntegerField()
    next_page = serializers.IntegerField(allow_null=True)
    results = PublicComplaintOutput(many=True)


class TransparencyApi(APIView):
    """The tenant's public complaints (never rahasia, never WBS, never identities)."""

    permission_classes = [Public]
    throttle_classes = [LookupThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, required=False)],
        responses=TransparencyOutput,
        operation_id="list_public_complaints",
    )
    def get(self, request: Request) -> Response:
        try:
            page = max(int(request.query_params.get("page", "1")), 1)
        except ValueError:
            page = 1
        complaints, more = selectors.public_complaints(page=page)
        rows = transparency_rows(complaints, connection_tenant())
        body = {"page": page, "next_page": page + 1 if more else None, "results": rows}
        return Response(TransparencyOutput(body).data)
