"""A staff member's notifications in this tenant (SLA reminders and escalations): the console
page and the API. Another user's notification, or one of another tenant, is "not found"."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.errors import NotFoundError
from complaints.public.models import Notification
from tenants.access import TenantStaff, tenant_staff_required
from tenants.models import Tenant
from tenants.permissions import AnyUser

PAGE_SIZE = 50


def my_notifications(
    user: AnyUser, tenant: Tenant, *, unread_only: bool = False
) -> QuerySet[Notification]:
    found = Notification.objects.filter(recipient_id=user.pk, tenant=tenant)
    return found.filter(read_at__isnull=True) if unread_only else found


def do_mark_notification_read(
    *, user: AnyUser, tenant: Tenant, notification_id: int
) -> Notification:
    """Mark one of the user's own notifications read (again: no change)."""
    notification = my_notifications(user, tenant).filter(pk=notification_id).first()
    if notification is None:
        raise NotFoundError("notifications.not_found", _("Tidak ditemukan."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


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
        return Response(NotificationOutput(found[:PAGE_SIZE], many=True).data)  # type: ignore[arg-type]


class NotificationReadApi(APIView):
    permission_classes = [TenantStaff]

    @extend_schema(request=None, responses=NotificationOutput, operation_id="notifications_read")
    def post(self, request: Request, notification_id: int) -> Response:
        notification = do_mark_notification_read(
            user=request.user,
            tenant=request.tenant,  # type: ignore[attr-defined]
            notification_id=notification_id,
        )
        return Response(NotificationOutput(notification).data, status=status.HTTP_200_OK)


@tenant_staff_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "tenant": tenant,
        "notifications": my_notifications(request.user, tenant)[:PAGE_SIZE],
    }
    return render(request, "complaints/notifications.html", context)


@tenant_staff_required
@require_POST
def notification_read_page(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        do_mark_notification_read(
            user=request.user,
            tenant=request.tenant,  # type: ignore[attr-defined]
            notification_id=notification_id,
        )
    except NotFoundError:
        raise Http404 from None
    return redirect(reverse("notifications"))
