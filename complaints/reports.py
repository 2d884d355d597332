"""The printed and drawn forms of the statistics: the charts of a recap (for pages and PDFs)
and the head's monthly report (laporan bulanan kepada pimpinan) as a PDF, on the platform's one
PDF engine (aduan.pdf) with its server-drawn charts (aduan.charts). The figures themselves come
from complaints.statistics; nothing here computes one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.charts import Chart, Kind, Series, bar_chart
from aduan.pdf import Document
from aduan.periods import Month
from complaints import selectors
from complaints.models import Channel, Complaint, Urgency
from complaints.sop import Label
from complaints.statistics import month_label
from routing.models import Category
from tenants.models import Tenant

# The village's three kinds of recommendation (seed 004), as the review step records them.
OUTCOME_LABELS = {
    "administrative": gettext_lazy("Penyelesaian administratif"),
    "corrective": gettext_lazy("Tindakan korektif"),
    "policy": gettext_lazy("Rekomendasi kebijakan"),
}


def _choice(choices: Any, key: str) -> str:
    if not key:
        return _("(belum diisi)")
    try:
        return str(choices(key).label)
    except ValueError:
        return key


def humanize(key: str) -> str:
    """A key nothing names any more (a state of a retired SOP): readable, never raw."""
    return key.replace("_", " ").capitalize() if key else _("(belum diisi)")


@dataclass(frozen=True)
class Labels:
    """The names people read for the keys a recap counts by (states, channels, categories,
    urgency, outcome kinds), in the active language: no table, page, PDF or CSV meant for
    people shows a raw key."""

    states: dict[str, Label]
    categories: dict[str, str]

    def state(self, key: str) -> str:
        found = self.states.get(key)
        return found.text() if found else humanize(key)

    def channel(self, key: str) -> str:
        return _choice(Channel, key)

    def urgency(self, key: str) -> str:
        return _choice(Urgency, key)

    def category(self, key: str) -> str:
        return self.categories.get(key) or humanize(key)

    def outcome_kind(self, key: str) -> str:
        return str(OUTCOME_LABELS.get(key) or humanize(key))


def labels_for(tenant: Tenant) -> Labels:
    """The labels of this tenant's SOP states (the current schema is the tenant's) and of the
    category catalogue (public schema)."""
    return Labels(
        states=selectors.sop_state_labels(tenant),
        categories=dict(Category.objects.values_list("key", "name")),
    )


def channel_rows(figures: dict[str, Any], labels: Labels) -> list[tuple[str, int]]:
    return [(labels.channel(k), v) for k, v in figures["by_channel"].items()]


def urgency_rows(figures: dict[str, Any], labels: Labels) -> list[tuple[str, int]]:
    return [(labels.urgency(k), v) for k, v in figures["by_urgency"].items()]


def breakdowns(figures: dict[str, Any], labels: Labels) -> list[tuple[str, list[tuple[str, int]]]]:
    """The recap's counts by channel, category, urgency, state at the month's end and outcome
    kind, each key by its label, in the order the report prints them."""
    return [
        (_("Menurut kanal"), channel_rows(figures, labels)),
        (_("Menurut kategori"),
         [(labels.category(k), v) for k, v in figures["by_category"].items()]),
        (_("Menurut urgensi"), urgency_rows(figures, labels)),
        (_("Status di akhir bulan"),
         [(labels.state(k), v) for k, v in figures["by_state_at_month_end"].items()]),
        (_("Jenis hasil rekomendasi"),
         [(labels.outcome_kind(k), v) for k, v in figures["outcome_kinds"].items()]),
    ]  # fmt: skip


def charts(figures: dict[str, Any], labels: Labels) -> list[Chart]:
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
        bar_chart(_("Menurut kanal"), channel_rows(figures, labels)),
        bar_chart(
            _("Status di akhir bulan"),
            [(labels.state(k), v) for k, v in figures["by_state_at_month_end"].items()],
        ),
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


def monthly_report_pdf(tenant: Tenant, month: Month, figures: dict[str, Any]) -> bytes:
    """The head's monthly report: the tenant's name, the period, the figures and the charts,
    in Bahasa Indonesia whatever the reader's language (it is an official report). Read in
    the tenant's schema (its SOP names the states)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _monthly_report(tenant, month, figures, labels_for(tenant))


def _monthly_report(tenant: Tenant, month: Month, figures: dict[str, Any], labels: Labels) -> bytes:
    doc = Document(title=f"{_('Laporan bulanan pengaduan')} {tenant.name} {month}")
    doc.text(tenant.name, size=12, bold=True)
    doc.heading(_("LAPORAN BULANAN PENGELOLAAN PENGADUAN"))
    doc.text(_("Periode: %(period)s") % {"period": month_label(month)}, size=10)
    doc.space(3)
    for label, value in headline_rows(figures):
        doc.row(label, value, label_width=70)
    doc.space(3)
    for title, rows in breakdowns(figures, labels):
        if rows:
            doc.text(title, size=10, bold=True)
            doc.table([_("Uraian"), _("Jumlah")], [[str(k), str(v)] for k, v in rows],
                      widths=[doc.width * 0.75, doc.width * 0.25])  # fmt: skip
            doc.space(2)
    for chart in charts(figures, labels):
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
        doc.row("Jenis rekomendasi", str(OUTCOME_LABELS.get(kind, kind or "-")), label_width=70)
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
