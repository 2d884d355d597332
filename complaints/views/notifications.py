"""A staff member's notifications in this tenant (SLA reminders and escalations): the console
page and the API. Another user's notification, or one of another tenant, is "not found"."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aduan.errors import NotFoundError
from aduan.tenancy import request_tenant
from complaints.actions.notifications import do_mark_notification_read
from complaints.selectors import NOTIFICATIONS_SHOWN, my_notifications
from tenants.access import tenant_staff_required


@tenant_staff_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    context: dict[str, Any] = {
        "tenant": tenant,
        "notifications": my_notifications(request.user, tenant)[:NOTIFICATIONS_SHOWN],
    }
    return render(request, "complaints/notifications.html", context)


@tenant_staff_required
@require_POST
def notification_read_page(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        do_mark_notification_read(
            user=request.user,
            tenant=request_tenant(request),
            notification_id=notification_id,
        )
    except NotFoundError:
        raise Http404 from None
    return redirect(reverse("notifications"))
