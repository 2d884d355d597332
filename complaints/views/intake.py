"""Web pages of complaints: the public form, receipt and tracking page; the staff register,
complaint view and desk entry. Thin: parse, access, one action, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from aduan.errors import AduanError
from aduan.ratelimit import Scope, limited_page
from aduan.tenancy import request_tenant
from complaints.actions.intake import do_file_complaint
from complaints.forms import (
    ComplaintForm,
    DeskComplaintForm,
    show_action_error,
)
from complaints.models import Channel, Complaint
from complaints.presenters import (
    channel_label,
    format_local,
    missing_labels,
)
from complaints.receipt import receipt_pdf
from complaints.selectors import DESK_ROLES
from complaints.views.tracking import complaint_by_code_or_404
from tenants.access import public_page, tenant_role_required


@public_page
@limited_page(Scope.INTAKE)
def file_complaint(request: HttpRequest) -> HttpResponse:
    """The public complaint form; the safe privacy choice (rahasia) is pre-selected."""
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = do_file_complaint(
                tenant=request_tenant(request), channel=Channel.WEB, **form.intake_values()
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:receipt", code=complaint.tracking_code)
    status = 400 if form.errors else 200
    return render(request, "complaints/file.html", {"form": form}, status=status)


def _receipt_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    tenant = request_tenant(request)
    track_path = reverse("complaints:track", kwargs={"code": complaint.tracking_code})
    return {
        "complaint": complaint,
        "received_at": format_local(complaint.created_at, tenant),
        "channel": channel_label(complaint.channel),
        "missing": missing_labels(complaint),
        "attachments": complaint.attachments.count(),
        "track_url": request.build_absolute_uri(track_path),
        "track_path": track_path,
        "show_name": bool(complaint.name) and not (complaint.is_anonymous or complaint.is_wbs),
    }


@public_page
@limited_page(Scope.LOOKUP, methods=())
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt (tanda terima) on screen, right after filing."""
    complaint = complaint_by_code_or_404(code)
    return render(request, "complaints/receipt.html", _receipt_context(request, complaint))


@public_page
@limited_page(Scope.LOOKUP, methods=())
def receipt_as_pdf(request: HttpRequest, code: str) -> HttpResponse:
    complaint = complaint_by_code_or_404(code)
    context = _receipt_context(request, complaint)
    body = receipt_pdf(complaint, request_tenant(request), track_url=context["track_url"])
    response = HttpResponse(body, content_type="application/pdf")
    filename = "tanda-terima-" + complaint.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@tenant_role_required(*DESK_ROLES)
def desk_entry(request: HttpRequest) -> HttpResponse:
    """Staff record a complaint received face to face, from the box or by phone."""
    form = DeskComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = form.intake_values()
        try:
            complaint = do_file_complaint(
                tenant=request_tenant(request), actor=request.user, **values
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:receipt", code=complaint.tracking_code)
    status = 400 if form.errors else 200
    return render(request, "complaints/desk.html", {"form": form}, status=status)
