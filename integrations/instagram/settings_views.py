"""The tenant's Instagram set-up: its account and secrets (page and API). Secrets are written,
never shown again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView
from aduan.errors import AduanError
from aduan.tenancy import request_tenant
from complaints.forms import show_action_error
from integrations.instagram.actions import do_set_instagram_account
from integrations.models import InstagramAccount
from tenants.access import ADMIN_ROLES, TenantRole, tenant_role_required
from tenants.models import Tenant


class InstagramSettingsSerializer(serializers.Serializer[dict[str, Any]]):
    account_id = serializers.CharField(max_length=40, allow_blank=True)
    app_secret = serializers.CharField(
        max_length=200, allow_blank=True, default="", write_only=True
    )
    access_token = serializers.CharField(
        max_length=1000, allow_blank=True, default="", write_only=True
    )
    verify_token = serializers.CharField(
        max_length=200, allow_blank=True, default="", write_only=True
    )
    webhook_url = serializers.CharField(read_only=True)
    connected = serializers.BooleanField(read_only=True)


def webhook_url(tenant: Tenant) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/integrations/instagram/webhook/{tenant.slug}/"


def settings_of(tenant: Tenant) -> dict[str, Any]:
    account = InstagramAccount.objects.filter(tenant=tenant).first()
    return {
        "account_id": account.account_id if account else "",
        "webhook_url": webhook_url(tenant),
        "connected": account is not None,
    }


class InstagramSettingsApi(TenantApiView):
    """GET: the tenant's Instagram account (never its secrets) and the webhook address to give
    Meta; PUT: connect or change it (an empty account id disconnects; an empty secret keeps the
    stored one)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=InstagramSettingsSerializer, operation_id="instagram_settings_get")
    def get(self, request: Request) -> Response:
        return Response(settings_of(self.tenant))

    @extend_schema(
        request=InstagramSettingsSerializer,
        responses=InstagramSettingsSerializer,
        operation_id="instagram_settings_set",
    )
    def put(self, request: Request) -> Response:
        given = InstagramSettingsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        do_set_instagram_account(tenant=self.tenant, actor=request.user, **given.validated_data)
        return Response(settings_of(self.tenant))


class InstagramSettingsForm(forms.Form):
    account_id = forms.CharField(
        label=gettext_lazy("ID akun Instagram profesional"), max_length=40, required=False
    )
    app_secret = forms.CharField(
        label=gettext_lazy("Rahasia aplikasi (App Secret) Meta"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput,
    )
    access_token = forms.CharField(
        label=gettext_lazy("Token akses halaman"),
        max_length=1000,
        required=False,
        widget=forms.PasswordInput,
    )
    verify_token = forms.CharField(
        label=gettext_lazy("Token verifikasi webhook (Anda yang memilih)"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput,
    )


@tenant_role_required(*ADMIN_ROLES)
def instagram_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    current = settings_of(tenant)
    write = request.method == "POST"
    form = InstagramSettingsForm(
        request.POST if write else None, initial={"account_id": current["account_id"]}
    )
    if write and form.is_valid():
        try:
            do_set_instagram_account(tenant=tenant, actor=request.user, **form.cleaned_data)
        except AduanError as error:
            show_action_error(form, error)
        else:
            messages.success(request, _("Pengaturan Instagram disimpan."))
            return redirect("integrations-instagram")
    context = {"tenant": tenant, "form": form, **current}
    return render(request, "integrations/instagram.html", context, status=400 if write else 200)
