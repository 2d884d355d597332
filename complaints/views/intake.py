"""Web pages of complaints: the public form, receipt and tracking page; the staff register,
complaint view and desk entry. Thin: parse, access, one action, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from aduan.errors import AduanError
from aduan.ratelimit import Scope, limited_page
from aduan.tenancy import request_tenant
from complaints.actions.intake import do_file_complaint
from complaints.actions.wbs import do_file_wbs_at_desk
from complaints.doors import citizen_doors
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
from complaints.privacy import privacy_notice
from complaints.receipt import receipt_pdf, show_complainant_name
from complaints.selectors import DESK_ROLES
from complaints.views.doors import SEND_CODE, send_code_if_asked
from complaints.views.tracking import complaint_by_code_or_404
from complaints.wbs import format_receipt_key, policy_of
from tenants.access import public_page, tenant_role_required, two_factor_pending
from tenants.models import Tenant
from tenants.permissions import is_staff_of


@public_page
@limited_page(Scope.INTAKE)
def file_complaint(request: HttpRequest) -> HttpResponse:
    """The public complaint form; the safe privacy choice (rahasia) is pre-selected."""
    tenant = request_tenant(request)
    form = ComplaintForm(
        request.POST or None,
        request.FILES or None,
        confirm_phone=citizen_doors(tenant).confirm_phone,
    )
    if send_code_if_asked(request, form, tenant):
        pass
    elif request.method == "POST" and form.is_valid():
        try:
            complaint = do_file_complaint(
                tenant=tenant, channel=Channel.WEB, **form.intake_values()
            )
        except AduanError as error:
            show_action_error(form, error)
            form.hold_files()
        else:
            form.release_held()
            receipt_page = redirect("complaints:receipt", code=complaint.tracking_code)
            return remember_filer(receipt_page, complaint.tracking_code)
    status = 400 if form.errors else 200
    context = {"form": form, "privacy_notice": privacy_notice(tenant), "send_code": SEND_CODE}
    return render(request, "complaints/file.html", context, status=status)


# The browser that filed a complaint may see the complainant's name on its receipt for a
# short while: a signed cookie naming that complaint (anyone else holding the code may not).
FILED_COOKIE = "aduan_filed"
FILED_COOKIE_SALT = "complaints.receipt.filed"
FILED_COOKIE_MAX_AGE = 60 * 60


def remember_filer(response: HttpResponse, tracking_code: str) -> HttpResponse:
    response.set_signed_cookie(
        FILED_COOKIE,
        tracking_code,
        salt=FILED_COOKIE_SALT,
        max_age=FILED_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def filed_by_this_browser(request: HttpRequest, complaint: Complaint) -> bool:
    code = request.get_signed_cookie(
        FILED_COOKIE, default=None, salt=FILED_COOKIE_SALT, max_age=FILED_COOKIE_MAX_AGE
    )
    return code is not None and code == complaint.tracking_code


def receipt_pdf_response(
    complaint: Complaint, tenant: Tenant, context: dict[str, Any]
) -> HttpResponse:
    body = receipt_pdf(
        complaint, tenant, track_url=context["track_url"], show_name=context["show_name"]
    )
    response = HttpResponse(body, content_type="application/pdf")
    filename = "tanda-terima-" + complaint.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _receipt_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    tenant = request_tenant(request)
    track_path = reverse("complaints:track", kwargs={"code": complaint.tracking_code})
    pdf_path = reverse("complaints:receipt-pdf", kwargs={"code": complaint.tracking_code})
    return receipt_context(request, complaint, tenant, track_path=track_path, pdf_path=pdf_path)


def receipt_context(
    request: HttpRequest, complaint: Complaint, tenant: Tenant, *, track_path: str, pdf_path: str
) -> dict[str, Any]:
    """The receipt (tanda terima) of `complaint`, read in its holder's schema (`tenant`); the
    name shows to the holder's staff and, for an hour, to the browser that filed it."""
    return {
        "pdf_path": pdf_path,
        "complaint": complaint,
        "received_at": format_local(complaint.created_at, tenant),
        "channel": channel_label(complaint.channel),
        "missing": missing_labels(complaint),
        "attachments": complaint.attachments.count(),
        "track_url": request.build_absolute_uri(track_path),
        "track_path": track_path,
        "show_name": show_complainant_name(
            complaint,
            to_staff=is_staff_of(request.user, tenant) and not two_factor_pending(request),
            to_filer=filed_by_this_browser(request, complaint),
        ),
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
    return receipt_pdf_response(complaint, request_tenant(request), context)


@tenant_role_required(*DESK_ROLES)
def desk_entry(request: HttpRequest) -> HttpResponse:
    """Staff record a complaint received face to face, from the box or by phone."""
    form = DeskComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = form.intake_values()
        tenant = request_tenant(request)
        try:
            if values.get("is_wbs"):
                filed = do_file_wbs_at_desk(tenant=tenant, actor=request.user, **values)
            else:
                complaint = do_file_complaint(tenant=tenant, actor=request.user, **values)
        except AduanError as error:
            show_action_error(form, error)
            form.hold_files()
        else:
            form.release_held()
            if values.get("is_wbs"):
                # The receipt key, once, on this answer only (never in a URL): the officer
                # hands it to the reporter.
                context = {
                    "tenant": tenant,
                    "receipt_key": format_receipt_key(filed.receipt_key),
                    "anonymous": filed.complaint.is_anonymous,
                    "policy": policy_of(tenant),
                    "at_desk": True,
                }
                return render(request, "complaints/wbs/receipt.html", context, status=201)
            return redirect("complaints:receipt", code=complaint.tracking_code)
    status = 400 if form.errors else 200
    return render(request, "complaints/desk.html", {"form": form}, status=status)
