"""The tenant's SP4N-LAPOR! connection: page and API (tenant admins). The secret is written,
never read back: the API and the page only say whether one is stored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.tenancy import request_tenant
from integrations.errors import IntegrationError
from integrations.lapor.actions import do_set_lapor_connection, do_test_lapor_connection
from integrations.lapor.sync import sync_error
from integrations.models import LaporConnection
from tenants.access import ADMIN_ROLES, TenantRole, tenant_role_required
from tenants.models import Tenant


class LaporConnectionSerializer(serializers.Serializer[Any]):
    client_id = serializers.CharField(max_length=200)
    secret = serializers.CharField(
        max_length=500, write_only=True, required=False, allow_blank=True
    )
    is_active = serializers.BooleanField(default=True)
    has_secret = serializers.SerializerMethodField()
    cursor = serializers.CharField(read_only=True)
    last_synced_at = serializers.DateTimeField(read_only=True, allow_null=True)  # never synced
    last_error = serializers.SerializerMethodField()

    def get_last_error(self, connection: Any) -> str:
        return sync_error(connection) if connection.pk else ""

    def get_has_secret(self, connection: Any) -> bool:
        return bool(getattr(connection, "secret_encrypted", ""))


def _empty(tenant: Tenant) -> LaporConnection:
    return LaporConnection(tenant=tenant, client_id="", secret_encrypted="", is_active=False)


class LaporConnectionApi(TenantApiView):
    """GET: the tenant's SP4N-LAPOR! connection (never the secret); PUT: set it."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=LaporConnectionSerializer, operation_id="lapor_connection_get")
    def get(self, request: Request) -> Response:
        tenant = self.tenant
        connection = LaporConnection.objects.filter(tenant=tenant).first() or _empty(tenant)
        return Response(LaporConnectionSerializer(connection).data)

    @extend_schema(
        request=LaporConnectionSerializer,
        responses=LaporConnectionSerializer,
        operation_id="lapor_connection_set",
    )
    def put(self, request: Request) -> Response:
        tenant = self.tenant
        given = LaporConnectionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        connection = do_set_lapor_connection(
            tenant=tenant,
            client_id=data["client_id"],
            secret=data.get("secret", ""),
            is_active=data.get("is_active", True),
            actor=request.user,
        )
        return Response(LaporConnectionSerializer(connection).data)


class LaporTestApi(TenantApiView):
    """POST: sign in to SP4N-LAPOR! with the stored credentials (400 with the reason if not)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(
        request=None,
        responses=inline_serializer("LaporTestResult", {"ok": serializers.BooleanField()}),
        operation_id="lapor_connection_test",
    )
    def post(self, request: Request) -> Response:
        do_test_lapor_connection(tenant=self.tenant)
        return Response({"ok": True})


class LaporConnectionForm(forms.Form):
    client_id = forms.CharField(label=gettext_lazy("ID klien SP4N-LAPOR!"), max_length=200)
    secret = forms.CharField(
        label=gettext_lazy("Kunci rahasia (kosongkan untuk tetap)"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput,
    )
    is_active = forms.BooleanField(label=gettext_lazy("Aktif"), required=False, initial=True)


@tenant_role_required(*ADMIN_ROLES)
def lapor_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    connection = LaporConnection.objects.filter(tenant=tenant).first()
    write = request.method == "POST"
    initial = (
        {"client_id": connection.client_id, "is_active": connection.is_active}
        if connection
        else None
    )
    form = LaporConnectionForm(request.POST if write else None, initial=initial)
    if write and form.is_valid():
        try:
            do_set_lapor_connection(
                tenant=tenant,
                client_id=form.cleaned_data["client_id"],
                secret=form.cleaned_data["secret"],
                is_active=form.cleaned_data["is_active"],
                actor=request.user,
            )
        except IntegrationError as error:
            form.add_error(error.extra.get("field"), error.message)
        else:
            messages.success(request, _("Koneksi SP4N-LAPOR! disimpan."))
            return redirect("integrations-lapor")
    context = {
        "tenant": tenant,
        "form": form,
        "connection": connection,
        "last_error": sync_error(connection) if connection else "",
    }
    return render(request, "integrations/lapor.html", context, status=400 if write else 200)


def _test_page(request: HttpRequest) -> HttpResponse:
    try:
        do_test_lapor_connection(tenant=request_tenant(request))
    except IntegrationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Berhasil masuk ke SP4N-LAPOR! dengan kredensial ini."))
    return redirect("integrations-lapor")


lapor_test_page = tenant_role_required(*ADMIN_ROLES)(require_POST(_test_page))
