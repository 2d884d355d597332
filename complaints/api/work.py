"""REST API of the staff home, the work queue: each list with its count and its first
complaints, most urgent first, then by due date (complaints.selectors.work_queues)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from complaints import selectors
from complaints.presenters import state_label
from complaints.selectors import READ_ROLES, Viewer
from tenants.access import TenantRole


class QueuedComplaintOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    tracking_code = serializers.CharField()
    subject = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.SerializerMethodField()
    urgency = serializers.CharField()
    category = serializers.CharField()
    assignee_id = serializers.IntegerField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    case_due_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_state_label(self, complaint: Any) -> str:
        return state_label(complaint)


class WorkQueueOutput(serializers.Serializer[Any]):
    key = serializers.ChoiceField(
        choices=[
            "mine",
            "team",
            "unassigned",
            "due_today",
            "overdue",
            "waiting_for_complainant",
            "waiting_for_acceptance",
            "proposals",
            "approval",
            "likely_duplicates",
        ]
    )
    # A field named "label" shadows Field.label in the stubs; DRF itself allows it.
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()
    complaints = QueuedComplaintOutput(many=True)


class WorkApi(TenantApiView):
    permission_classes = [TenantRole(*READ_ROLES)]

    @extend_schema(responses=WorkQueueOutput(many=True), operation_id="work_queues")
    def get(self, request: Request) -> Response:
        queues = selectors.work_queues(Viewer.of(request.user, self.tenant), self.tenant)
        data: list[dict[str, Any]] = list(WorkQueueOutput(queues, many=True).data)
        return Response(data)
