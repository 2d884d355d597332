"""REST API of answer approval (complaints.actions.approval):

- `GET api/v1/complaints/<id>/approval/`: the answer held for approval, if any (staff);
- `POST api/v1/complaints/<id>/approval/`: approve it (the step is taken, the citizen told)
  or send it back with a note (approvers: Capability.APPROVE_ANSWER).
The approval queue is the work queue's `approval` list (`GET api/v1/work/`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from complaints.access import APPROVE_ROLES, access_complaint_for_work
from complaints.actions.approval import do_approve_answer, do_return_answer
from complaints.models import Complaint
from complaints.selectors import READ_ROLES
from tenants.access import TenantRole


class ApprovalInput(serializers.Serializer[dict[str, Any]]):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PendingAnswerOutput(serializers.Serializer[dict[str, Any]]):
    transition = serializers.CharField()
    inputs = serializers.DictField()
    drafted_by = serializers.IntegerField(allow_null=True)
    drafted_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=["waiting", "returned"])
    note = serializers.CharField(allow_blank=True)


class ApprovalOutput(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    pending_answer = PendingAnswerOutput(allow_null=True)


class ApprovalApi(TenantApiView):
    permission_classes = [TenantRole(*APPROVE_ROLES, read=READ_ROLES)]

    @extend_schema(responses=ApprovalOutput, operation_id="complaint_approval")
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_work(request.user, self.tenant, complaint_id)
        return Response(ApprovalOutput(complaint).data)

    @extend_schema(
        request=ApprovalInput, responses=ApprovalOutput, operation_id="complaint_decide_answer"
    )
    def post(self, request: Request, complaint_id: int) -> Response:
        complaint = access_complaint_for_work(request.user, self.tenant, complaint_id)
        given = ApprovalInput(data=request.data)
        given.is_valid(raise_exception=True)
        note = given.validated_data["note"]
        if given.validated_data["decision"] == "approve":
            complaint = do_approve_answer(complaint=complaint, actor=request.user, note=note)
        else:
            complaint = do_return_answer(complaint=complaint, actor=request.user, note=note)
        return Response(ApprovalOutput(complaint).data)
