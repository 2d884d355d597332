"""The receipt (tanda terima) as a printable PDF: one light A5 page a citizen can keep."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aduan.pdf import A5, Document
from complaints.models import Complaint
from complaints.presenters import channel_label, element_labels, format_local
from tenants.models import Tenant


def show_complainant_name(complaint: Complaint, *, to_staff: bool, to_filer: bool) -> bool:
    """The receipt names the complainant only for the tenant's staff and for the complainant
    (the browser that filed, the receipt sent to them); never for someone who merely holds
    the tracking code, and never an anonymous or whistleblowing complaint's."""
    if not complaint.name or complaint.is_anonymous or complaint.is_wbs:
        return False
    return to_staff or to_filer


def receipt_pdf(complaint: Complaint, tenant: Tenant, *, track_url: str, show_name: bool) -> bytes:
    doc = Document(title=f"{_('Tanda terima pengaduan')} {complaint.number}", size=A5)
    doc.text(tenant.name, size=12, bold=True)
    doc.heading(_("TANDA TERIMA PENGADUAN"))
    doc.space(2)
    doc.row(_("Nomor register"), complaint.number)
    doc.row(_("Kode lacak"), complaint.tracking_code)
    doc.row(_("Diterima"), format_local(complaint.created_at, tenant))
    doc.row(_("Kanal"), channel_label(complaint.channel))
    if show_name:
        doc.row(_("Pengadu"), complaint.name)
    doc.row(_("Pokok pengaduan"), complaint.subject or "-")
    doc.row(_("Lampiran"), str(complaint.attachments.count()))
    privacy = _("Rahasia") if complaint.is_confidential else _("Terbuka")
    if complaint.is_anonymous:
        privacy += ", " + _("anonim")
    doc.row(_("Sifat"), privacy)
    if complaint.missing_elements:
        doc.row(_("Belum lengkap"), element_labels(complaint.missing_elements))
    doc.space(3)
    doc.text(
        _("Pantau tindak lanjut pengaduan Anda dengan kode lacak di: %(url)s") % {"url": track_url},
        size=9,
        height=5,
    )
    doc.text(_("Simpan kode lacak ini; petugas tidak akan memintanya."), size=9, height=5)
    return doc.output()
