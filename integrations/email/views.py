"""The raw-MIME inbound webhook (platform host) and the tenant's IMAP mailbox page and API."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.base_views import TenantApiView
from aduan.tenancy import request_tenant
from integrations import inbound
from integrations.email import mime
from integrations.email.actions import do_set_mailbox
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.meta import RawParser
from integrations.models import ChannelName, EmailMailbox
from integrations.sms.views import SignatureError
from tenants.access import ADMIN_ROLES, Public, TenantRole, tenant_role_required
from tenants.models import Tenant

SECRET_HEADER = "X-Mail-Secret"  # noqa: S105 (a header name)
MAX_BYTES = 25 * 1024 * 1024


class EmailInboundWebhook(APIView):
    """A mail gateway (e.g. Postfix piping to curl, or a provider's raw-MIME forwarding) posts
    one message as the raw body (`Content-Type: message/rfc822`), with the shared secret in
    X-Mail-Secret. A wrong secret: 403, nothing stored. The message is kept as it came, even
    when it cannot be read (it then waits as failed, with the reason)."""

    permission_classes = [Public]
    authentication_classes: list[Any] = []
    parser_classes = [RawParser]

    @extend_schema(
        request={"message/rfc822": OpenApiTypes.BINARY},
        responses={200: inline_serializer("MailAccepted", {"status": serializers.CharField()})},
        operation_id="email_inbound",
    )
    def post(self, request: Request) -> Response:
        expected: str = settings.ADUAN_EMAIL_INBOUND_SECRET
        given = request.headers.get(SECRET_HEADER, "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise SignatureError()
        if request.content_type.startswith(
            ("application/json", "application/x-www-form", "multipart/")
        ):
            raise IntegrationError(
                IntegrationErrorCode.MALFORMED,
                _("Kirim satu surel utuh (MIME) sebagai isi permintaan, bukan JSON atau formulir."),
                {"field": "body"},
            )
        raw = request._request.body
        if not raw or len(raw) > MAX_BYTES:
            raise IntegrationError(
                IntegrationErrorCode.MALFORMED,
                _("Kirim satu surel utuh (MIME) sebagai isi permintaan."),
                {"field": "body"},
            )
        key = mime.message_id_of(raw) or "sha256:" + hashlib.sha256(raw).hexdigest()
        inbound.do_receive_message(
            channel=ChannelName.EMAIL,
            external_id=key,
            payload={"source": "webhook", "mime_b64": base64.b64encode(raw).decode()},
        )
        return Response({"status": "accepted"})


class MailboxSerializer(serializers.Serializer[Any]):
    host = serializers.CharField(max_length=255)
    port = serializers.IntegerField(min_value=1, max_value=65535)
    use_ssl = serializers.BooleanField(default=True)
    username = serializers.CharField(max_length=255)
    password = serializers.CharField(
        max_length=255, write_only=True, required=False, allow_blank=True
    )
    folder = serializers.CharField(max_length=255, default="INBOX")
    is_active = serializers.BooleanField(default=True)
    last_polled_at = serializers.DateTimeField(read_only=True, allow_null=True)  # never polled
    last_error = serializers.CharField(read_only=True)
    address = serializers.SerializerMethodField()

    def get_address(self, mailbox: Any) -> str:
        return mime.tenant_address(self.context["tenant"].slug)


def _save(tenant: Tenant, data: dict[str, Any], actor: Any) -> EmailMailbox:
    existing = EmailMailbox.objects.filter(tenant=tenant).exists()
    if not existing and not data.get("password"):
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED,
            _("Isi kata sandi kotak surel."),
            {"field": "password"},
        )
    return do_set_mailbox(
        tenant=tenant,
        host=data["host"],
        port=data["port"],
        use_ssl=data["use_ssl"],
        username=data["username"],
        password=data.get("password", ""),
        folder=data.get("folder", "INBOX"),
        is_active=data.get("is_active", True),
        actor=actor,
    )


class MailboxApi(TenantApiView):
    """GET: the tenant's IMAP mailbox (never the password); PUT: set it."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=MailboxSerializer, operation_id="email_mailbox_get")
    def get(self, request: Request) -> Response:
        tenant = self.tenant
        # None set yet: the empty form (with the platform address citizens can use anyway).
        mailbox = EmailMailbox.objects.filter(tenant=tenant).first() or EmailMailbox(
            tenant=tenant, host="", username="", is_active=False
        )
        return Response(MailboxSerializer(mailbox, context={"tenant": tenant}).data)

    @extend_schema(
        request=MailboxSerializer, responses=MailboxSerializer, operation_id="email_mailbox_set"
    )
    def put(self, request: Request) -> Response:
        tenant = self.tenant
        given = MailboxSerializer(data=request.data, context={"tenant": tenant})
        given.is_valid(raise_exception=True)
        mailbox = _save(tenant, dict(given.validated_data), request.user)
        return Response(MailboxSerializer(mailbox, context={"tenant": tenant}).data)


class MailboxForm(forms.Form):
    host = forms.CharField(label=gettext_lazy("Server IMAP"), max_length=255)
    port = forms.IntegerField(label=gettext_lazy("Port"), min_value=1, max_value=65535, initial=993)
    use_ssl = forms.BooleanField(label=gettext_lazy("Pakai SSL/TLS"), required=False, initial=True)
    username = forms.CharField(label=gettext_lazy("Nama pengguna"), max_length=255)
    password = forms.CharField(
        label=gettext_lazy("Kata sandi (kosongkan untuk tetap)"),
        max_length=255,
        required=False,
        widget=forms.PasswordInput,
    )
    folder = forms.CharField(label=gettext_lazy("Folder"), max_length=255, initial="INBOX")
    is_active = forms.BooleanField(label=gettext_lazy("Aktif"), required=False, initial=True)


@tenant_role_required(*ADMIN_ROLES)
def mailbox_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    mailbox = EmailMailbox.objects.filter(tenant=tenant).first()
    write = request.method == "POST"
    initial = (
        {
            "host": mailbox.host,
            "port": mailbox.port,
            "use_ssl": mailbox.use_ssl,
            "username": mailbox.username,
            "folder": mailbox.folder,
            "is_active": mailbox.is_active,
        }
        if mailbox
        else None
    )
    form = MailboxForm(request.POST if write else None, initial=initial)
    if write and form.is_valid():
        try:
            _save(tenant, form.cleaned_data, request.user)
        except IntegrationError as error:
            form.add_error(error.extra.get("field"), error.message)
        else:
            messages.success(request, _("Kotak surel disimpan."))
            return redirect("integrations-email")
    context = {
        "tenant": tenant,
        "form": form,
        "mailbox": mailbox,
        "address": mime.tenant_address(tenant.slug),
    }
    return render(request, "integrations/email.html", context, status=400 if write else 200)
