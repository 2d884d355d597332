"""Pages of reports and statistics: the staff dashboard with the monthly recap, the head's
PDF, the SP4N-LAPOR! recap as CSV, the regency roll-up, and the public statistics pages with
their open data (CSV). The figures: complaints.statistics; the API: complaints.api.statistics."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from aduan.charts import Chart, Series, svg
from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints import selectors, statistics
from complaints.access import access_complaint_for_request
from complaints.actions.statistics import do_publish_statistics
from complaints.api.statistics import (
    LAPOR_RECAP_ROLES,
    PUBLISH_ROLES,
    REPORT_ROLES,
    month_from,
    public_statistics,
    rollup_month,
)
from complaints.presenters import format_local
from complaints.reports import berita_acara_pdf, charts, headline_rows, monthly_report_pdf
from complaints.selectors import WORK_ROLES
from complaints.statistics import Month
from tenants.access import public_page, regency_admin_required, tenant_role_required
from tenants.models import Tenant, TenantKind, User
from tenants.permissions import governed_tenants, roles_in
from tenants.selectors import access_regency

# How many months a re-publication from the page goes back (a holiday added changes them).
REPUBLISH_MONTHS = 12


def _svgs(figures: dict[str, Any]) -> list[str]:
    # aduan.charts.svg escapes every text it draws.
    return [mark_safe(svg(chart)) for chart in charts(figures)]  # noqa: S308


def _error_page(request: HttpRequest, error: AduanError) -> HttpResponse:
    if isinstance(error, NotFoundError):
        raise Http404(error.message)
    return render(
        request, "complaints/statistics_error.html", {"error": error}, status=error.status_code
    )


def _month_choices(tenant: Tenant) -> list[str]:
    """The period picker: the last 12 months up to the current one, newest first."""
    return [str(month) for month in reversed(statistics.recent_months(tenant))]


@tenant_role_required(*PUBLISH_ROLES, read=REPORT_ROLES)
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The dashboard (now) and the monthly recap of the chosen month, with its charts; the
    head's PDF, the SP4N-LAPOR! recap and re-publication from here."""
    tenant = request_tenant(request)
    if request.method == "POST":
        months = statistics.recent_months(tenant, REPUBLISH_MONTHS)
        done = do_publish_statistics(tenant=tenant, months=months)
        messages.success(request, _("Statistik %(n)d bulan diterbitkan ulang.") % {"n": len(done)})
        return redirect("statistics")
    try:
        month = month_from(request.GET.get("month"), tenant)
    except AduanError as error:
        return _error_page(request, error)
    figures = statistics.monthly_figures(tenant, month).as_dict()
    board = statistics.dashboard(tenant)
    names = {
        u.pk: u.get_full_name() or u.get_username()
        for u in User.objects.filter(pk__in=[row["user_id"] for row in board.open_load])
    }
    return render(
        request,
        "complaints/statistics.html",
        {
            "month": month,
            "period": statistics.month_label(month),
            "months": _month_choices(tenant),
            "figures": figures,
            "headline": headline_rows(figures),
            "charts": _svgs(figures),
            "board": board,
            "overdue_total": sum(board.overdue_by_step.values()),
            "load": [
                (names.get(row["user_id"], row["user_id"]), row["open"]) for row in board.open_load
            ],
            "can_publish": bool(roles_in(request.user, tenant) & set(PUBLISH_ROLES)),
            "can_lapor": bool(roles_in(request.user, tenant) & set(LAPOR_RECAP_ROLES)),
        },
    )


@tenant_role_required(*REPORT_ROLES)
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The head's monthly report of a month as a PDF (any month on demand)."""
    tenant = request_tenant(request)
    try:
        month = month_from(request.GET.get("month"), tenant)
    except AduanError as error:
        return _error_page(request, error)
    body = monthly_report_pdf(tenant, month, statistics.monthly_figures(tenant, month).as_dict())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="laporan-{tenant.slug}-{month}.pdf"'
    return response


def _csv(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@tenant_role_required(*LAPOR_RECAP_ROLES)
def lapor_recap_csv(request: HttpRequest) -> HttpResponse:
    """The SP4N-LAPOR!-style recap of a month for the liaison, as CSV."""
    tenant = request_tenant(request)
    try:
        month = month_from(request.GET.get("month"), tenant)
    except AduanError as error:
        return _error_page(request, error)
    rows = statistics.lapor_recap(tenant, month)
    header = ["number", "source", "channel", "state", "received_at", "first_response_hours"]
    return _csv(
        f"rekap-lapor-{tenant.slug}-{month}.csv",
        header,
        [[getattr(row, column) for column in header] for row in rows],
    )


def _figures_csv_rows(figures: dict[str, Any]) -> list[list[Any]]:
    """The recap as open data: one row per figure (nested figures as "name.key")."""
    rows: list[list[Any]] = []
    for name, value in figures.items():
        if name == "trend":
            for point in value:
                rows.append([f"trend.{point['month']}.received", point["received"]])
                rows.append([f"trend.{point['month']}.resolved", point["resolved"]])
        elif isinstance(value, dict):
            rows.extend([f"{name}.{key or '-'}", count] for key, count in value.items())
        else:
            rows.append([name, "" if value is None else value])
    return rows


@public_page
def public_statistics_page(request: HttpRequest) -> HttpResponse:
    """The tenant's published monthly statistics: figures and charts, no personal data."""
    tenant = request_tenant(request)
    try:
        found = public_statistics(tenant, request.GET.get("month"))
    except AduanError as error:
        return _error_page(request, error)
    figures = found["figures"]
    month = Month.parse(found["month"]) if found["month"] else None
    return render(
        request,
        "complaints/statistics_public.html",
        {
            "found": found,
            "period": statistics.month_label(month) if month else "",
            "headline": headline_rows(figures) if figures else [],
            "charts": _svgs(figures) if figures else [],
        },
    )


@public_page
def public_statistics_csv(request: HttpRequest) -> HttpResponse:
    """The open data behind the public page, as CSV (JSON: the public statistics API)."""
    tenant = request_tenant(request)
    try:
        found = public_statistics(tenant, request.GET.get("month"))
    except AduanError as error:
        return _error_page(request, error)
    if found["figures"] is None:
        raise Http404(_("Belum ada statistik yang diterbitkan."))
    return _csv(
        f"statistik-{tenant.slug}-{found['month']}.csv",
        ["figure", "value"],
        _figures_csv_rows(found["figures"]),
    )


def _rollup_context(regency: Tenant, request: HttpRequest, *, public: bool) -> dict[str, Any]:
    month = rollup_month(request.GET.get("month"), regency)
    sort = request.GET.get("sort") or "rank"
    rollup = statistics.regency_rollup(regency, month, sort=sort)
    ranked = [row for row in rollup.rows if row.rank is not None][:20]
    chart = Chart(
        title=_("Batas bawah selang Wilson (%)"),
        labels=tuple(row.name[:14] for row in ranked),
        series=(Series(_("Batas bawah"), tuple(100 * (r.wilson_low or 0.0) for r in ranked)),),
    )
    return {
        "regency": regency,
        "month": month,
        "period": statistics.month_label(month),
        "rollup": rollup,
        "sort": sort,
        "chart": mark_safe(svg(chart)) if ranked else "",  # noqa: S308
        "public": public,
    }


@regency_admin_required
def regency_statistics_home(request: HttpRequest) -> HttpResponse:
    """The regencies this user administers, each linking to its roll-up (one: straight there)."""
    regencies = list(
        governed_tenants(request.user).filter(kind=TenantKind.PEMKAB).order_by("name")[:200]
    )
    if len(regencies) == 1:
        return redirect("regency-statistics", slug=regencies[0].slug)
    return render(request, "complaints/statistics_regencies.html", {"regencies": regencies})


@regency_admin_required
def regency_rollup_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The regency's roll-up: a row per agency and village, sortable, the fair league table,
    a chart and the overdue complaints (from the published statistics only)."""
    try:
        regency = access_regency(request.user, slug)
        context = _rollup_context(regency, request, public=False)
    except AduanError as error:
        return _error_page(request, error)
    return render(request, "complaints/statistics_rollup.html", context)


@public_page
def public_regency_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A regency's public statistics: the published figures of every agency and village."""
    try:
        regency = statistics.public_regency(slug)
        context = _rollup_context(regency, request, public=True)
    except AduanError as error:
        return _error_page(request, error)
    return render(request, "complaints/statistics_rollup.html", context)


@tenant_role_required(*WORK_ROLES)
def berita_acara(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The berita acara of the complaint's latest review meeting, as a PDF to print and sign
    (from the inputs of the PEMDES step "record_review")."""
    tenant = request_tenant(request)
    try:
        complaint = access_complaint_for_request(request, complaint_id)
    except NotFoundError:
        raise Http404 from None
    event = selectors.latest_review(complaint)
    if event is None:
        # The complaint exists and is the caller's to see: say what is missing, not "not found".
        error = AduanError(
            "statistics.no_review", _("Hasil rapat pembahasan pengaduan ini belum dicatat.")
        )
        return render(request, "complaints/statistics_error.html", {"error": error}, status=409)
    inputs = dict((event.after or {}).get("inputs") or {})
    body = berita_acara_pdf(tenant, complaint, inputs, format_local(event.at, tenant))
    response = HttpResponse(body, content_type="application/pdf")
    filename = "berita-acara-" + complaint.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
