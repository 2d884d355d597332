"""The receipt (tanda terima) as a printable PDF: one light A5 page a citizen can keep."""

from __future__ import annotations

from django.utils.translation import gettext as _
from fpdf import FPDF

from complaints.models import Complaint
from complaints.presenters import channel_label, element_labels, format_local
from tenants.models import Tenant


def _latin1(text: str) -> str:
    # The PDF core fonts speak Latin-1; anything else (emoji, other scripts) becomes "?".
    return text.encode("latin-1", "replace").decode("latin-1")


def show_complainant_name(complaint: Complaint, *, to_staff: bool, to_filer: bool) -> bool:
    """The receipt names the complainant only for the tenant's staff and for the complainant
    (the browser that filed, the receipt sent to them); never for someone who merely holds
    the tracking code, and never an anonymous or whistleblowing complaint's."""
    if not complaint.name or complaint.is_anonymous or complaint.is_wbs:
        return False
    return to_staff or to_filer


def receipt_pdf(complaint: Complaint, tenant: Tenant, *, track_url: str, show_name: bool) -> bytes:
    pdf = FPDF(format=(148, 210))  # A5, in millimetres
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_title(_latin1(f"{_('Tanda terima pengaduan')} {complaint.number}"))
    width = pdf.epw

    def line(text: str, *, size: int = 10, style: str = "", height: float = 6) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")

    def row(label: str, value: str) -> None:
        pdf.set_font("Helvetica", style="B", size=9)
        pdf.cell(38, 6, _latin1(label))
        pdf.set_font("Helvetica", size=9)
        pdf.multi_cell(width - 38, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")

    line(tenant.name, size=12, style="B")
    line(_("TANDA TERIMA PENGADUAN"), size=14, style="B", height=9)
    pdf.ln(2)
    row(_("Nomor register"), complaint.number)
    row(_("Kode lacak"), complaint.tracking_code)
    row(_("Diterima"), format_local(complaint.created_at, tenant))
    row(_("Kanal"), channel_label(complaint.channel))
    if show_name:
        row(_("Pengadu"), complaint.name)
    row(_("Pokok pengaduan"), complaint.subject or "-")
    row(_("Lampiran"), str(complaint.attachments.count()))
    privacy = _("Rahasia") if complaint.is_confidential else _("Terbuka")
    if complaint.is_anonymous:
        privacy += ", " + _("anonim")
    row(_("Sifat"), privacy)
    if complaint.missing_elements:
        row(_("Belum lengkap"), element_labels(complaint.missing_elements))
    pdf.ln(3)
    line(
        _("Pantau tindak lanjut pengaduan Anda dengan kode lacak di: %(url)s") % {"url": track_url},
        size=9,
        height=5,
    )
    line(_("Simpan kode lacak ini; petugas tidak akan memintanya."), size=9, height=5)
    return bytes(pdf.output())
