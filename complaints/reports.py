"""The printed and drawn forms of the statistics: the charts of a recap (for pages and PDFs)
and the head's monthly report (laporan bulanan kepada pimpinan) as a PDF, on the platform's one
PDF engine (aduan.pdf) with its server-drawn charts (aduan.charts). The figures themselves come
from complaints.statistics; nothing here computes one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from aduan.charts import Chart, Kind, Series, bar_chart
from aduan.pdf import Document
from complaints.models import Channel, Complaint, Urgency
from complaints.statistics import Month, month_label
from tenants.models import Tenant


def _label(choices: Any, key: str) -> str:
    if not key:
        return _("(belum diisi)")
    try:
        return str(choices(key).label)
    except ValueError:
        return key


def channel_rows(figures: dict[str, Any]) -> list[tuple[str, int]]:
    return [(_label(Channel, k), v) for k, v in figures["by_channel"].items()]


def urgency_rows(figures: dict[str, Any]) -> list[tuple[str, int]]:
    return [(_label(Urgency, k), v) for k, v in figures["by_urgency"].items()]


def charts(figures: dict[str, Any]) -> list[Chart]:
    """The recap's charts: the 12-month trend, then this month by channel and by state."""
    trend = figures["trend"]
    return [
        Chart(
            title=_("Tren 12 bulan"),
            labels=tuple(str(row["month"])[2:] for row in trend),
            series=(
                Series(_("Diterima"), tuple(float(row["received"]) for row in trend)),
                Series(_("Selesai"), tuple(float(row["resolved"]) for row in trend)),
            ),
            kind=Kind.BAR,
        ),
        bar_chart(_("Menurut kanal"), channel_rows(figures)),
        bar_chart(_("Status di akhir bulan"), list(figures["by_state_at_month_end"].items())),
    ]


def _value(value: Any, suffix: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") + suffix
    return f"{value}{suffix}"


def headline_rows(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """The recap's numbers with their labels, in the order the report prints them."""
    return [
        (_("Pengaduan diterima"), _value(figures["received"])),
        (_("Lengkap / belum lengkap"), f"{figures['complete']} / {figures['incomplete']}"),
        (_("Selesai"), _value(figures["resolved"])),
        (_("Selesai dalam batas waktu"), f"{figures['resolved_within_limit']} "
                                         f"({_value(figures['within_limit_percent'], ' %')})"),
        (_("Median waktu penyelesaian"), _value(figures["median_resolution_days"],
                                                " " + _("hari kerja"))),
        (_("Persentil ke-90 waktu penyelesaian"), _value(figures["p90_resolution_days"],
                                                         " " + _("hari kerja"))),
        (_("Diteruskan masuk / keluar"), f"{figures['forwarded_in']} / {figures['forwarded_out']}"),
        (_("Dikembalikan"), _value(figures["returned"])),
        (_("Dirujuk ke SP4N-LAPOR!"), _value(figures["referred_to_lapor"])),
        (_("Dibuka kembali"), _value(figures["reopened"])),
        (_("Penilaian kepuasan"), f"{_value(figures['rating_average'])} "
                                  f"({figures['rating_count']} {_('penilaian')})"),
        (_("Laporan WBS"), _value(figures["wbs_reports"])),
        (_("Masih terbuka di akhir bulan"), _value(figures["open_at_month_end"])),
    ]  # fmt: skip


OUTCOME_LABELS = {
    "administrative": "Penyelesaian administratif",
    "corrective": "Tindakan korektif",
    "policy": "Rekomendasi kebijakan",
}


def monthly_report_pdf(tenant: Tenant, month: Month, figures: dict[str, Any]) -> bytes:
    """The head's monthly report: the tenant's name, the period, the figures and the charts,
    in Bahasa Indonesia whatever the reader's language (it is an official report)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _monthly_report(tenant, month, figures)


def _monthly_report(tenant: Tenant, month: Month, figures: dict[str, Any]) -> bytes:
    doc = Document(title=f"{_('Laporan bulanan pengaduan')} {tenant.name} {month}")
    doc.text(tenant.name, size=12, bold=True)
    doc.heading(_("LAPORAN BULANAN PENGELOLAAN PENGADUAN"))
    doc.text(_("Periode: %(period)s") % {"period": month_label(month)}, size=10)
    doc.space(3)
    for label, value in headline_rows(figures):
        doc.row(label, value, label_width=70)
    doc.space(3)
    for title, rows in (
        (_("Menurut kanal"), channel_rows(figures)),
        (_("Menurut kategori"), [(k or _("(belum diisi)"), v)
                                 for k, v in figures["by_category"].items()]),
        (_("Menurut urgensi"), urgency_rows(figures)),
        (_("Status di akhir bulan"), list(figures["by_state_at_month_end"].items())),
        (_("Jenis hasil rekomendasi"), [(OUTCOME_LABELS.get(k, k), v)
                                        for k, v in figures["outcome_kinds"].items()]),
    ):  # fmt: skip
        if rows:
            doc.text(title, size=10, bold=True)
            doc.table([_("Uraian"), _("Jumlah")], [[str(k), str(v)] for k, v in rows],
                      widths=[doc.width * 0.75, doc.width * 0.25])  # fmt: skip
            doc.space(2)
    for chart in charts(figures):
        doc.chart(chart)
    return doc.output()


BERITA_ACARA_ROWS = (
    ("meeting_date", "Tanggal rapat"),
    ("participants", "Peserta rapat"),
    ("truth", "Hasil pemeriksaan kebenaran pengaduan"),
    ("completeness", "Hasil pemeriksaan kelengkapan pengaduan"),
    ("root_cause", "Akar masalah"),
)


def berita_acara_pdf(
    tenant: Tenant, complaint: Complaint, inputs: dict[str, Any], recorded_at: str
) -> bytes:
    """The minutes of a review meeting (berita acara rapat pembahasan, seed 004), from the
    inputs recorded at the review step: printed, signed, and its scan uploaded at the outcome
    step. In Bahasa Indonesia (an official document); no identity of the complainant."""
    with translation.override(settings.LANGUAGE_CODE):
        doc = Document(title=f"Berita acara {complaint.number}")
        doc.text(tenant.name, size=12, bold=True)
        doc.heading("BERITA ACARA RAPAT PEMBAHASAN PENGADUAN")
        doc.space(2)
        doc.row("Nomor pengaduan", complaint.number, label_width=70)
        doc.row("Pokok pengaduan", complaint.subject or "-", label_width=70)
        for key, label in BERITA_ACARA_ROWS:
            doc.row(label, str(inputs.get(key) or "-"), label_width=70)
        kind = str(inputs.get("outcome_kind") or "")
        doc.row("Jenis rekomendasi", OUTCOME_LABELS.get(kind, kind or "-"), label_width=70)
        doc.row("Rekomendasi", str(inputs.get("recommendation") or "-"), label_width=70)
        doc.space(4)
        doc.text(f"Dicatat di Aduan: {recorded_at}", size=8)
        doc.space(12)
        doc.table(
            ["Pimpinan rapat", "Notulis"],
            [
                [
                    "\n\n\n(.................................)",
                    "\n\n\n(.................................)",
                ]
            ],
        )
        return doc.output()
