"""No wrong door, the pages and API outside one complaint's holder that act on complaints
(so they live with complaints: routing never imports complaints):

- the platform's front door: file without knowing who is responsible (routes first);
- the tracking page: a tracking code finds its complaint wherever it is now, and its journey;
- the regency admin's triage queue (on the regency government's host).

The authority directory and the category catalogue are routing's own (routing.views,
routing.api).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.api import Pages
from aduan.tenancy import request_tenant
from complaints.actions.route import do_triage
from complaints.api.forwarding import HopOutput
from complaints.api.register import LikelyDuplicateOutput
from complaints.selectors import TriageRow, triage_queue, triage_rows
from routing import selectors
from routing.selectors import REGENCY_ROLES
from tenants.access import TenantRole


class TriageOutput(serializers.Serializer[TriageRow]):
    tracking_code = serializers.CharField(source="entry.tracking_code")
    subject = serializers.CharField(source="entry.subject")
    holder = serializers.CharField(source="entry.holder.name")
    reason = serializers.CharField(source="entry.reason")
    proposal = serializers.JSONField(source="entry.proposal")
    created_at = serializers.DateTimeField(source="entry.created_at")
    category = serializers.CharField()
    complaint_id = serializers.IntegerField(source="complaint.pk", allow_null=True, default=None)
    number = serializers.CharField(source="complaint.number", allow_null=True, default=None)
    # Likely duplicates across the regency: their holder and tracking code only.
    likely_duplicates = LikelyDuplicateOutput(many=True)


class TriageInput(serializers.Serializer[dict[str, Any]]):
    to = serializers.CharField(max_length=63)
    reason = serializers.CharField(max_length=2000)


class TriageApi(APIView):
    permission_classes = [TenantRole(*REGENCY_ROLES)]
    pagination_class = Pages  # the schema pages the list answer (a list serializer)

    @extend_schema(responses=TriageOutput(many=True), operation_id="triage_queue")
    def get(self, request: Request) -> Response:
        tenant = request_tenant(request)
        pages = Pages()
        page = pages.paginate_queryset(triage_queue(tenant), request, view=self) or []
        rows = triage_rows(tenant, page)
        return pages.get_paginated_response(TriageOutput(rows, many=True).data)  # type: ignore[arg-type]


class TriageDecisionApi(APIView):
    permission_classes = [TenantRole(*REGENCY_ROLES)]

    @extend_schema(request=TriageInput, responses=HopOutput, operation_id="triage_send")
    def post(self, request: Request, code: str) -> Response:
        entry = selectors.access_triage_entry(request_tenant(request), code)
        given = TriageInput(data=request.data)
        given.is_valid(raise_exception=True)
        moved = do_triage(entry, actor=request.user, **given.validated_data)
        return Response(HopOutput(moved.hop).data)
