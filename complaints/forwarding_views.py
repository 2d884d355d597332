"""Forwarding pages and API (tenant host): what waits here to be accepted, what this tenant
passed on (its stubs, with the status where the complaint is now), and the forward form."""

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

from aduan.errors import AduanError, NotFoundError
from complaints import forwarding
from complaints.actions.forward import (
    do_accept_forwarded_complaint,
    do_forward_complaint,
    do_return_forwarded_complaint,
)
from complaints.errors import ComplaintErrorCode, ComplaintNotFoundError
from complaints.models import Complaint, ForwardStub
from tenants import permissions
from tenants.access import ALL_STAFF_ROLES, TenantRole, tenant_role_required
from tenants.models import Hop, HopStatus, Role, Tenant, TenantStatus, TrackingCode

# Who may forward, accept and return: those who handle complaints, and those above them.
FORWARD_ROLES = (
    Role.OFFICER,
    Role.LIAISON,
    Role.TENANT_ADMIN,
    Role.REGENCY_ADMIN,
    Role.PLATFORM_OPERATOR,
)
LIST_LIMIT = 100


def current_tenant(request: HttpRequest | Request) -> Tenant:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        raise Http404
    return tenant  # type: ignore[no-any-return]


def access_held_complaint(request: HttpRequest | Request, complaint_id: int) -> Complaint:
    """A complaint held by the request's tenant (the search_path is the tenant's). A WBS report
    is "not found" for anyone but a WBS officer, like a missing one."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is not None and complaint.is_wbs:
        tenant = current_tenant(request)
        if not permissions.has_role(request.user, tenant, Role.WBS_OFFICER):
            complaint = None
    if complaint is None:
        raise ComplaintNotFoundError(
            ComplaintErrorCode.NOT_FOUND, _("Pengaduan tidak ditemukan."), {"id": complaint_id}
        )
    return complaint


def overview(tenant: Tenant) -> dict[str, Any]:
    """What waits here for acceptance, and what this tenant passed on."""
    hops = list(
        Hop.objects.filter(to_tenant=tenant, status=HopStatus.PENDING).select_related(
            "from_tenant"
        )[:LIST_LIMIT]
    )
    held = {
        c.tracking_code: c
        for c in Complaint.objects.filter(tracking_code__in=[h.tracking_code for h in hops])
    }
    incoming = [
        {"complaint": held[h.tracking_code], "hop": h} for h in hops if h.tracking_code in held
    ]
    stubs = list(ForwardStub.objects.order_by("-moved_at")[:LIST_LIMIT])
    holders = {
        t.code: t.tenant
        for t in TrackingCode.objects.filter(
            code__in=[s.tracking_code for s in stubs]
        ).select_related("tenant")
    }
    forwarded = [{"stub": s, "holder": holders.get(s.tracking_code)} for s in stubs]
    return {"incoming": incoming, "forwarded": forwarded}


# --- API -----------------------------------------------------------------------------------


class HopOutput(serializers.Serializer[Hop]):
    kind = serializers.CharField()
    from_tenant = serializers.CharField(source="from_tenant.name")
    to_tenant = serializers.CharField(source="to_tenant.name")
    from_number = serializers.CharField()
    to_number = serializers.CharField()
    reason = serializers.CharField()
    status = serializers.CharField()
    decision_reason = serializers.CharField()
    at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ComplaintBrief(serializers.Serializer[Complaint]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    tracking_code = serializers.CharField()
    subject = serializers.CharField()
    state = serializers.CharField()


class IncomingOutput(serializers.Serializer[dict[str, Any]]):
    complaint = ComplaintBrief()
    hop = HopOutput()


class StubOutput(serializers.Serializer[dict[str, Any]]):
    number = serializers.CharField(source="stub.number")
    subject = serializers.CharField(source="stub.subject")
    to_tenant = serializers.CharField(source="stub.to_tenant_name")
    reason = serializers.CharField(source="stub.reason")
    moved_at = serializers.DateTimeField(source="stub.moved_at")
    now_at = serializers.CharField(source="holder.name", allow_null=True, default=None)


class ForwardingOutput(serializers.Serializer[dict[str, Any]]):
    incoming = IncomingOutput(many=True)
    forwarded = StubOutput(many=True)


class ForwardInput(serializers.Serializer[dict[str, Any]]):
    to = serializers.CharField(max_length=63, help_text="Slug of the receiving tenant")
    reason = serializers.CharField(max_length=2000)


class ReasonInput(serializers.Serializer[dict[str, Any]]):
    class Meta:
        ref_name = "ReturnReasonInput"  # required, unlike complaints.api's ReasonInput

    reason = serializers.CharField(max_length=2000)


class MovedOutput(serializers.Serializer[forwarding.Moved]):
    complaint = ComplaintBrief()
    hop = HopOutput()


class ForwardingApi(APIView):
    permission_classes = [TenantRole(*FORWARD_ROLES, read=ALL_STAFF_ROLES)]

    @extend_schema(responses=ForwardingOutput, operation_id="forwarding_overview")
    def get(self, request: Request) -> Response:
        return Response(ForwardingOutput(overview(current_tenant(request))).data)


class ForwardComplaintApi(APIView):
    permission_classes = [TenantRole(*FORWARD_ROLES)]

    @extend_schema(request=ForwardInput, responses=MovedOutput, operation_id="complaint_forward")
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant = current_tenant(request)
        complaint = access_held_complaint(request, complaint_id)
        given = ForwardInput(data=request.data)
        given.is_valid(raise_exception=True)
        moved = do_forward_complaint(
            tenant=tenant,
            complaint_id=complaint.pk,
            to=given.validated_data["to"],
            reason=given.validated_data["reason"],
            actor=request.user,
        )
        return Response(MovedOutput(moved).data)


class AcceptComplaintApi(APIView):
    permission_classes = [TenantRole(*FORWARD_ROLES)]

    @extend_schema(request=None, responses=HopOutput, operation_id="complaint_accept_forward")
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant = current_tenant(request)
        complaint = access_held_complaint(request, complaint_id)
        hop = do_accept_forwarded_complaint(
            tenant=tenant, complaint_id=complaint.pk, actor=request.user
        )
        return Response(HopOutput(hop).data)


class ReturnComplaintApi(APIView):
    permission_classes = [TenantRole(*FORWARD_ROLES)]

    @extend_schema(request=ReasonInput, responses=MovedOutput, operation_id="complaint_return")
    def post(self, request: Request, complaint_id: int) -> Response:
        tenant = current_tenant(request)
        complaint = access_held_complaint(request, complaint_id)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        moved = do_return_forwarded_complaint(
            tenant=tenant,
            complaint_id=complaint.pk,
            reason=given.validated_data["reason"],
            actor=request.user,
        )
        return Response(MovedOutput(moved).data)


# --- pages ---------------------------------------------------------------------------------


def _targets(tenant: Tenant) -> list[Tenant]:
    """Suggested receivers: the tenants of this tenant's regency and the one above it."""
    region = (tenant.region_id or "")[:5]
    found = (
        Tenant.objects.filter(status=TenantStatus.ACTIVE, region__code__startswith=region)
        .exclude(pk=tenant.pk)
        .exclude(schema_name="public")
        .order_by("name")
        if region
        else Tenant.objects.none()
    )
    return list(found[:LIST_LIMIT])


@tenant_role_required(*FORWARD_ROLES, read=ALL_STAFF_ROLES)
def forwarding_page(request: HttpRequest) -> HttpResponse:
    """GET: the overview and the forward form. POST: forward one complaint held here."""
    tenant = current_tenant(request)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            raw_id = request.POST.get("complaint", "")
            complaint = access_held_complaint(request, int(raw_id) if raw_id.isdigit() else 0)
            moved = do_forward_complaint(
                tenant=tenant,
                complaint_id=complaint.pk,
                to=request.POST.get("to", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except (AduanError, NotFoundError) as problem:
            error, status = problem.message, 400
        else:
            messages.success(
                request,
                _("Pengaduan %(number)s diteruskan ke %(name)s.")
                % {"number": moved.hop.from_number, "name": moved.hop.to_tenant.name},
            )
            return redirect(reverse("forwarding"))
    pending_codes = set(
        Hop.objects.filter(to_tenant=tenant, status=HopStatus.PENDING).values_list(
            "tracking_code", flat=True
        )
    )
    held = [
        c
        for c in Complaint.objects.filter(is_wbs=False).order_by("-created_at")[:LIST_LIMIT]
        if c.tracking_code not in pending_codes
    ]
    context = {
        "tenant": tenant,
        **overview(tenant),
        "held": held,
        "targets": _targets(tenant),
        "error": error,
        "posted": request.POST if request.method == "POST" else {},
    }
    return render(request, "complaints/forwarding/overview.html", context, status=status)


@tenant_role_required(*FORWARD_ROLES)
@require_POST
def accept_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    tenant = current_tenant(request)
    try:
        complaint = access_held_complaint(request, complaint_id)
    except NotFoundError:
        raise Http404 from None
    try:
        do_accept_forwarded_complaint(tenant=tenant, complaint_id=complaint.pk, actor=request.user)
    except AduanError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(
            request, _("Pengaduan %(number)s diterima.") % {"number": complaint.number}
        )
    return redirect(reverse("forwarding"))


@tenant_role_required(*FORWARD_ROLES)
@require_POST
def return_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    tenant = current_tenant(request)
    try:
        complaint = access_held_complaint(request, complaint_id)
    except NotFoundError:
        raise Http404 from None
    try:
        moved = do_return_forwarded_complaint(
            tenant=tenant,
            complaint_id=complaint.pk,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except AduanError as problem:
        messages.error(request, problem.message)
    else:
        messages.success(
            request,
            _("Pengaduan %(number)s dikembalikan ke %(name)s.")
            % {"number": complaint.number, "name": moved.hop.to_tenant.name},
        )
    return redirect(reverse("forwarding"))
