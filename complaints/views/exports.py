"""Register exports: the page to ask for one (the register's filters carried from its URL),
each export's progress bar, and the download once done (complaints.actions.exports)."""

from __future__ import annotations

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import access_export
from complaints.actions.exports import INLINE_LIMIT, do_request_export, export_filters
from complaints.exports import file_response
from complaints.forms import show_action_error
from complaints.public.models import Export, ExportStatus
from complaints.selectors import READ_ROLES
from tenants.access import tenant_role_required

LIST_SIZE = 20
# While an export runs, the page reloads itself this often (no script: a meta refresh).
REFRESH_SECONDS = 3


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("xlsx", _("Excel (XLSX)")),
            ("csv", _("CSV")),
            ("book", _("Buku pengaduan (PDF) untuk dicetak")),
        ],
    )


@tenant_role_required(*READ_ROLES)
def exports_page(request: HttpRequest) -> HttpResponse:
    """Ask for an export of the register as filtered (the filters come in the URL from the
    register's "Ekspor" link), and the user's exports with their progress and downloads."""
    tenant = request_tenant(request)
    source = request.POST if request.method == "POST" else request.GET
    filters = export_filters(source)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = do_request_export(
                tenant=tenant, actor=request.user, kind=form.cleaned_data["kind"], filters=filters
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect(f"{request.path}?export={export.pk}")
    mine = list(
        Export.objects.filter(tenant=tenant, requested_by_id=request.user.pk).select_related(
            "tenant"
        )[:LIST_SIZE]
    )
    running = any(e.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) for e in mine)
    context = {
        "form": form,
        "filters": sorted(filters.items()),
        "exports": mine,
        "refresh": REFRESH_SECONDS if running else None,
        "inline_limit": INLINE_LIMIT,
        "done": ExportStatus.DONE,
        "failed": ExportStatus.FAILED,
    }
    return render(request, "complaints/exports.html", context, status=400 if form.errors else 200)


@tenant_role_required(*READ_ROLES)
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    """The export's file, for the one who asked for it only."""
    try:
        export = access_export(request.user, request_tenant(request), export_id)
        return file_response(export)
    except NotFoundError:
        raise Http404 from None
