"""Failed inbound messages: the list with each error and a Retry action (page and API).

The platform operator sees every failed message (the unrouted ones included) on the
platform host; a tenant's admins see their own tenant's on the tenant host."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import get_public_schema_name
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.errors import AduanError
from integrations import inbound
from integrations.models import InboundMessage
from tenants.access import (
    ADMIN_ROLES,
    PlatformOperator,
    TenantRole,
    operator_required,
    tenant_role_required,
)
from tenants.models import Tenant


def scope_of(request: HttpRequest | Request) -> Tenant | None:
    """The tenant whose messages this request may see; None on the platform host (all)."""
    tenant: Tenant | None = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404
    return None if tenant.schema_name == get_public_schema_name() else tenant


class InboundMessageOutput(serializers.ModelSerializer[InboundMessage]):
    tenant: serializers.SlugRelatedField[Tenant] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = InboundMessage
        fields = [
            "id",
            "channel",
            "external_id",
            "tenant",
            "status",
            "attempts",
            "last_error",
            "next_attempt_at",
            "received_at",
            "payload",
        ]


class FailedMessagesApi(APIView):
    """GET: the failed inbound messages, newest first (at most 200)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(
        responses=InboundMessageOutput(many=True), operation_id="integrations_failed_list"
    )
    def get(self, request: Request) -> Response:
        found = inbound.failed_messages(scope_of(request)).select_related("tenant")[:200]
        return Response(InboundMessageOutput(found, many=True).data)


class RetryMessageApi(APIView):
    """POST: process a failed message again now."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(
        request=None, responses=InboundMessageOutput, operation_id="integrations_failed_retry"
    )
    def post(self, request: Request, message_id: int) -> Response:
        message = inbound.access_failed_message(message_id, scope_of(request))
        retried = inbound.do_retry_message(message=message, actor=request.user)
        return Response(InboundMessageOutput(retried).data)


class PlatformFailedMessagesApi(FailedMessagesApi):
    permission_classes = [PlatformOperator]


class PlatformRetryMessageApi(RetryMessageApi):
    permission_classes = [PlatformOperator]


def _failed_page(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    context: dict[str, Any] = {
        "tenant": scope,
        "failed": inbound.failed_messages(scope).select_related("tenant")[:200],
    }
    return render(request, "integrations/failed.html", context)


def _retry_page(request: HttpRequest, message_id: int) -> HttpResponse:
    try:
        message = inbound.access_failed_message(message_id, scope_of(request))
        inbound.do_retry_message(message=message, actor=request.user)
    except AduanError as error:
        if error.status_code == 404 or error.code.endswith("not_found"):
            raise Http404 from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pesan dijadwalkan untuk diproses ulang."))
    return redirect("integrations-failed")


failed_page = tenant_role_required(*ADMIN_ROLES)(_failed_page)
retry_page = tenant_role_required(*ADMIN_ROLES)(require_POST(_retry_page))
platform_failed_page = operator_required(_failed_page)
platform_retry_page = operator_required(require_POST(_retry_page))
