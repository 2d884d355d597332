"""Pages of reports and statistics: the staff dashboard with the monthly recap, the head's
PDF and the reports sent to the heads, the SP4N-LAPOR! recap as CSV, re-publication with its
progress, the regency roll-up (the regency admin's and the regency head's), and the public
statistics pages with their open data (CSV). Every key a person reads (a state, channel,
category, urgency, outcome kind) is shown by its label (complaints.reports.Labels). The
figures: complaints.statistics; the API: complaints.api.statistics."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aduan.charts import Chart, Series, svg
from aduan.errors import AduanError, NotFoundError
from aduan.periods import Month, parse_month, parse_paging
from aduan.tenancy import request_tenant
from complaints import selectors, statistics
from complaints.access import (
    access_complaint_for_request,
    access_sent_report,
    access_statistics_refresh,
)
from complaints.actions.statistics import do_request_statistics_refresh
from complaints.api.statistics import (
    LAPOR_RECAP_ROLES,
    PUBLISH_ROLES,
    REGENCY_ROLLUP_ROLES,
    REPORT_ROLES,
    month_from,
    public_statistics,
    regency_here,
    rollup_month,
)
from complaints.presenters import format_local
from complaints.public.models import MonthlyReport, StatisticsRefresh
from complaints.reports import (
    Labels,
    berita_acara_pdf,
    breakdowns,
    charts,
    headline_rows,
    humanize,
    labels_for,
    monthly_report_pdf,
)
from complaints.selectors import WORK_ROLES
from tenants.access import public_page, regency_admin_required, tenant_role_required
from tenants.models import Tenant, TenantKind, User
from tenants.permissions import governed_tenants, roles_in
from tenants.selectors import access_regency

# How many months a re-publication from the page goes back (a holiday added changes them).
REPUBLISH_MONTHS = 12
# While a re-publication runs, the page reloads itself this often (no script: as the
# register exports page does).
REFRESH_SECONDS = 3
REFRESHES_SHOWN = 5
SENT_REPORTS_PAGE = 24


def _svgs(figures: dict[str, Any], labels: Labels) -> list[str]:
    # aduan.charts.svg escapes every text it draws.
    return [mark_safe(svg(chart)) for chart in charts(figures, labels)]  # noqa: S308


def _refreshes(tenant: Tenant, *, regency: bool) -> tuple[list[StatisticsRefresh], int | None]:
    """The latest re-publications asked for here, and the page's reload delay while one runs."""
    latest = list(StatisticsRefresh.objects.filter(tenant=tenant, regency=regency)
                  [:REFRESHES_SHOWN])  # fmt: skip
    return latest, REFRESH_SECONDS if any(r.running for r in latest) else None


def _ask_refresh(request: HttpRequest, tenant: Tenant, *, regency: bool) -> StatisticsRefresh:
    months = statistics.recent_months(tenant, REPUBLISH_MONTHS)
    if regency:
        # A regency's tenants may be older than the regency itself on Aduan.
        months = [statistics.current_month(tenant)]
        while len(months) < REPUBLISH_MONTHS:
            months.insert(0, months[0].previous())
    user = request.user if isinstance(request.user, User) else None
    return do_request_statistics_refresh(tenant=tenant, actor=user, months=months, regency=regency)


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
    head's PDF, the reports sent, the SP4N-LAPOR! recap and re-publication (a job, its
    progress shown here) from here."""
    tenant = request_tenant(request)
    if request.method == "POST":
        refresh = _ask_refresh(request, tenant, regency=False)
        return redirect("statistics-refresh", refresh_id=refresh.pk)
    try:
        month = month_from(request.GET.get("month"), tenant)
    except AduanError as error:
        return _error_page(request, error)
    labels = labels_for(tenant)
    figures = statistics.monthly_figures(tenant, month).as_dict()
    board = statistics.dashboard(tenant)
    names = {
        u.pk: u.get_full_name() or u.get_username()
        for u in User.objects.filter(pk__in=[row["user_id"] for row in board.open_load])
    }
    refreshes, reload_after = _refreshes(tenant, regency=False)
    roles = roles_in(request.user, tenant)
    return render(
        request,
        "complaints/statistics.html",
        {
            "month": month,
            "period": statistics.month_label(month),
            "months": _month_choices(tenant),
            "figures": figures,
            "headline": headline_rows(figures),
            "breakdowns": breakdowns(figures, labels),
            "charts": _svgs(figures, labels),
            "board": board,
            "overdue_by_step": [
                (labels.state(key), count) for key, count in board.overdue_by_step.items()
            ],
            "slowest": [
                {**row, "label": labels.category(row["category"])}
                for row in board.slowest_categories
            ],
            "overdue_total": sum(board.overdue_by_step.values()),
            "load": [
                (names.get(row["user_id"], row["user_id"]), row["open"]) for row in board.open_load
            ],
            "can_publish": bool(roles & set(PUBLISH_ROLES)),
            "can_lapor": bool(roles & set(LAPOR_RECAP_ROLES)),
            "regency_rollup": tenant.kind == TenantKind.PEMKAB
            and bool(roles & set(REGENCY_ROLLUP_ROLES)),
            "refreshes": refreshes,
            "refresh": reload_after,
        },
    )


@tenant_role_required(*REPORT_ROLES)
def sent_reports_page(request: HttpRequest) -> HttpResponse:
    """The monthly reports sent to this tenant's heads on the first working day: the month,
    when, to whom, and the PDF as it was sent."""
    tenant = request_tenant(request)
    try:
        paging = parse_paging(request.GET, default_size=SENT_REPORTS_PAGE)
    except AduanError as error:
        return _error_page(request, error)
    reports = MonthlyReport.objects.filter(tenant=tenant)
    count = reports.count()
    rows = [
        {
            "report": report,
            "period": statistics.month_label(Month(report.year, report.month)),
            "sent_at": format_local(report.sent_at, tenant),
            "recipients": ", ".join(r.get("name") or "" for r in report.recipients),
        }
        for report in reports[paging.offset : paging.offset + paging.size]
    ]
    return render(
        request,
        "complaints/statistics_sent.html",
        {"rows": rows, "page": paging.page, "pages": paging.pages(count), "count": count},
    )


@tenant_role_required(*REPORT_ROLES)
def sent_report_pdf(request: HttpRequest, report_id: int) -> FileResponse:
    """A sent monthly report's PDF, as it was sent."""
    try:
        report = access_sent_report(request_tenant(request), report_id)
    except NotFoundError:
        raise Http404 from None
    return FileResponse(
        default_storage.open(report.file, "rb"),
        as_attachment=False,
        filename=f"laporan-{request_tenant(request).slug}-{report.period}.pdf",
        content_type="application/pdf",
    )


@tenant_role_required(*PUBLISH_ROLES, read=REPORT_ROLES)
def refresh_progress(request: HttpRequest, refresh_id: int) -> HttpResponse:
    """One re-publication's progress: a small page that reloads itself while the job runs
    (the statistics page is too heavy to reload every few seconds)."""
    try:
        refresh = access_statistics_refresh(request_tenant(request), refresh_id)
    except NotFoundError:
        raise Http404 from None
    return render(
        request,
        "complaints/statistics_refresh.html",
        {"refreshes": [refresh], "refresh": REFRESH_SECONDS if refresh.running else None},
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
    labels = labels_for(tenant)
    sources = {"lapor": _("SP4N-LAPOR! (impor)"), "own": _("Kanal sendiri")}
    return _csv(
        f"rekap-lapor-{tenant.slug}-{month}.csv",
        [_("Nomor"), _("Sumber"), _("Kanal"), _("Status"), _("Diterima"),
         _("Jam sampai tanggapan pertama")],
        [
            [row.number, sources[row.source], labels.channel(row.channel),
             labels.state(row.state), row.received_at, row.first_response_hours]
            for row in statistics.lapor_recap(tenant, month)
        ],
    )  # fmt: skip


def _figures_csv_rows(figures: dict[str, Any], labels: Labels) -> list[list[Any]]:
    """The recap as open data: one row per figure, its key for machines ("name.key") and its
    label for people."""
    rows: list[list[Any]] = []
    by_key: dict[str, Callable[[str], str]] = {
        "by_channel": labels.channel, "by_category": labels.category,
        "by_urgency": labels.urgency, "by_state_at_month_end": labels.state,
        "outcome_kinds": labels.outcome_kind,
    }  # fmt: skip
    titles = figure_titles()
    for name, value in figures.items():
        if name == "trend":
            for point in value:
                rows.append(
                    [
                        f"trend.{point['month']}.received",
                        f"{_('Diterima')} {point['month']}",
                        point["received"],
                    ]
                )
                rows.append(
                    [
                        f"trend.{point['month']}.resolved",
                        f"{_('Selesai')} {point['month']}",
                        point["resolved"],
                    ]
                )
        elif isinstance(value, dict):
            name_of = by_key.get(name, humanize)
            rows.extend(
                [f"{name}.{key or '-'}", f"{titles.get(name, name)}: {name_of(key)}", count]
                for key, count in value.items()
            )
        else:
            rows.append([name, titles.get(name, humanize(name)), "" if value is None else value])
    return rows  # fmt: skip


def figure_titles() -> dict[str, str]:
    """The name people read of each figure of the open data, in the active language."""
    return {
        "tenant": _("Instansi"), "month": _("Periode"), "received": _("Pengaduan diterima"),
        "by_channel": _("Menurut kanal"), "by_category": _("Menurut kategori"),
        "by_urgency": _("Menurut urgensi"), "by_state_at_month_end": _("Status di akhir bulan"),
        "complete": _("Lengkap"), "incomplete": _("Belum lengkap"), "resolved": _("Selesai"),
        "resolved_within_limit": _("Selesai dalam batas waktu"),
        "within_limit_percent": _("Selesai dalam batas waktu (%)"),
        "median_resolution_days": _("Median waktu penyelesaian (hari kerja)"),
        "p90_resolution_days": _("Persentil ke-90 waktu penyelesaian (hari kerja)"),
        "forwarded_in": _("Diteruskan masuk"), "forwarded_out": _("Diteruskan keluar"),
        "returned": _("Dikembalikan"), "referred_to_lapor": _("Dirujuk ke SP4N-LAPOR!"),
        "reopened": _("Dibuka kembali"), "outcome_kinds": _("Jenis hasil rekomendasi"),
        "rating_count": _("Jumlah penilaian"), "rating_average": _("Rata-rata penilaian"),
        "wbs_reports": _("Laporan WBS"), "open_at_month_end": _("Masih terbuka di akhir bulan"),
    }  # fmt: skip


@public_page
def public_statistics_page(request: HttpRequest) -> HttpResponse:
    """The tenant's published monthly statistics: figures and charts, no personal data."""
    tenant = request_tenant(request)
    try:
        found = public_statistics(tenant, request.GET.get("month"))
    except AduanError as error:
        return _error_page(request, error)
    figures = found["figures"]
    month = parse_month(found["month"]) if found["month"] else None
    labels = labels_for(tenant)
    return render(
        request,
        "complaints/statistics_public.html",
        {
            "found": found,
            "period": statistics.month_label(month) if month else "",
            "headline": headline_rows(figures) if figures else [],
            "breakdowns": breakdowns(figures, labels) if figures else [],
            "charts": _svgs(figures, labels) if figures else [],
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
        [_("Kode"), _("Uraian"), _("Nilai")],
        _figures_csv_rows(found["figures"], labels_for(tenant)),
    )


def _rollup_context(
    regency: Tenant, request: HttpRequest, *, public: bool, refreshes: bool = False
) -> dict[str, Any]:
    """The roll-up of a page: one page of rows (sorted over all), the chart of the top ranked
    and the overdue list with each state's name as its tenant's SOP gives it."""
    month = rollup_month(request.GET.get("month"), regency)
    sort = request.GET.get("sort") or "rank"
    paging = parse_paging(
        request.GET, default_size=statistics.ROLLUP_PAGE_SIZE, max_size=statistics.ROLLUP_MAX_PAGE
    )
    rollup = statistics.regency_rollup(
        regency, month, sort=sort, paging=paging, with_overdue=not public
    )
    ranked = rollup.leaders
    chart = Chart(
        title=_("Batas bawah selang Wilson (%)"),
        labels=tuple(row.name[:14] for row in ranked),
        series=(Series(_("Batas bawah"), tuple(100 * (r.wilson_low or 0.0) for r in ranked)),),
    )
    language = "en" if (get_language() or "").startswith("en") else "id"
    overdue = [
        {**item, "state_name": (item.get("state_label") or {}).get(language)
         or (item.get("state_label") or {}).get("id") or humanize(item["state"])}
        for item in rollup.overdue
    ]  # fmt: skip
    latest, reload_after = _refreshes(regency, regency=True) if refreshes else ([], None)
    return {
        "regency": regency,
        "month": month,
        "period": statistics.month_label(month),
        "rollup": rollup,
        "overdue": overdue,
        "sort": sort,
        "chart": mark_safe(svg(chart)) if ranked else "",  # noqa: S308
        "public": public,
        "refreshes": latest,
        "refresh": reload_after,
        "can_refresh": refreshes,
        "public_url": _public_regency_url(regency),
        "previous_page": rollup.page - 1 if rollup.page > 1 else None,
        "next_page": rollup.page + 1 if rollup.page < rollup.pages else None,
    }


def _public_regency_url(regency: Tenant) -> str:
    """The regency's public page lives on the platform's host; a tenant host cannot reverse
    it (its URLconf lacks the platform's pages)."""
    try:
        return reverse("public-regency-statistics", kwargs={"slug": regency.slug})
    except NoReverseMatch:
        return ""


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
    a chart and the overdue complaints (from the published statistics only); its twelve
    months re-published from here, with their progress."""
    try:
        regency = access_regency(request.user, slug)
        if request.method == "POST":
            _ask_refresh(request, regency, regency=True)
            return redirect("regency-statistics", slug=regency.slug)
        context = _rollup_context(regency, request, public=False, refreshes=True)
    except AduanError as error:
        return _error_page(request, error)
    return render(request, "complaints/statistics_rollup.html", context)


@tenant_role_required(*REGENCY_ROLLUP_ROLES)
def regency_rollup_here(request: HttpRequest) -> HttpResponse:
    """The same roll-up on the regency government's own host, for its head (bupati/wali
    kota's office) and its regency admin: the first page links here."""
    try:
        regency = regency_here(request_tenant(request))
        if request.method == "POST":
            _ask_refresh(request, regency, regency=True)
            return redirect("statistics-regency")
        context = _rollup_context(regency, request, public=False, refreshes=True)
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
