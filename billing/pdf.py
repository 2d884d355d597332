"""The invoice as a PDF in Bahasa Indonesia, on the platform's one PDF engine (aduan.pdf)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aduan.pdf import Document
from billing.models import CreditNote, Invoice
from billing.money import rupiah


def invoice_pdf(invoice: Invoice) -> bytes:
    with override(settings.LANGUAGE_CODE):
        doc = Document(title=_("Faktur tagihan %(number)s") % {"number": invoice.number})
        doc.heading(_("FAKTUR TAGIHAN"))
        doc.text(_("Nomor: %(number)s") % {"number": invoice.number}, bold=True)
        doc.space()
        doc.row(_("Tanggal terbit"), timezone.localtime(invoice.issued_at).strftime("%d-%m-%Y"))
        doc.row(_("Periode"), invoice.period.strftime("%m-%Y"))
        doc.row(_("Jatuh tempo"), invoice.due_on.strftime("%d-%m-%Y"))
        doc.row(_("Kepada"), invoice.billed_name)
        doc.row(_("Alamat"), invoice.billed_address)
        doc.row(_("NPWP"), invoice.billed_npwp)
        doc.space()
        doc.table(
            (_("Uraian"), _("Hari"), _("Jumlah")),
            [
                (line.description, str(line.days), rupiah(line.amount))
                for line in invoice.lines.order_by("pk")
            ],
            widths=(doc.width * 0.62, doc.width * 0.1, doc.width * 0.28),
        )
        doc.space()
        doc.row(_("Subtotal"), rupiah(invoice.subtotal), label_width=50)
        doc.row(_("Dasar pengenaan pajak"), rupiah(invoice.tax_base), label_width=50)
        rate = f"{invoice.ppn_rate.normalize():f}".replace(".", ",")
        doc.row(_("PPN %(rate)s%%") % {"rate": rate}, rupiah(invoice.ppn), label_width=50)
        doc.row(_("Total"), rupiah(invoice.total), label_width=50)
        for note in invoice.credit_notes.order_by("pk"):
            doc.row(
                _("Nota kredit %(number)s") % {"number": note.number},
                rupiah(-note.amount),
                label_width=50,
            )
        doc.space()
        doc.text(
            _(
                "Bayar dengan transfer bank (unggah bukti di halaman tagihan) atau lewat Midtrans "
                "dengan nomor pesanan %(number)s."
            )
            % {"number": invoice.number},
            size=8,
        )
        return doc.output()


def credit_note_pdf(note: CreditNote) -> bytes:
    """The credit note (nota kredit) as a PDF in Bahasa Indonesia: the invoice it corrects,
    the amount and the reason."""
    invoice = note.invoice
    with override(settings.LANGUAGE_CODE):
        doc = Document(title=_("Nota kredit %(number)s") % {"number": note.number})
        doc.heading(_("NOTA KREDIT"))
        doc.text(_("Nomor: %(number)s") % {"number": note.number}, bold=True)
        doc.space()
        doc.row(_("Tanggal terbit"), timezone.localtime(note.issued_at).strftime("%d-%m-%Y"))
        doc.row(_("Atas faktur"), invoice.number)
        doc.row(_("Periode"), invoice.period.strftime("%m-%Y"))
        doc.row(_("Kepada"), invoice.billed_name)
        doc.row(_("Alamat"), invoice.billed_address)
        doc.row(_("NPWP"), invoice.billed_npwp)
        doc.space()
        doc.row(_("Total faktur"), rupiah(invoice.total), label_width=50)
        doc.row(_("Nilai nota kredit"), rupiah(note.amount), label_width=50)
        doc.row(_("Alasan"), note.reason, label_width=50)
        return doc.output()
