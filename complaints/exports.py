"""Register exports: the rows of the register as a viewer may see them, written as CSV, XLSX
(XlsxWriter, streamed in constant memory) or the printable complaint book (buku pengaduan) of
a period as a PDF through the platform's one PDF engine (`aduan.pdf.Document`).

A file at rest holds identities (UU 27/2022): it is stored sealed (`seal_export`) under a data
key of its own, wrapped by the tenant's key and kept in the file's header (aduan.envelope), and
opened only for a download the caller was allowed (`open_export`).

No rules about who may export live here: the action (complaints.actions.exports) decides; this
module only turns the rows it is given into a file, calling `progress(done)` as it goes."""

from __future__ import annotations

import csv
import io
import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import xlsxwriter
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _

from aduan import envelope
from aduan.pdf import Document
from complaints.models import Complaint, SopVersion
from complaints.presenters import channel_label, format_local, state_label
from complaints.public.models import Export, ExportKind, ExportStatus
from complaints.selectors import IDENTITY_ROLES, Viewer, not_found
from tenants.models import Tenant

EXTENSIONS = {ExportKind.CSV: "csv", ExportKind.XLSX: "xlsx", ExportKind.BOOK: "pdf"}
CONTENT_TYPES = {
    ExportKind.CSV: "text/csv; charset=utf-8",
    ExportKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportKind.BOOK: "application/pdf",
}
# A stored export file: FILE_MAGIC, the wrapped data key's length and the key, then AES-GCM.
FILE_MAGIC = b"ADUAN-SEALED-EXPORT-1\n"
# Progress is written every this many rows (one UPDATE of the export's row each time).
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Columns:
    """The export's columns for one viewer: identity only for roles that may see it."""

    identity: bool

    def headers(self) -> list[str]:
        headers = [
            _("Nomor"), _("Diterima"), _("Kanal"), _("Pokok pengaduan"), _("Uraian"),
            _("Lokasi"), _("Kategori"), _("Urgensi"), _("Tahap"), _("Kode lacak"),
        ]  # fmt: skip
        if self.identity:
            headers += [_("Nama"), _("Telepon"), _("Surel"), _("Alamat")]
        return headers


def columns_for(viewer: Viewer) -> Columns:
    return Columns(identity=bool(viewer.roles & IDENTITY_ROLES))


def row_of(complaint: Complaint, columns: Columns, viewer: Viewer, tenant: Tenant) -> list[str]:
    row = [
        complaint.number,
        format_local(complaint.created_at, tenant),
        channel_label(complaint.channel),
        complaint.subject,
        complaint.description,
        complaint.incident_place,
        complaint.category,
        complaint.get_urgency_display() if complaint.urgency else "",
        state_label(complaint),
        complaint.tracking_code,
    ]
    if columns.identity:
        if viewer.sees_identity(complaint):
            row += [complaint.name, complaint.phone, complaint.email, complaint.address]
        else:
            row += [_("(anonim)"), "", "", ""]
    return row


def rows(
    complaints: QuerySet[Complaint], columns: Columns, viewer: Viewer, tenant: Tenant
) -> Iterator[list[str]]:
    # A tenant has a few SOP versions: read once, not once a row (the state's label needs it).
    versions = {version.pk: version for version in SopVersion.objects.all()}
    for complaint in complaints.iterator(chunk_size=1000):
        if complaint.sop_version_id in versions:
            complaint.sop_version = versions[complaint.sop_version_id]
        yield row_of(complaint, columns, viewer, tenant)


def _counted(items: Iterable[list[str]], progress: Callable[[int], None]) -> Iterator[list[str]]:
    done = 0
    for item in items:
        yield item
        done += 1
        if done % PROGRESS_EVERY == 0:
            progress(done)
    progress(done)


def write_csv(
    headers: list[str], items: Iterable[list[str]], progress: Callable[[int], None]
) -> bytes:
    # UTF-8 with a BOM, so a spreadsheet opened by double click reads Indonesian names right.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for item in _counted(items, progress):
        writer.writerow([_safe_cell(value) for value in item])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection): "=1+1" stays text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_xlsx(
    headers: list[str], items: Iterable[list[str]], progress: Callable[[int], None]
) -> bytes:
    buffer = io.BytesIO()
    # constant_memory: rows are flushed as written; strings_to_formulas off: text stays text.
    book = xlsxwriter.Workbook(
        buffer, {"constant_memory": True, "strings_to_formulas": False, "in_memory": True}
    )
    sheet = book.add_worksheet(_("Register")[:31])
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    for number, item in enumerate(_counted(items, progress), start=1):
        sheet.write_row(number, 0, item)
    book.close()
    return buffer.getvalue()


def write_book(
    tenant: Tenant,
    period: str,
    headers: list[str],
    items: Iterable[list[str]],
    progress: Callable[[int], None],
) -> bytes:
    """The printable complaint book (buku pengaduan) of a period: the tenant, the period and
    one table row a complaint, its header repeated on every page."""
    doc = Document(title=f"{_('Buku pengaduan')} {tenant.name} {period}")
    doc.text(tenant.name, size=12, bold=True)
    doc.heading(_("BUKU PENGADUAN"))
    doc.text(period, size=10)
    doc.space()
    # The book keeps the register's columns a page can hold: number, date, subject, state
    # (and the complainant for roles that may see it).
    keep = [0, 1, 3, 8] + ([10] if len(headers) > 10 else [])
    widths = [34.0, 30.0, 80.0, 42.0] if len(keep) == 4 else [32.0, 26.0, 66.0, 30.0, 32.0]
    table = [[item[i] for i in keep] for item in _counted(items, progress)]
    doc.table([headers[i] for i in keep], table, widths=widths, size=7)
    return doc.output()


def file_name(export: Export) -> str:
    """The name a download is saved under, e.g. register-desa-babakan-12.xlsx."""
    stem = "buku-pengaduan" if export.kind == ExportKind.BOOK else "register"
    return f"{stem}-{export.tenant.slug}-{export.pk}.{EXTENSIONS[ExportKind(export.kind)]}"


def _context(export: Export) -> bytes:
    # Bound to its tenant and export: a file swapped for another's does not open.
    return f"export:{export.tenant.schema_name}:{export.pk}".encode()


def seal_export(export: Export, content: bytes) -> bytes:
    """The export's file as it is stored: sealed under a fresh data key, wrapped by the
    tenant's key (so a tenant key rotation keeps it readable, and a dump reads nothing)."""
    key = envelope.new_data_key()
    wrapped = envelope.wrap_data_key(key, export.tenant.schema_name)
    sealed = envelope.seal(key, content, _context(export))
    return FILE_MAGIC + struct.pack(">H", len(wrapped)) + wrapped + sealed


def open_export(export: Export) -> bytes:
    """The plain bytes of a finished export's stored file (one written before sealing, too)."""
    with default_storage.open(export.file, "rb") as handle:
        stored = bytes(handle.read())
    if not stored.startswith(FILE_MAGIC):
        return stored
    rest = stored[len(FILE_MAGIC) :]
    (length,) = struct.unpack(">H", rest[:2])
    key = envelope.unwrap_data_key(rest[2 : 2 + length], export.tenant.schema_name)
    return envelope.unseal(key, rest[2 + length :], _context(export))


def file_response(export: Export) -> FileResponse:
    """The finished export's file as a download, opened; "not found" until it is written.
    The caller got `export` through complaints.access.access_export."""
    if export.status != ExportStatus.DONE or not export.file:
        raise not_found()
    return FileResponse(
        io.BytesIO(open_export(export)),
        as_attachment=True,
        filename=file_name(export),
        content_type=CONTENT_TYPES[ExportKind(export.kind)],
    )
