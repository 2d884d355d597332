"""The SMS gateway webhook (platform host) and the tenant's keyword page and API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from aduan.errors import AduanError
from aduan.phones import InvalidPhoneError, normalize_phone
from aduan.tenancy import request_tenant
from integrations import inbound
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import ChannelName
from integrations.sms import gateway
from integrations.sms.keywords import do_set_sms_keyword, keyword_of
from tenants.access import ADMIN_ROLES, ALL_STAFF_ROLES, Public, TenantRole, tenant_role_required


class SmsInput(serializers.Serializer[dict[str, Any]]):
    # Field names of the gateway protocol (see integrations.sms.gateway).
    id = serializers.CharField(max_length=255)
    text = serializers.CharField(max_length=2000, allow_blank=True, trim_whitespace=False)
    to = serializers.CharField(max_length=40, required=False, allow_blank=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        # `from` is a Python keyword: declare it here.
        fields["from"] = serializers.CharField(max_length=40)
        return fields

    def validate_text(self, value: str) -> str:
        # An empty SMS can file nothing and be answered nothing: say so to the gateway.
        if not value.strip():
            raise serializers.ValidationError(_("SMS kosong: tidak ada teks untuk diproses."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A sender that is not a phone number (an operator's name) cannot be answered.
        try:
            normalize_phone(attrs["from"], foreign_ok=True)
        except InvalidPhoneError:
            raise serializers.ValidationError(
                {"from": [_("Pengirim SMS bukan nomor telepon: pesan tidak dapat dibalas.")]}
            ) from None
        return attrs


class SmsInboundWebhook(APIView):
    """The SMS gateway delivers an incoming SMS here (form fields from, to, text, id; the
    shared secret in X-Gateway-Secret). A wrong secret: 403, nothing stored."""

    permission_classes = [Public]
    authentication_classes: list[Any] = []  # the shared secret authenticates the gateway
    # The gateway posts a form; any other body (JSON) is answered 415, not half-read.
    parser_classes = [FormParser, MultiPartParser]

    @extend_schema(
        request=SmsInput,
        responses={200: inline_serializer("SmsAccepted", {"status": serializers.CharField()})},
        operation_id="sms_inbound",
    )
    def post(self, request: Request) -> Response:
        if not gateway.secret_matches(request.headers.get(gateway.SECRET_HEADER, "")):
            raise SignatureError()
        given = SmsInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        inbound.do_receive_message(
            channel=ChannelName.SMS,
            external_id=data["id"],
            payload={
                "from": data["from"],
                "to": data.get("to", ""),
                "text": data["text"],
                "id": data["id"],
            },
        )
        return Response({"status": "accepted"})


class SignatureError(IntegrationError):
    status_code = 403

    def __init__(self) -> None:
        super().__init__(
            IntegrationErrorCode.BAD_SIGNATURE, _("Tanda tangan atau rahasia bersama salah.")
        )


class KeywordSerializer(serializers.Serializer[dict[str, Any]]):
    keyword = serializers.CharField(max_length=40, allow_blank=True)


class SmsKeywordApi(TenantApiView):
    """GET: the tenant's SMS keyword; PUT: set it (tenant admins)."""

    permission_classes = [TenantRole(*ADMIN_ROLES, read=ALL_STAFF_ROLES)]

    @extend_schema(responses=KeywordSerializer, operation_id="sms_keyword_get")
    def get(self, request: Request) -> Response:
        return Response({"keyword": keyword_of(self.tenant)})

    @extend_schema(
        request=KeywordSerializer, responses=KeywordSerializer, operation_id="sms_keyword_set"
    )
    def put(self, request: Request) -> Response:
        tenant = self.tenant
        given = KeywordSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        found = do_set_sms_keyword(
            tenant=tenant, keyword=given.validated_data["keyword"], actor=request.user
        )
        return Response({"keyword": found.keyword}, status=status.HTTP_200_OK)


class KeywordForm(forms.Form):
    keyword = forms.CharField(label=gettext_lazy("Kata kunci SMS"), max_length=40)


@tenant_role_required(*ADMIN_ROLES, read=ALL_STAFF_ROLES)
def keyword_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    write = request.method == "POST"
    current = keyword_of(tenant)
    form = KeywordForm(request.POST if write else None, initial={"keyword": current})
    if write and form.is_valid():
        try:
            do_set_sms_keyword(
                tenant=tenant, keyword=form.cleaned_data["keyword"], actor=request.user
            )
        except AduanError as error:
            form.add_error("keyword", error.message)
        else:
            messages.success(request, _("Kata kunci SMS disimpan."))
            return redirect("integrations-sms-keyword")
    from django.conf import settings

    context = {
        "tenant": tenant,
        "form": form,
        "keyword": current,
        "short_code": settings.ADUAN_SMS_SENDER,
    }
    return render(request, "integrations/sms_keyword.html", context, status=400 if write else 200)
