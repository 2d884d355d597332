"""Forwarding pages and API (tenant host): what waits here to be accepted, what this tenant
passed on (its stubs, with the status where the complaint is now), and the forward form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import FORWARD_ROLES, access_held_complaint
from complaints.actions.forward import (
    do_accept_forwarded_complaint,
    do_forward_complaint,
    do_return_forwarded_complaint,
)
from complaints.models import Complaint
from complaints.selectors import LIST_LIMIT, overview
from routing.models import Hop, HopStatus
from tenants.access import ALL_STAFF_ROLES, tenant_role_required
from tenants.models import Tenant, TenantStatus


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
    tenant = request_tenant(request)
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
    tenant = request_tenant(request)
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
    tenant = request_tenant(request)
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
