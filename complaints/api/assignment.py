"""Assigning a complaint: the page and the API (the action is complaints.actions.assign)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from complaints.access import access_complaint_for_request
from complaints.actions.assign import (
    ASSIGNER_ROLES,
    do_assign_complaint,
    not_assignable,
)
from complaints.models import Complaint
from complaints.selectors import staff_user_or_none
from tenants.access import TenantRole


class AssignmentInput(serializers.Serializer[dict[str, Any]]):
    assignee = serializers.IntegerField(allow_null=True, help_text="User id; null to unassign")


class AssignmentOutput(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    assignee = serializers.SerializerMethodField()

    def get_assignee(self, complaint: Complaint) -> str | None:
        return complaint.assignee.get_username() if complaint.assignee else None


class AssignmentApi(TenantApiView):
    """Give a complaint to a member of this tenant (or take it back)."""

    permission_classes = [TenantRole(*ASSIGNER_ROLES)]

    @extend_schema(
        request=AssignmentInput, responses=AssignmentOutput, operation_id="complaint_assign"
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant = self.tenant
        complaint = access_complaint_for_request(request, complaint_id)
        given = AssignmentInput(data=request.data)
        given.is_valid(raise_exception=True)
        assignee_id = given.validated_data["assignee"]
        assignee = staff_user_or_none(assignee_id)
        if assignee_id is not None and assignee is None:
            raise not_assignable()  # an unknown id, refused like a non-member
        complaint = do_assign_complaint(
            tenant=tenant,
            complaint=complaint,
            assignee=assignee,
            actor=request.user,  # type: ignore[arg-type]
        )
        return Response(AssignmentOutput(complaint).data)
