"""Failed messages: the list with each error and a Retry action (page and API). Inbound
messages that failed processing, outbound notifications and SP4N-LAPOR! pushes that used up
their attempts, and LAPOR! referrals that fail (integrations.failed).

The platform operator sees every failed message (the unrouted ones included) on the
platform host; a tenant's admins see their own tenant's on the tenant host."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.errors import AduanError
from aduan.tenancy import request_scope
from integrations import failed, inbound
from integrations.failed import FailedItem, FailedKind
from integrations.models import InboundMessage
from tenants.access import (
    ADMIN_ROLES,
    PlatformOperator,
    TenantRole,
    operator_required,
    tenant_role_required,
)
from tenants.models import Tenant


class InboundMessageOutput(serializers.ModelSerializer[InboundMessage]):
    tenant: serializers.SlugRelatedField[Tenant] = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,  # null: no tenant was found for it
    )
    # Any channel that registered an inbound handler (integrations.inbound), not only the
    # model's choices.
    channel = serializers.CharField(help_text="sms, whatsapp, email, lapor, ...")

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


class FailedItemOutput(serializers.Serializer[Any]):
    """One failed item. `kind` says which Retry URL takes it: `inbound` ->
    `failed/<id>/retry/`, `outbound` -> `failed/outbound/<id>/retry/`, `lapor_referral` ->
    `failed/lapor-referrals/<id>/retry/`."""

    kind = serializers.ChoiceField(choices=[k.value for k in FailedKind])
    id = serializers.IntegerField()
    channel = serializers.CharField()
    tenant = serializers.SerializerMethodField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField()
    external_id = serializers.CharField()
    tracking_code = serializers.CharField()
    payload = serializers.JSONField()

    def get_tenant(self, item: FailedItem) -> str | None:
        return item.tenant.slug if item.tenant else None


class RetryOutput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=[k.value for k in FailedKind])
    id = serializers.IntegerField()
    status = serializers.CharField()


class FailedMessagesApi(APIView):
    """GET: what failed, newest first (at most 200): inbound messages, outbound
    notifications and LAPOR! pushes that used up their attempts, failing LAPOR! referrals."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=FailedItemOutput(many=True), operation_id="integrations_failed_list")
    def get(self, request: Request) -> Response:
        found = failed.failed_items(request_scope(request))
        return Response(FailedItemOutput(found, many=True).data)


class RetryMessageApi(APIView):
    """POST: process a failed inbound message again now."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(
        request=None, responses=InboundMessageOutput, operation_id="integrations_failed_retry"
    )
    def post(self, request: Request, message_id: int) -> Response:
        message = inbound.access_failed_message(message_id, request_scope(request))
        retried = inbound.do_retry_message(message=message, actor=request.user)
        return Response(InboundMessageOutput(retried).data)


class RetryOutboundApi(APIView):
    """POST: send a failed notification (or LAPOR! push) again now; it goes out once."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]
    kind = FailedKind.OUTBOUND

    @extend_schema(
        request=None, responses=RetryOutput, operation_id="integrations_failed_outbound_retry"
    )
    def post(self, request: Request, outbox_id: int) -> Response:
        return _retry_api(request, self.kind, outbox_id)


class RetryReferralApi(APIView):
    """POST: send a failing SP4N-LAPOR! referral again now; LAPOR! gets it once."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]
    kind = FailedKind.LAPOR_REFERRAL

    @extend_schema(
        request=None, responses=RetryOutput, operation_id="integrations_failed_referral_retry"
    )
    def post(self, request: Request, referral_id: int) -> Response:
        return _retry_api(request, self.kind, referral_id)


def _retry_api(request: Request, kind: FailedKind, item_id: int) -> Response:
    status = failed.do_retry(
        kind=kind, item_id=item_id, tenant=request_scope(request), actor=request.user
    )
    return Response(RetryOutput({"kind": kind.value, "id": item_id, "status": status}).data)


class PlatformFailedMessagesApi(FailedMessagesApi):
    permission_classes = [PlatformOperator]


class PlatformRetryMessageApi(RetryMessageApi):
    permission_classes = [PlatformOperator]


class PlatformRetryOutboundApi(RetryOutboundApi):
    permission_classes = [PlatformOperator]


class PlatformRetryReferralApi(RetryReferralApi):
    permission_classes = [PlatformOperator]


RETRY_URLS = {
    FailedKind.INBOUND: "integrations-failed-retry",
    FailedKind.OUTBOUND: "integrations-failed-outbound-retry",
    FailedKind.LAPOR_REFERRAL: "integrations-failed-referral-retry",
}


def _failed_page(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    rows = [
        (item, reverse(RETRY_URLS[item.kind], args=[item.id]))
        for item in failed.failed_items(scope)
    ]
    context: dict[str, Any] = {"tenant": scope, "failed": rows}
    return render(request, "integrations/failed.html", context)


def _retry(request: HttpRequest, kind: FailedKind, item_id: int) -> HttpResponse:
    try:
        failed.do_retry(
            kind=kind, item_id=item_id, tenant=request_scope(request), actor=request.user
        )
    except AduanError as error:
        if error.status_code == 404 or error.code.endswith("not_found"):
            raise Http404 from None
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pesan dijadwalkan untuk diproses ulang."))
    return redirect("integrations-failed")


def _retry_page(request: HttpRequest, message_id: int) -> HttpResponse:
    return _retry(request, FailedKind.INBOUND, message_id)


def _retry_outbound_page(request: HttpRequest, outbox_id: int) -> HttpResponse:
    return _retry(request, FailedKind.OUTBOUND, outbox_id)


def _retry_referral_page(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _retry(request, FailedKind.LAPOR_REFERRAL, referral_id)


failed_page = tenant_role_required(*ADMIN_ROLES)(_failed_page)
retry_page = tenant_role_required(*ADMIN_ROLES)(require_POST(_retry_page))
retry_outbound_page = tenant_role_required(*ADMIN_ROLES)(require_POST(_retry_outbound_page))
retry_referral_page = tenant_role_required(*ADMIN_ROLES)(require_POST(_retry_referral_page))
platform_failed_page = operator_required(_failed_page)
platform_retry_page = operator_required(require_POST(_retry_page))
platform_retry_outbound_page = operator_required(require_POST(_retry_outbound_page))
platform_retry_referral_page = operator_required(require_POST(_retry_referral_page))
