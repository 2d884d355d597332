"""Open311 client applications (api keys): a page and an API. On a tenant's host its admins
manage keys bound to that tenant; on the platform's host the operator manages platform-wide
keys (the front door, national apps). A new key is shown once; only its hash is kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan.tenancy import request_scope
from integrations.models import Open311Client
from integrations.open311.actions import do_create_open311_client, do_revoke_open311_client
from tenants.access import (
    ADMIN_ROLES,
    PlatformOperator,
    TenantRole,
    operator_required,
    tenant_role_required,
)


def owned_clients(request: HttpRequest | Request) -> Any:
    """The clients this host manages: the tenant's own, or the platform-wide ones."""
    tenant = request_scope(request)
    clients = Open311Client.objects.order_by("-created_at", "-pk")
    return clients.filter(tenant=tenant) if tenant else clients.filter(tenant__isnull=True)


def access_client(request: HttpRequest | Request, client_id: int) -> Open311Client:
    client: Open311Client | None = owned_clients(request).filter(pk=client_id).first()
    if client is None:
        raise Http404
    return client


class ClientForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nama aplikasi"), max_length=200)
    contact = forms.CharField(
        label=gettext_lazy("Kontak pengembang"), max_length=200, required=False
    )
    can_push_updates = forms.BooleanField(
        label=gettext_lazy("Boleh mengirim pembaruan status (sistem back office)"), required=False
    )


def _names(request: HttpRequest) -> tuple[str, str]:
    """The page's and the revoke action's URL names on this host."""
    if request_scope(request) is None:
        return "open311-platform-clients", "open311-platform-client-revoke"
    return "open311-clients", "open311-client-revoke"


def clients_page(request: HttpRequest) -> HttpResponse:
    form = ClientForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        _client, new_key = do_create_open311_client(
            name=form.cleaned_data["name"],
            contact=form.cleaned_data["contact"],
            tenant=request_scope(request),
            can_push_updates=form.cleaned_data["can_push_updates"],
            actor=request.user,
        )
        form = ClientForm()
    return render(
        request,
        "integrations/open311_clients.html",
        {
            "clients": owned_clients(request),
            "form": form,
            "new_key": new_key,
            "revoke_url": _names(request)[1],
        },
    )


def revoke_page(request: HttpRequest, client_id: int) -> HttpResponse:
    client = access_client(request, client_id)
    if request.method == "POST":
        do_revoke_open311_client(client=client, actor=request.user)
    return redirect(_names(request)[0])


tenant_clients_page = tenant_role_required(*ADMIN_ROLES)(clients_page)
tenant_revoke_page = tenant_role_required(*ADMIN_ROLES)(revoke_page)
platform_clients_page = operator_required(clients_page)
platform_revoke_page = operator_required(revoke_page)


class ClientOutput(serializers.Serializer[Open311Client]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    contact = serializers.CharField()
    key_prefix = serializers.CharField()
    can_push_updates = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    revoked_at = serializers.DateTimeField(allow_null=True)


class ClientInput(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=200)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    can_push_updates = serializers.BooleanField(required=False, default=False)


class CreatedClientOutput(ClientOutput):
    api_key = serializers.CharField(help_text="Shown once; only its hash is kept.")


class ClientsApi(APIView):
    """GET: the client applications of this host; POST: a new one, with its api_key (once)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(responses=ClientOutput(many=True), operation_id="open311_clients_list")
    def get(self, request: Request) -> Response:
        return Response(ClientOutput(owned_clients(request), many=True).data)

    @extend_schema(
        request=ClientInput,
        responses={201: CreatedClientOutput},
        operation_id="open311_clients_create",
    )
    def post(self, request: Request) -> Response:
        data = ClientInput(data=request.data)
        data.is_valid(raise_exception=True)
        client, api_key = do_create_open311_client(
            name=data.validated_data["name"],
            contact=data.validated_data.get("contact", ""),
            tenant=request_scope(request),
            can_push_updates=data.validated_data["can_push_updates"],
            actor=request.user,
        )
        body = dict(ClientOutput(client).data, api_key=api_key)
        return Response(body, status=status.HTTP_201_CREATED)


class ClientRevokeApi(APIView):
    """POST: revoke a client application's api_key (idempotent)."""

    permission_classes = [TenantRole(*ADMIN_ROLES)]

    @extend_schema(request=None, responses=ClientOutput, operation_id="open311_clients_revoke")
    def post(self, request: Request, client_id: int) -> Response:
        client = do_revoke_open311_client(
            client=access_client(request, client_id), actor=request.user
        )
        return Response(ClientOutput(client).data)


class PlatformClientsApi(ClientsApi):
    permission_classes = [PlatformOperator]


class PlatformClientRevokeApi(ClientRevokeApi):
    permission_classes = [PlatformOperator]
