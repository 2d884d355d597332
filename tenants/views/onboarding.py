"""Pages of the onboarding paths, on the platform's front door (the lifecycle: .lifecycle).

- public: a village finds itself and asks for a complaint desk, then follows its request;
- regency admins (and the platform operator): the verification queue, their agencies (one at a
  time or from CSV with a preview);
- the platform operator: onboarding a regency.

Thin: parse a form, check access (tenants.access declarations, then selectors.access_*),
call one action, render.
"""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import acting_user
from tenants import selectors
from tenants.access import operator_required, public_page, regency_admin_required
from tenants.actions import onboarding
from tenants.forms import (
    AgencyForm,
    AgencyImportForm,
    DeskRequestForm,
    RegencyForm,
    RejectForm,
    add_domain_error,
)
from tenants.models import DeskRequest, DeskRequestStatus, RegionLevel, Tenant
from tenants.regions import region_at

IMPORT_SESSION_KEY = "tenants.agency_import"


# --- A village asks for a desk (public) ---------------------------------------------------


@public_page
def desk_search(request: HttpRequest) -> HttpResponse:
    """Find the village by name: a GET form, works without JavaScript."""
    query = request.GET.get("q", "").strip()
    matches = selectors.search_villages(query)
    return render(
        request,
        "tenants/desk_search.html",
        {
            "query": query,
            "matches": matches,
            "too_short": 0 < len(query) < selectors.VILLAGE_SEARCH_MIN,
        },
    )


@public_page
def desk_request_new(request: HttpRequest, code: str) -> HttpResponse:
    village = region_at(code, RegionLevel.VILLAGE)
    if village is None:
        raise Http404
    match = selectors.villages_matching([village.code])[0]
    form = DeskRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            desk_request = onboarding.do_request_desk(
                village_code=village.code,
                officer_name=form.cleaned_data["officer_name"],
                officer_phone=form.cleaned_data["officer_phone"],
                officer_email=form.cleaned_data["officer_email"],
                letter=form.cleaned_data["letter"],
            )
        except AduanError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Permohonan terkirim. Simpan alamat halaman ini."))
            return redirect("desk-request-status", public_id=desk_request.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "tenants/desk_form.html", {"form": form, "village": match}, status=status
    )


@public_page
def desk_request_status(request: HttpRequest, public_id: str) -> HttpResponse:
    """The requester's page: its secret address is the only key to it."""
    desk_request = selectors.desk_request_by_public_id(public_id)
    if desk_request is None:
        raise Http404
    match = selectors.villages_matching([desk_request.village_id])[0]
    return render(
        request,
        "tenants/desk_status.html",
        {"desk_request": desk_request, "village": match},
    )


# --- The verification queue (regency admin, operator) -----------------------------------


@regency_admin_required
def desk_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", DeskRequestStatus.PENDING)
    if status not in DeskRequestStatus.values:
        status = ""
    requests = list(selectors.desk_queue(request.user, status=status)[:100])
    matches = {m.code: m for m in selectors.villages_matching([r.village_id for r in requests])}
    rows = [(r, matches.get(r.village_id)) for r in requests]
    return render(
        request,
        "tenants/desk_queue.html",
        {"rows": rows, "status": status, "statuses": DeskRequestStatus.choices},
    )


def _desk_request_or_404(request: HttpRequest, public_id: str) -> DeskRequest:
    try:
        return selectors.access_desk_request(request.user, public_id)
    except NotFoundError:
        raise Http404 from None


@regency_admin_required
def desk_request_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    desk_request = _desk_request_or_404(request, public_id)
    reject_form = RejectForm(request.POST if request.POST.get("decision") == "reject" else None)
    status = 200
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                onboarding.do_approve_desk_request(
                    desk_request=desk_request, actor=acting_user(request)
                )
                messages.success(request, _("Disetujui. Layanan pengaduan sedang disiapkan."))
                return redirect("desk-request-detail", public_id=desk_request.public_id)
            if decision == "reject" and reject_form.is_valid():
                onboarding.do_reject_desk_request(
                    desk_request=desk_request,
                    reason=reject_form.cleaned_data["reason"],
                    actor=acting_user(request),
                )
                messages.success(request, _("Ditolak. Petugas desa menerima alasannya."))
                return redirect("desk-request-detail", public_id=desk_request.public_id)
            if decision not in {"approve", "reject"}:
                messages.error(request, _("Pilih setujui atau tolak."))
        except AduanError as error:
            messages.error(request, error.message)
        status = 400
        desk_request.refresh_from_db()
    match = selectors.villages_matching([desk_request.village_id])[0]
    return render(
        request,
        "tenants/desk_detail.html",
        {"desk_request": desk_request, "village": match, "reject_form": reject_form},
        status=status,
    )


@regency_admin_required
def desk_request_letter(request: HttpRequest, public_id: str) -> HttpResponseBase:
    """The official letter, to the request's verifiers only."""
    desk_request = _desk_request_or_404(request, public_id)
    return FileResponse(
        desk_request.letter.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"surat-{desk_request.village_id}.pdf",
    )


# --- Onboarding a regency (operator) ------------------------------------------------------


@operator_required
def regencies(request: HttpRequest) -> HttpResponse:
    form = RegencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = onboarding.do_onboard_regency(actor=acting_user(request), **form.cleaned_data)
        except AduanError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s dibuat; undangan dikirim ke %(email)s.")
                % {"name": tenant.name, "email": form.cleaned_data["admin_email"]},
            )
            return redirect("tenant-lifecycle", slug=tenant.slug)
    listed = Tenant.objects.filter(kind="PEMKAB").select_related("region").order_by("name")
    return render(
        request,
        "tenants/regencies.html",
        {"form": form, "regencies": listed[:200]},
        status=400 if request.method == "POST" else 200,
    )


# --- A regency's agencies (regency admin) -------------------------------------------------


def _regency_or_404(request: HttpRequest, slug: str) -> Tenant:
    try:
        return selectors.access_regency(request.user, slug)
    except NotFoundError:
        raise Http404 from None


@regency_admin_required
def agencies(request: HttpRequest, slug: str) -> HttpResponse:
    regency = _regency_or_404(request, slug)
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = onboarding.do_create_agency(
                regency=regency, actor=acting_user(request), **form.cleaned_data
            )
        except AduanError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("%(name)s dibuat.") % {"name": tenant.name})
            return redirect("agencies", slug=regency.slug)
    return render(
        request,
        "tenants/agencies.html",
        {
            "regency": regency,
            # Paged: a regency of 400 villages lists them all, a page at a time.
            "page": Paginator(selectors.agencies_of(regency), selectors.AGENCIES_PER_PAGE).get_page(
                request.GET.get("page")
            ),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@regency_admin_required
def agency_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload → preview (a dry run listing every row and every error) → confirm. The file
    waits in the session between preview and confirm, so it is uploaded once."""
    regency = _regency_or_404(request, slug)
    form = AgencyImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"regency": regency, "form": form}
    status = 200
    if request.method == "POST" and request.POST.get("confirm"):
        return _confirm_import(request, regency)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            content = form.cleaned_data["file"].read(onboarding.CSV_MAX_BYTES + 1)
            try:
                plan = onboarding.plan_agency_import(regency=regency, content=content)
            except AduanError as error:
                add_domain_error(form, error)
            else:
                context["plan"] = plan
                if plan.ok:
                    status = 200
                    request.session[IMPORT_SESSION_KEY] = {
                        "regency": regency.slug,
                        "content": base64.b64encode(content).decode(),
                    }
    return render(request, "tenants/agency_import.html", context, status=status)


def _confirm_import(request: HttpRequest, regency: Tenant) -> HttpResponse:
    stored = request.session.get(IMPORT_SESSION_KEY) or {}
    if stored.get("regency") != regency.slug:
        messages.error(request, _("Unggah berkasnya lagi, lalu periksa pratinjaunya."))
        return redirect("agency-import", slug=regency.slug)
    content = base64.b64decode(stored["content"])
    try:
        plan = onboarding.do_import_agencies(
            regency=regency, content=content, actor=acting_user(request)
        )
    except AduanError as error:
        # The data changed since the preview (a slug taken meanwhile): show it all again.
        messages.error(request, error.message)
        for row_error in error.extra.get("errors", []):
            messages.error(request, _("Baris %(row)s: %(message)s") % row_error)
        return redirect("agency-import", slug=regency.slug)
    finally:
        request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(request, _("%(count)s instansi dibuat.") % {"count": len(plan.rows)})
    return redirect("agencies", slug=regency.slug)
