"""Web pages of complaints: the public form, receipt and tracking page; the staff register,
complaint view and desk entry. Thin: parse, access, one action, render."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints import selectors, sla
from complaints.access import CORRECT_ROLES, FORWARD_ROLES
from complaints.actions import closing, merge, privacy
from complaints.actions.access_log import do_record_complaint_view
from complaints.actions.workflow import complaint_sop
from complaints.actions.working import do_add_note, do_respond_to_complaint
from complaints.attachments import file_response
from complaints.calendar import calendar_for, tenant_zone
from complaints.forms import (
    MergeForm,
    ReasonForm,
    RegisterFilterForm,
    WorkForm,
    show_action_error,
)
from complaints.models import Attachment
from complaints.presenters import (
    case_time,
    channel_label,
    complaint_sop_or_none,
    format_local,
    missing_labels,
    state_label,
    suggestion_of,
    summary,
    timeline_rows,
)
from complaints.selectors import DESK_ROLES, READ_ROLES, WORK_ROLES, Viewer
from complaints.views.tracking import reopen_until
from tenants.access import tenant_role_required


@tenant_role_required(*closing.REOPEN_ROLES)
def reopen_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Staff reopen a closed complaint, with a reason."""
    tenant = request_tenant(request)
    viewer = Viewer.of(request.user, tenant)
    try:
        complaint = selectors.access_complaint(viewer, complaint_id)
    except NotFoundError:
        raise Http404 from None
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closing.do_reopen_complaint(
                complaint=complaint, reason=form.cleaned_data["reason"], actor=request.user
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:detail", complaint_id=complaint.pk)
    context = {
        "complaint": complaint,
        "state": state_label(complaint),
        "can_reopen": closing.can_reopen(complaint),
        "reopen_until": reopen_until(complaint, tenant),
        "form": form,
    }
    return render(request, "complaints/reopen.html", context, status=400 if form.errors else 200)


@tenant_role_required(*READ_ROLES)
def register(request: HttpRequest) -> HttpResponse:
    """The register (buku pengaduan): filter, search, sort, paginate."""
    tenant = request_tenant(request)
    viewer = Viewer.of(request.user, tenant)
    params = request.GET
    form = RegisterFilterForm(params, **selectors.register_filter_choices(tenant))
    form.is_valid()  # an invalid filter shows its error; the others still apply
    filters = form.query()
    complaints = selectors.register(viewer, zone=tenant_zone(tenant), **filters)
    pages = selectors.RegisterPaginator(complaints, searched=bool(filters.get("query")))
    page = pages.get_page(params.get("page"))
    calendar = calendar_for(tenant)
    category_names = dict(form.fields["category"].choices)  # type: ignore[attr-defined]
    rows = [
        {
            "complaint": c,
            "case": case_time(c, calendar),
            "state": state_label(c),
            "channel": channel_label(c.channel),
            "name": c.name if viewer.sees_identity(c) else _("(anonim)"),
            "received_at": format_local(c.created_at, tenant),
            "urgency": c.get_urgency_display() if c.urgency else "",
            "category": category_names.get(c.category, c.category),
        }
        for c in page.object_list
    ]
    query = params.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "page": page,
        "form": form,
        "query_string": query.urlencode(),
        "can_desk": bool(viewer.roles & DESK_ROLES),
    }
    return render(request, "complaints/register.html", context)


@tenant_role_required(*WORK_ROLES, read=READ_ROLES)
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """The complaint with its whole timeline; staff add internal notes and public responses."""
    tenant = request_tenant(request)
    viewer = Viewer.of(request.user, tenant)
    try:
        complaint = selectors.access_complaint(viewer, complaint_id)
    except NotFoundError:
        raise Http404 from None
    calendar = calendar_for(tenant)
    form = WorkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        write = do_add_note if form.cleaned_data["kind"] == "note" else do_respond_to_complaint
        try:
            write(
                complaint=complaint,
                message=form.cleaned_data["message"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except AduanError as error:
            form.add_error("message", error.message)
        else:
            return redirect("complaints:detail", complaint_id=complaint.pk)
    do_record_complaint_view(viewer=viewer, complaint=complaint)
    context = {
        "complaint": complaint,
        "state": state_label(complaint),
        "channel": channel_label(complaint.channel),
        "received_at": format_local(complaint.created_at, tenant),
        "sees_identity": viewer.sees_identity(complaint),
        "missing": missing_labels(complaint),
        "summary": summary(complaint, complaint_sop_or_none(complaint)),
        "suggestion": suggestion_of(selectors.route_suggestion(complaint)),
        "can_route": bool(viewer.roles & set(FORWARD_ROLES)),
        "attachments": list(complaint.attachments.all()),
        "events": timeline_rows(complaint, tenant, public=False),
        "due": sla.explain_due(complaint, calendar=calendar),
        "case": case_time(complaint, calendar),
        "case_limit": complaint_sop(complaint).case_limit,
        "form": form,
        "can_work": viewer.can_work,
        "can_correct": bool(viewer.roles & CORRECT_ROLES),
        "lapor": selectors.lapor_link(complaint),
        "berita_acara": selectors.latest_review(complaint) is not None,
        "can_reopen": bool(viewer.roles & closing.REOPEN_ROLES) and closing.can_reopen(complaint),
        "can_merge": bool(viewer.roles & merge.MERGE_ROLES) and complaint.merged_into_id is None,
        # Likely duplicates across the regency's doors (holder and tracking code only).
        "likely_duplicates": selectors.likely_duplicates(tenant, complaint),
        # Duplicates merged into this one: their timelines and files are read from here.
        "duplicates": [
            {
                "complaint": duplicate,
                "events": timeline_rows(duplicate, tenant, public=False),
                "attachments": list(duplicate.attachments.all()),
            }
            for duplicate in selectors.merged_duplicates(complaint)
        ],
    }
    return render(request, "complaints/complaint.html", context, status=400 if form.errors else 200)


@tenant_role_required(*READ_ROLES)
def attachment(request: HttpRequest, complaint_id: int, attachment_id: int) -> FileResponse:
    viewer = Viewer.of(request.user, request_tenant(request))
    try:
        complaint = selectors.access_complaint(viewer, complaint_id)
    except NotFoundError:
        raise Http404 from None
    # A duplicate's files are read from the complaint it was merged into.
    found = (
        Attachment.objects.filter(pk=attachment_id)
        .filter(Q(complaint=complaint) | Q(complaint__merged_into=complaint))
        .first()
    )
    if found is None:
        raise Http404
    extension = str(found.file.name).rsplit(".", 1)[-1]
    # A WBS report's file is sealed; access_complaint let only its WBS officers this far.
    return file_response(
        found, found.complaint, f"{complaint.register_seq:04d}-{found.pk}.{extension}"
    )


@tenant_role_required(*merge.MERGE_ROLES)
def merge_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Staff merge this complaint (a duplicate) into another one of the register."""
    viewer = Viewer.of(request.user, request_tenant(request))
    try:
        complaint = selectors.access_complaint(viewer, complaint_id)
    except NotFoundError:
        raise Http404 from None
    # A likely duplicate's "merge" link names the complaint to merge into.
    form = MergeForm(request.POST or None, initial={"into": request.GET.get("into", "")})
    if request.method == "POST" and form.is_valid():
        try:
            into = merge.merge_target(viewer, form.cleaned_data["into"])
            merge.do_merge_complaints(
                duplicate=complaint,
                into=into,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:detail", complaint_id=into.pk)
    context = {"complaint": complaint, "state": state_label(complaint), "form": form}
    return render(request, "complaints/merge.html", context, status=400 if form.errors else 200)


class ErasureDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=gettext_lazy("Keputusan"),
        choices=[("1", gettext_lazy("Setujui: anonimkan identitas")), ("0", gettext_lazy("Tolak"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Alasan"), max_length=2000, required=False, widget=forms.Textarea
    )


@tenant_role_required(*WORK_ROLES)
def erasure_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Staff decide a data subject's erasure request (UU 27/2022), always with a reason."""
    viewer = Viewer.of(request.user, request_tenant(request))
    try:
        complaint = selectors.access_complaint(viewer, complaint_id)
    except NotFoundError:
        raise Http404 from None
    form = ErasureDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.do_decide_erasure(
                complaint=complaint,
                approve=form.cleaned_data["approve"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:detail", complaint_id=complaint.pk)
    context = {"complaint": complaint, "form": form}
    return render(request, "complaints/erasure.html", context, status=400 if form.errors else 200)
