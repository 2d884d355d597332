"""The tenant's WhatsApp set-up: its own number, and its approved templates (page and API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
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
from integrations.models import NotificationKind, WhatsAppNumber, WhatsAppTemplate
from integrations.whatsapp.actions import do_set_whatsapp_number, do_set_whatsapp_template
from tenants.access import ADMIN_ROLES, TenantRole, tenant_role_required
from tenants.models import Tenant


class TemplateSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    name = serializers.CharField(max_length=512, allow_blank=True)
    language = serializers.CharField(max_length=10, default="id")


class WhatsAppSettingsSerializer(serializers.Serializer[dict[str, Any]]):
    phone_number_id = serializers.CharField(max_length=40, allow_blank=True)
    display_number = serializers.CharField(max_length=30, allow_blank=True, default="")
    templates = TemplateSerializer(many=True, required=False)


def settings_of(tenant: Tenant) -> dict[str, Any]:
    number = WhatsAppNumber.objects.filter(tenant=tenant).first()
    return {
        "phone_number_id": number.phone_number_id if number else "",
        "display_number": number.display_number if number else "",
        "templates": [
            {"kind": t.kind, "name": t.name, "language": t.language}
            for t in WhatsAppTemplate.objects.filter(tenant=tenant).order_by("kind")
        ],
    }


def save_settings(tenant: Tenant, data: dict[str, Any], actor: Any) -> None:
    with transaction.atomic():
        do_set_whatsapp_number(
            tenant=tenant,
            phone_number_id=data["phone_number_id"],
            display_number=data.get("display_number", ""),
            actor=actor,
        )
        for item in data.get("templates", []):
            do_set_whatsapp_template(
                tenant=tenant,
                kind=item["kind"],
                name=item["name"],
                language=item.get("language", "id"),
                actor=actor,
            )


class WhatsAppSettingsApi(TenantApiView):
    """GET: the tenant's own WhatsApp number and approved templates; PUT: set them (an empty
    number id: use the platform's shared number; an empty template name removes it)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=WhatsAppSettingsSerializer, operation_id="whatsapp_settings_get")
    def get(self, request: Request) -> Response:
        return Response(settings_of(self.tenant))

    @extend_schema(
        request=WhatsAppSettingsSerializer,
        responses=WhatsAppSettingsSerializer,
        operation_id="whatsapp_settings_set",
    )
    def put(self, request: Request) -> Response:
        tenant = self.tenant
        given = WhatsAppSettingsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        save_settings(tenant, dict(given.validated_data), request.user)
        return Response(settings_of(tenant))


class WhatsAppSettingsForm(forms.Form):
    phone_number_id = forms.CharField(
        label=gettext_lazy("ID nomor telepon (WhatsApp Manager)"), max_length=40, required=False
    )
    display_number = forms.CharField(
        label=gettext_lazy("Nomor yang ditampilkan"), max_length=30, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[f"template_{kind}"] = forms.CharField(
                label=_("Templat untuk: %(kind)s") % {"kind": label},
                max_length=512,
                required=False,
            )

    def data_for_action(self) -> dict[str, Any]:
        return {
            "phone_number_id": self.cleaned_data["phone_number_id"],
            "display_number": self.cleaned_data["display_number"],
            "templates": [
                {"kind": kind, "name": self.cleaned_data[f"template_{kind}"], "language": "id"}
                for kind in NotificationKind.values
            ],
        }


@tenant_role_required(*ADMIN_ROLES)
def whatsapp_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    current = settings_of(tenant)
    initial = {
        "phone_number_id": current["phone_number_id"],
        "display_number": current["display_number"],
        **{f"template_{t['kind']}": t["name"] for t in current["templates"]},
    }
    write = request.method == "POST"
    form = WhatsAppSettingsForm(request.POST if write else None, initial=initial)
    if write and form.is_valid():
        try:
            save_settings(tenant, form.data_for_action(), request.user)
        except AduanError as error:
            field = error.extra.get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Pengaturan WhatsApp disimpan."))
            return redirect("integrations-whatsapp")
    context = {"tenant": tenant, "form": form, "own": bool(current["phone_number_id"])}
    return render(request, "integrations/whatsapp.html", context, status=400 if write else 200)
