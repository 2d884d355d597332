"""Whistleblowing (WBS) pages. The reporter's: the WBS page (what anonymous and confidential
mean, the form), the receipt key shown once, and the return page (answers, reply, more files)
reached with the key. Staff's: the WBS settings (admin), the appointment of WBS officers
(head), disclosure requests (WBS officer) and approvals (head, WBS officers).

The reporter's pages load nothing from elsewhere and run no script (a CSP stricter than the
site's), are never cached, send no referrer to other sites, and the key travels only in POST
bodies (never a URL, so never a log line). Thin: parse, access, one action, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from aduan.errors import AduanError
from aduan.ratelimit import RateLimitedError, Scope, too_many_page
from aduan.tenancy import request_tenant
from complaints import selectors, sla, wbs
from complaints.access import access_complaint_for_request
from complaints.actions import wbs as wbs_actions
from complaints.forms import (
    WbsAppointForm,
    WbsDisclosureForm,
    WbsDismissForm,
    WbsKeyForm,
    WbsPolicyForm,
    WbsReplyForm,
    WbsReportForm,
    show_action_error,
)
from complaints.models import Complaint, ComplaintEvent, EventKind
from complaints.presenters import format_local, state_label, timeline_rows
from complaints.public.models import WbsReceipt
from routing.directory import inspectorate_for
from tenants.access import ADMIN_ROLES, public_page, tenant_role_required
from tenants.models import Role, Tenant, User

View = Callable[..., HttpResponseBase]

# Nothing but our own stylesheet and images; no script, no connection, no frame, forms post
# only here.
STRICT_CSP = {
    "default-src": [NONE],
    "script-src": [NONE],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [NONE],
    "form-action": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
}


def reporter_page(view: View) -> View:
    """A page of the reporter's: public, strict CSP, never cached, no referrer to other
    sites; a limited request gets the limiter's 429 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except RateLimitedError as error:
            response = too_many_page(request, error.retry_after)
        response["Cache-Control"] = "no-store"
        # same-origin: nothing to other sites; "no-referrer" would make browsers send
        # "Origin: null" with the form posts, which CSRF protection rightly refuses.
        response["Referrer-Policy"] = "same-origin"
        return response

    return public_page(csp_replace(STRICT_CSP)(wrapped))


@reporter_page
def wbs_page(request: HttpRequest) -> HttpResponse:
    """The WBS page: anonymous vs confidential in plain words, and the form. The receipt key
    is shown on the answer to the POST, once."""
    tenant = request_tenant(request)
    policy = wbs.policy_of(tenant)
    form = WbsReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and policy.enabled:
        wbs.check_limit(request, Scope.WBS_INTAKE)
        if form.is_valid():
            try:
                filed = wbs_actions.do_file_wbs_report(tenant=tenant, **form.report_values())
            except AduanError as error:
                show_action_error(form, error)
            else:
                context = {
                    "tenant": tenant,
                    "receipt_key": wbs.format_receipt_key(filed.receipt_key),
                    "anonymous": filed.complaint.is_anonymous,
                    "policy": policy,
                }
                return render(request, "complaints/wbs/receipt.html", context, status=201)
    context = {"tenant": tenant, "policy": policy, "form": form}
    status = 400 if form.errors else 200
    return render(request, "complaints/wbs/report.html", context, status=status)


def _report_context(receipt: WbsReceipt) -> dict[str, Any]:
    """The report as its reporter sees it, read where it is now (after a hand-over to the
    inspectorate too): the public timeline, its step and due date, who holds it."""
    holder: Tenant = receipt.tenant
    with tenant_context(holder):
        complaint = Complaint.objects.get(pk=receipt.complaint_id)
        return {
            "holder": holder,
            "report": complaint,
            "state": state_label(complaint),
            "received_at": format_local(complaint.created_at, holder),
            "events": timeline_rows(complaint, holder, public=True),
            "due": sla.explain_due(complaint),
        }


def _receipt_or_error(request: HttpRequest, form: WbsKeyForm) -> WbsReceipt | None:
    # Every attempt counts, a right one too: the limiter cannot tell a guess from a typo.
    wbs.check_limit(request, Scope.WBS_RECEIPT)
    receipt = wbs.receipt_for(form.cleaned_data["receipt_key"])
    if receipt is None:
        form.add_error("receipt_key", _("Kunci tanda terima tidak dikenal."))
    return receipt


@reporter_page
def wbs_return(request: HttpRequest) -> HttpResponse:
    """The reporter returns with the key: answers, the step, a reply box with files."""
    form = WbsKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        receipt = _receipt_or_error(request, form)
        if receipt is not None:
            reply = WbsReplyForm(initial={"receipt_key": form.cleaned_data["receipt_key"]})
            return render(
                request, "complaints/wbs/return.html", {**_report_context(receipt), "form": reply}
            )
    status = 400 if form.errors else 200
    return render(request, "complaints/wbs/return_key.html", {"form": form}, status=status)


@reporter_page
def wbs_reply(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("complaints:wbs-return")
    form = WbsReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "complaints/wbs/return_key.html", {"form": form}, status=400)
    receipt = _receipt_or_error(request, form)
    if receipt is None:
        return render(request, "complaints/wbs/return_key.html", {"form": form}, status=400)
    wbs.check_limit(request, Scope.WBS_INTAKE)
    status = 200
    with tenant_context(receipt.tenant):
        complaint = Complaint.objects.get(pk=receipt.complaint_id)
        try:
            wbs_actions.do_reply_as_reporter(
                complaint=complaint,
                message=form.cleaned_data["message"],
                attachments=form.cleaned_data.get("attachments") or [],
            )
        except AduanError as error:
            show_action_error(form, error)
            status = 400
        else:
            messages.success(request, _("Balasan Anda terkirim."))
            form = WbsReplyForm(initial={"receipt_key": form.cleaned_data["receipt_key"]})
    context = {**_report_context(receipt), "form": form}
    return render(request, "complaints/wbs/return.html", context, status=status)


# --- staff ------------------------------------------------------------------------------------


def _change_officer(
    request: HttpRequest, tenant: Tenant, form: forms.Form, change: Callable[..., object]
) -> bool:
    """An appointment or a dismissal from the WBS console's form; False shows the form again
    with its errors (the action's own refusal on its field)."""
    if not form.is_valid():
        return False
    try:
        change(
            tenant=tenant,
            user=User.objects.get(pk=form.cleaned_data["user"]),
            actor=request.user,
        )
    except AduanError as error:
        show_action_error(form, error)
        return False
    return True


@tenant_role_required(*ADMIN_ROLES, Role.HEAD, Role.WBS_OFFICER)
def wbs_console(request: HttpRequest) -> HttpResponse:
    """The WBS settings (admins change them), its WBS officers (the head appoints them), the
    record of both, and the disclosure requests waiting for an approval."""
    tenant = request_tenant(request)
    policy = wbs.policy_of(tenant)
    viewer = selectors.Viewer.of(request.user, tenant)
    is_admin = bool(viewer.roles & ADMIN_ROLES)
    is_head = Role.HEAD in viewer.roles
    policy_form = WbsPolicyForm(initial=policy.as_dict())
    appoint_form = _appoint_form(tenant)
    dismiss_form = _dismiss_form(tenant)
    status = 200
    if request.method == "POST" and request.POST.get("form") == "policy" and is_admin:
        policy_form = WbsPolicyForm(request.POST)
        if policy_form.is_valid():
            try:
                wbs_actions.do_set_wbs_policy(
                    tenant=tenant, actor=request.user, **policy_form.cleaned_data
                )
            except AduanError as error:
                show_action_error(policy_form, error)
            else:
                messages.success(request, _("Pengaturan WBS disimpan."))
                return redirect("wbs-console")
        status = 400
    elif request.method == "POST" and request.POST.get("form") == "appoint" and is_head:
        appoint_form = _appoint_form(tenant, request.POST)
        if _change_officer(request, tenant, appoint_form, wbs_actions.do_appoint_wbs_officer):
            messages.success(request, _("Petugas WBS diangkat."))
            return redirect("wbs-console")
        status = 400
    elif request.method == "POST" and request.POST.get("form") == "dismiss" and is_head:
        dismiss_form = _dismiss_form(tenant, request.POST)
        if _change_officer(request, tenant, dismiss_form, wbs_actions.do_dismiss_wbs_officer):
            messages.success(request, _("Petugas WBS diberhentikan."))
            return redirect("wbs-console")
        status = 400
    elif request.method == "POST":
        # Not a form this user may send: nothing to do.
        status = 400
    context = {
        "tenant": tenant,
        "policy": policy,
        "is_admin": is_admin,
        "is_head": is_head,
        "policy_form": policy_form,
        "appoint_form": appoint_form,
        "dismiss_form": dismiss_form,
        "officers": wbs.officers(tenant),
        "records": wbs.history(tenant),
        "pending": wbs.pending_disclosures(),
        "counts": wbs.report_counts(),
    }
    return render(request, "complaints/wbs/console.html", context, status=status)


def _appoint_form(tenant: Tenant, data: Any = None) -> WbsAppointForm:
    form = WbsAppointForm(data)
    field = form.fields["user"]
    field.choices = [(u.pk, u.get_username()) for u in wbs.appointable_members(tenant)]  # type: ignore[attr-defined]
    return form


def _dismiss_form(tenant: Tenant, data: Any = None) -> WbsDismissForm:
    form = WbsDismissForm(data)
    field = form.fields["user"]
    field.choices = [(u.pk, u.get_username()) for u in wbs.officers(tenant)]  # type: ignore[attr-defined]
    return form


@tenant_role_required(Role.HEAD, Role.WBS_OFFICER)
def approve_disclosure_page(request: HttpRequest, request_id: int) -> HttpResponse:
    """The head or a WBS officer approves a disclosure request (POST)."""
    if request.method != "POST":
        return redirect("wbs-console")
    tenant = request_tenant(request)
    asked = _disclosure_request_or_404(request_id)
    try:
        wbs_actions.do_approve_disclosure(tenant=tenant, request=asked, actor=request.user)
    except AduanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Persetujuan dicatat."))
    return redirect("wbs-console")


def _disclosure_request_or_404(request_id: int) -> ComplaintEvent:
    found = wbs.disclosure_request(request_id)
    if found is None:
        raise Http404
    return found


@tenant_role_required(Role.WBS_OFFICER)
def disclosure_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """A WBS officer's view of a confidential reporter's identity: hidden unless their own
    request was approved by two others and has not run out; the request form."""
    tenant = request_tenant(request)
    try:
        complaint = access_complaint_for_request(request, complaint_id)
    except AduanError:
        raise Http404 from None
    if not complaint.is_wbs:
        raise Http404
    form = WbsDisclosureForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            wbs_actions.do_request_disclosure(
                complaint=complaint, reason=form.cleaned_data["reason"], actor=request.user
            )
        except AduanError as error:
            show_action_error(form, error)
            status = 400
        else:
            messages.success(request, _("Permintaan dicatat; menunggu dua persetujuan."))
            return redirect("complaints:wbs-disclosure", complaint_id=complaint.pk)
    elif form.errors:
        status = 400
    viewer = selectors.Viewer.of(request.user, tenant)
    context = {
        "tenant": tenant,
        "complaint": complaint,
        "disclosed": viewer.sees_identity(complaint),
        "requests": wbs.disclosures_of(complaint),
        "form": form,
        "kind": EventKind,
    }
    return render(request, "complaints/wbs/disclosure.html", context, status=status)


@tenant_role_required(Role.WBS_OFFICER)
def inspectorate_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """A WBS officer hands a report about the body's own leadership to the inspectorate."""
    tenant = request_tenant(request)
    try:
        complaint = access_complaint_for_request(request, complaint_id)
    except AduanError:
        raise Http404 from None
    if not complaint.is_wbs:
        raise Http404
    form = WbsDisclosureForm(request.POST or None)
    form.fields["reason"].label = _("Alasan penyerahan ke Inspektorat")
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    if request.method == "POST" and form.is_valid():
        try:
            moved = wbs_actions.do_hand_to_inspectorate(
                tenant=tenant,
                complaint=complaint,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except AduanError as error:
            show_action_error(form, error)
            status = 400
        else:
            messages.success(
                request,
                _("Laporan diserahkan ke %(tenant)s.") % {"tenant": moved.hop.to_tenant.name},
            )
            return redirect("complaints:register")
    context = {
        "tenant": tenant,
        "complaint": complaint,
        "inspectorate": inspectorate_for(tenant),
        "form": form,
    }
    return render(request, "complaints/wbs/inspectorate.html", context, status=status)
