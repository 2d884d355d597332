"""Forwarding pages and API (tenant host): what waits here to be accepted, what this tenant
passed on (its stubs, with the status where the complaint is now), and the forward form."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from complaints import forwarding
from complaints.access import FORWARD_ROLES, access_held_complaint
from complaints.actions.forward import (
    do_accept_forwarded_complaint,
    do_forward_complaint,
    do_return_forwarded_complaint,
)
from complaints.models import Complaint
from complaints.selectors import overview
from routing.models import Hop
from tenants.access import ALL_STAFF_ROLES, TenantRole


class HopOutput(serializers.Serializer[Hop]):
    kind = serializers.CharField()
    from_tenant = serializers.CharField(source="from_tenant.name")
    to_tenant = serializers.CharField(source="to_tenant.name")
    from_number = serializers.CharField()
    to_number = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    decision_reason = serializers.CharField()
    at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ComplaintBrief(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    tracking_code = serializers.CharField()
    subject = serializers.CharField()
    state = serializers.CharField()


class IncomingOutput(serializers.Serializer[dict[str, Any]]):
    complaint = ComplaintBrief()
    hop = HopOutput()


class StubOutput(serializers.Serializer[dict[str, Any]]):
    number = serializers.CharField(source="stub.number")
    subject = serializers.CharField(source="stub.subject")
    to_tenant = serializers.CharField(source="stub.to_tenant_name")
    reason = serializers.CharField(source="stub.reason")
    moved_at = serializers.DateTimeField(source="stub.moved_at")
    now_at = serializers.CharField(source="holder.name", allow_null=True, default=None)


class ForwardingOutput(serializers.Serializer[dict[str, Any]]):
    incoming = IncomingOutput(many=True)
    forwarded = StubOutput(many=True)


class ForwardInput(serializers.Serializer[dict[str, Any]]):
    to = serializers.CharField(max_length=63, help_text="Slug of the receiving tenant")
    reason = serializers.CharField(max_length=2000)


class ReasonInput(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=2000)

    class Meta:
        ref_name = "ReturnReasonInput"  # required, unlike complaints.api's ReasonInput


class MovedOutput(serializers.Serializer[forwarding.Moved]):
    complaint = ComplaintBrief()
    hop = HopOutput()


class ForwardingApi(TenantApiView):
    permission_classes = [TenantRole(*FORWARD_ROLES, read=ALL_STAFF_ROLES)]

    @extend_schema(responses=ForwardingOutput, operation_id="forwarding_overview")
    def get(self, request: Request) -> Response:
        return Response(ForwardingOutput(overview(self.tenant)).data)


class ForwardComplaintApi(TenantApiView):
    permission_classes = [TenantRole(*FORWARD_ROLES)]

    @extend_schema(request=ForwardInput, responses=MovedOutput, operation_id="complaint_forward")
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant = self.tenant
        complaint = access_held_complaint(request, complaint_id)
        given = ForwardInput(data=request.data)
        given.is_valid(raise_exception=True)
        moved = do_forward_complaint(
            tenant=tenant,
            complaint_id=complaint.pk,
            to=given.validated_data["to"],
            reason=given.validated_data["reason"],
            actor=request.user,
        )
        return Response(MovedOutput(moved).data)


class AcceptComplaintApi(TenantApiView):
    permission_classes = [TenantRole(*FORWARD_ROLES)]

    @extend_schema(request=None, responses=HopOutput, operation_id="complaint_accept_forward")
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant = self.tenant
        complaint = access_held_complaint(request, complaint_id)
        hop = do_accept_forwarded_complaint(
            tenant=tenant, complaint_id=complaint.pk, actor=request.user
        )
        return Response(HopOutput(hop).data)


class ReturnComplaintApi(TenantApiView):
    permission_classes = [TenantRole(*FORWARD_ROLES)]

    @extend_schema(request=ReasonInput, responses=MovedOutput, operation_id="complaint_return")
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant = self.tenant
        complaint = access_held_complaint(request, complaint_id)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        moved = do_return_forwarded_complaint(
            tenant=tenant,
            complaint_id=complaint.pk,
            reason=given.validated_data["reason"],
            actor=request.user,
        )
        return Response(MovedOutput(moved).data)
