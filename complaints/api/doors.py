"""REST API of the citizens' doors: the tenant's embed and confirmation settings (admins), and
the phone's one-time code before filing (public, limited per phone and per address)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.ratelimit import IntakeThrottle
from complaints.actions.doors import CODE_CHANNELS, do_send_phone_code, do_set_citizen_doors
from complaints.doors import citizen_doors
from tenants.access import ADMIN_ROLES, Public, TenantRole
from tenants.models import Tenant


class CitizenDoorsSerializer(serializers.Serializer[dict[str, Any]]):
    embed_origins = serializers.ListField(
        child=serializers.CharField(max_length=300, allow_blank=True), max_length=50
    )
    colour = serializers.CharField(max_length=20, allow_blank=True, default="")
    confirm_phone = serializers.BooleanField(default=False)
    embed_url = serializers.CharField(read_only=True)


def doors_of(tenant: Tenant, request: Request) -> dict[str, Any]:
    found = citizen_doors(tenant)
    return {
        "embed_origins": found.embed_origins,
        "colour": found.colour,
        "confirm_phone": found.confirm_phone,
        "embed_url": request.build_absolute_uri(reverse("complaints:embed")),
    }


class CitizenDoorsApi(TenantApiView):
    """GET: the website origins that may frame the embeddable form, its colour, whether phones
    are confirmed before filing; PUT: set them (every origin checked: https://host[:port])."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=CitizenDoorsSerializer, operation_id="citizen_doors_get")
    def get(self, request: Request) -> Response:
        return Response(doors_of(self.tenant, request))

    @extend_schema(
        request=CitizenDoorsSerializer,
        responses=CitizenDoorsSerializer,
        operation_id="citizen_doors_set",
    )
    def put(self, request: Request) -> Response:
        given = CitizenDoorsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        do_set_citizen_doors(tenant=self.tenant, actor=request.user, **given.validated_data)
        return Response(doors_of(self.tenant, request))


class PhoneCodeInput(serializers.Serializer[dict[str, Any]]):
    phone = serializers.CharField(max_length=40)
    channel = serializers.ChoiceField(choices=list(CODE_CHANNELS), default="sms")


class PhoneCodeOutput(serializers.Serializer[dict[str, Any]]):
    sent = serializers.BooleanField()


class PhoneCodeApi(TenantApiView):
    """POST: send a one-time code to the phone (SMS or WhatsApp); file with it as
    `phone_code` when the tenant confirms phones."""

    permission_classes = [Public]
    throttle_classes = [IntakeThrottle]

    @extend_schema(
        request=PhoneCodeInput, responses={202: PhoneCodeOutput}, operation_id="phone_code_send"
    )
    def post(self, request: Request) -> Response:
        given = PhoneCodeInput(data=request.data)
        given.is_valid(raise_exception=True)
        do_send_phone_code(tenant=self.tenant, **given.validated_data)
        return Response({"sent": True}, status=202)
