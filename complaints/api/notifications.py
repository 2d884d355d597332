"""A staff member's notifications in this tenant (SLA reminders and escalations): the console
page and the API. Another user's notification, or one of another tenant, is "not found"."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from complaints.actions.notifications import do_mark_notification_read
from complaints.public.models import Notification
from complaints.selectors import NOTIFICATIONS_SHOWN, my_notifications
from tenants.access import TenantStaff


class NotificationOutput(serializers.Serializer[Notification]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    complaint_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationListApi(APIView):
    permission_classes = [TenantStaff]

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread ones")],
        responses=NotificationOutput(many=True),
        operation_id="notifications_list",
    )
    def get(self, request: Request) -> Response:
        unread = request.query_params.get("unread", "") in {"1", "true"}
        found = my_notifications(request.user, request.tenant, unread_only=unread)  # type: ignore[attr-defined]
        # many=True makes a ListSerializer, which the stubs do not model.
        return Response(NotificationOutput(found[:NOTIFICATIONS_SHOWN], many=True).data)  # type: ignore[arg-type]


class NotificationReadApi(TenantApiView):
    permission_classes = [TenantStaff]

    @extend_schema(request=None, responses=NotificationOutput, operation_id="notifications_read")
    def post(self, request: Request, notification_id: int) -> Response:
        notification = do_mark_notification_read(
            user=request.user,
            tenant=self.tenant,
            notification_id=notification_id,
        )
        return Response(NotificationOutput(notification).data, status=status.HTTP_200_OK)
