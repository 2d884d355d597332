"""Register exports (CSV, XLSX) and the printable complaint book (buku pengaduan, PDF): the
only writers of `complaints.public.models.Export`.

`do_request_export` checks who asks and what (the register's filters, re-validated), records
the request and either writes the file at once (up to `INLINE_LIMIT` rows) or, for more,
leaves it to the job `complaints.tasks.run_export`, which writes its progress on the export's
row as it goes (the exports page and `aduan export` show it). WBS reports are never exported,
whoever asks; identities only for roles that may see them (complaints.exports.columns_for).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from aduan.jobs import enqueue_on_commit
from complaints import exports, selectors
from complaints.actions.access_log import do_record_access
from complaints.calendar import tenant_zone
from complaints.errors import ComplaintErrorCode
from complaints.forms import RegisterFilterForm, form_error
from complaints.models import AccessKind, Complaint
from complaints.public.models import Export, ExportKind, ExportStatus
from complaints.selectors import Viewer
from tenants.models import Tenant, User
from tenants.permissions import AnyUser

logger = logging.getLogger(__name__)

# "More than a few thousand rows" runs as a job; fewer are written in the request.
INLINE_LIMIT = 2000
# The register's filters an export keeps (the same names as the register's URL).
FILTER_NAMES = (
    "q", "state", "category", "urgency", "channel", "assignee", "year", "received_from",
    "received_to", "overdue", "sort",
)  # fmt: skip


def export_filters(params: Any) -> dict[str, str]:
    """The register's filters from a query string or a body, as strings (blank ones left)."""
    return {
        name: str(params.get(name)) for name in FILTER_NAMES if params.get(name) not in (None, "")
    }


def exported_complaints(
    viewer: Viewer, tenant: Tenant, filters: dict[str, str]
) -> QuerySet[Complaint]:
    """The register as this viewer may see it with these filters, never a WBS report."""
    form = RegisterFilterForm(filters, **selectors.register_filter_choices(tenant))
    if not form.is_valid():
        raise form_error(form)
    complaints = selectors.register(viewer, zone=tenant_zone(tenant), **form.query())
    return complaints.filter(is_wbs=False)


def do_request_export(
    *, tenant: Tenant, actor: AnyUser, kind: str, filters: dict[str, str]
) -> Export:
    """Ask for an export of the register; returns it done (small) or queued (large)."""
    viewer = Viewer.of(actor, tenant)
    if not viewer.can_read or not isinstance(actor, User):
        raise selectors.not_found()
    if kind not in ExportKind.values:
        raise AduanError(
            ComplaintErrorCode.INVALID_EXPORT,
            _("Format ekspor tidak dikenal."),
            {
                "field": "kind",
                "fields": {"kind": [_("Pilih CSV, XLSX atau buku pengaduan (PDF).")]},
            },
        )
    total = exported_complaints(viewer, tenant, filters).count()
    wanted = " ".join(f"{name}={value}" for name, value in filters.items())
    with transaction.atomic():
        export = Export.objects.create(
            tenant=tenant, requested_by=actor, kind=kind, filters=filters, total=total,
            created_at=timezone.now(),
        )  # fmt: skip
        # The access log records each export, in this transaction (UU 27/2022: who, why).
        do_record_access(
            kind=AccessKind.EXPORT,
            complaint=None,
            actor=actor,
            reason=f"{kind} #{export.pk}, {total}: {wanted}",
        )
        logger.info("export %s of %s rows asked by user %s", export.pk, total, actor.pk)
        if total > INLINE_LIMIT:
            enqueue_on_commit("run_export", tenant.schema_name, export.pk)
    if total <= INLINE_LIMIT:
        return do_run_export(export_id=export.pk)
    return export


def do_run_export(*, export_id: int, progress: Callable[[int, int], None] | None = None) -> Export:
    """Write the export's file (in the export's tenant schema, entered by the caller) and
    record its progress every few hundred rows. Idempotent: a finished export is left as is.
    The requester's roles are read again now: one who lost them gets a failed export."""
    export = Export.objects.select_related("tenant", "requested_by").get(pk=export_id)
    if export.status in (ExportStatus.DONE, ExportStatus.FAILED):
        return export
    tenant = export.tenant
    viewer = Viewer.of(export.requested_by, tenant)
    if not viewer.can_read:
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    try:
        complaints = exported_complaints(viewer, tenant, export.filters)
    except AduanError:
        Export.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    total = complaints.count()
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, total=total, done=0)

    def advance(done: int) -> None:
        # Its own statement, outside any transaction: the page and the CLI see it at once.
        Export.objects.filter(pk=export.pk).update(done=done)
        if progress is not None:
            progress(done, total)

    columns = exports.columns_for(viewer)
    rows = exports.rows(complaints, columns, viewer, tenant)
    headers = columns.headers()
    if export.kind == ExportKind.CSV:
        content = exports.write_csv(headers, rows, advance)
    elif export.kind == ExportKind.XLSX:
        content = exports.write_xlsx(headers, rows, advance)
    else:
        content = exports.write_book(tenant, book_period(export.filters), headers, rows, advance)
    name = default_storage.save(
        f"{tenant.schema_name}/exports/{secrets.token_urlsafe(16)}.{exports.EXTENSIONS[ExportKind(export.kind)]}",
        ContentFile(exports.seal_export(export, content)),
    )
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE, file=name, done=total, finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export


def book_period(filters: dict[str, str]) -> str:
    """The period the complaint book covers, as its title page says it."""
    start, end, year = filters.get("received_from"), filters.get("received_to"), filters.get("year")
    if start or end:
        return _("Periode %(start)s s.d. %(end)s") % {"start": start or "…", "end": end or "…"}
    if year:
        return _("Tahun %(year)s") % {"year": year}
    return _("Seluruh periode")
