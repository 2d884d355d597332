"""Web pages of complaints: the public form, receipt and tracking page; the staff register,
complaint view and desk entry. Thin: parse, access, one action, render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints import selectors, sla
from complaints.actions import closing, merge
from complaints.actions.intake import do_file_complaint
from complaints.actions.replies import do_reply_to_complaint
from complaints.actions.workflow import complaint_sop
from complaints.actions.working import do_add_note, do_respond_to_complaint
from complaints.calendar import calendar_for
from complaints.forms import (
    ComplaintForm,
    DeskComplaintForm,
    MergeForm,
    RatingForm,
    ReasonForm,
    ReplyForm,
    TrackLookupForm,
    WorkForm,
    show_action_error,
)
from complaints.models import Attachment, Channel, Complaint
from complaints.presenters import (
    case_time,
    channel_label,
    describe,
    element_labels,
    event_files,
    format_local,
    public_actor,
    state_label,
)
from complaints.receipt import receipt_pdf
from complaints.selectors import DESK_ROLES, READ_ROLES, WORK_ROLES, Viewer
from complaints.throttling import intake_allowed
from tenants.access import public_page, tenant_role_required
from tenants.models import Tenant


def _by_code(code: str) -> Complaint:
    try:
        return selectors.complaint_by_tracking_code(code)
    except NotFoundError:
        raise Http404 from None


def _timeline(complaint: Complaint, tenant: Tenant, *, public: bool) -> list[dict[str, Any]]:
    return [
        {
            "at": format_local(event.at, tenant),
            "kind": event.kind,
            "kind_label": event.kind_label,
            "actor": public_actor(event) if public else (event.actor_label or "-"),
            "text": describe(event),
            "is_public": event.is_public,
            "files": [] if public else event_files(event),
        }
        for event in selectors.timeline(complaint, public_only=public)
    ]


@public_page
def file_complaint(request: HttpRequest) -> HttpResponse:
    """The public complaint form; the safe privacy choice (rahasia) is pre-selected."""
    form = ComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not intake_allowed(request):
            return render(request, "complaints/too_many.html", status=429)
        if form.is_valid():
            try:
                complaint = do_file_complaint(
                    tenant=request_tenant(request), channel=Channel.WEB, **form.intake_values()
                )
            except AduanError as error:
                show_action_error(form, error)
            else:
                return redirect("complaints:receipt", code=complaint.tracking_code)
    status = 400 if form.errors else 200
    return render(request, "complaints/file.html", {"form": form}, status=status)


def _receipt_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    tenant = request_tenant(request)
    track_path = reverse("complaints:track", kwargs={"code": complaint.tracking_code})
    return {
        "complaint": complaint,
        "received_at": format_local(complaint.created_at, tenant),
        "channel": channel_label(complaint.channel),
        "missing": _missing_labels(complaint),
        "attachments": complaint.attachments.count(),
        "track_url": request.build_absolute_uri(track_path),
        "track_path": track_path,
        "show_name": bool(complaint.name) and not (complaint.is_anonymous or complaint.is_wbs),
    }


def _missing_labels(complaint: Complaint) -> list[str]:
    return [element_labels([key]) for key in complaint.missing_elements]


@public_page
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt (tanda terima) on screen, right after filing."""
    complaint = _by_code(code)
    return render(request, "complaints/receipt.html", _receipt_context(request, complaint))


@public_page
def receipt_as_pdf(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _by_code(code)
    context = _receipt_context(request, complaint)
    body = receipt_pdf(complaint, request_tenant(request), track_url=context["track_url"])
    response = HttpResponse(body, content_type="application/pdf")
    filename = "tanda-terima-" + complaint.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public_page
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        code = selectors.normalize_tracking_code(form.cleaned_data["code"])
        if code:
            return redirect("complaints:track", code=code)
    return render(request, "complaints/track_lookup.html", {"form": form})


@public_page
def track(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen's view by tracking code: public entries, the current step, a reply box,
    and after closing the rating and reopen forms. Never an internal note, never who the
    complainant is."""
    complaint = _by_code(code)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not intake_allowed(request):
            return render(request, "complaints/too_many.html", status=429)
        if form.is_valid():
            try:
                do_reply_to_complaint(complaint=complaint, **form.cleaned_data)
            except AduanError as error:
                show_action_error(form, error)
            else:
                return redirect("complaints:track", code=complaint.tracking_code)
    return _track_page(request, complaint, form=form)


def _track_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    form: ReplyForm | None = None,
    rating_form: RatingForm | None = None,
    reopen_form: ReasonForm | None = None,
) -> HttpResponse:
    tenant = request_tenant(request)
    # A duplicate merged into another complaint follows that one's step and due date (its
    # number only: the other complaint's tracking code and texts are another citizen's).
    followed = complaint.merged_into or complaint
    context = {
        "complaint": complaint,
        "merged_into": complaint.merged_into,
        "state": state_label(followed),
        "received_at": format_local(complaint.created_at, tenant),
        "events": _timeline(complaint, tenant, public=True),
        "due": sla.explain_due(followed),
        "case": case_time(followed, calendar_for(tenant)),
        "missing": set(complaint.missing_elements),
        "form": form or ReplyForm(),
        "can_rate": closing.can_rate(complaint),
        "rating_form": rating_form or RatingForm(),
        "can_reopen": closing.can_reopen(complaint),
        "reopen_until": _reopen_until(complaint, tenant),
        "reopen_form": reopen_form or ReasonForm(),
    }
    failed = any(f is not None and f.errors for f in (form, rating_form, reopen_form))
    return render(request, "complaints/track.html", context, status=400 if failed else 200)


def _reopen_until(complaint: Complaint, tenant: Tenant) -> str:
    deadline = closing.reopen_deadline(complaint)
    return format_local(deadline, tenant) if deadline else ""


@public_page
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    """The complainant rates their closed complaint (1-5, once) from the tracking page."""
    complaint = _by_code(code)
    if request.method != "POST":
        return redirect("complaints:track", code=complaint.tracking_code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            closing.do_rate_complaint(complaint=complaint, **form.cleaned_data)
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:track", code=complaint.tracking_code)
    return _track_page(request, complaint, rating_form=form)


@public_page
def track_reopen(request: HttpRequest, code: str) -> HttpResponse:
    """The complainant reopens their closed complaint (within the SOP's days) with a reason."""
    complaint = _by_code(code)
    if request.method != "POST":
        return redirect("complaints:track", code=complaint.tracking_code)
    if not intake_allowed(request):
        return render(request, "complaints/too_many.html", status=429)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            closing.do_reopen_complaint(complaint=complaint, reason=form.cleaned_data["reason"])
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:track", code=complaint.tracking_code)
    return _track_page(request, complaint, reopen_form=form)


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
        "reopen_until": _reopen_until(complaint, tenant),
        "form": form,
    }
    return render(request, "complaints/reopen.html", context, status=400 if form.errors else 200)


@tenant_role_required(*READ_ROLES)
def register(request: HttpRequest) -> HttpResponse:
    """The register (buku pengaduan): filter, search, sort, paginate."""
    tenant = request_tenant(request)
    viewer = Viewer.of(request.user, tenant)
    params = request.GET
    year = params.get("year", "")
    filters = {
        "state": params.get("state", ""),
        "channel": params.get("channel", ""),
        "year": int(year) if year.isdigit() else None,
        "query": params.get("q", ""),
        "sort": params.get("sort", "-number"),
    }
    complaints = selectors.register(viewer, **filters)  # type: ignore[arg-type]
    page = Paginator(complaints, selectors.PAGE_SIZE).get_page(params.get("page"))
    calendar = calendar_for(tenant)
    rows = [
        {
            "complaint": c,
            "case": case_time(c, calendar),
            "state": state_label(c),
            "channel": channel_label(c.channel),
            "name": c.name if viewer.sees_identity(c) else _("(anonim)"),
            "received_at": format_local(c.created_at, tenant),
        }
        for c in page.object_list
    ]
    query = params.copy()
    query.pop("page", None)
    context = {
        "rows": rows,
        "page": page,
        "filters": filters,
        "channels": Channel.choices,
        "years": selectors.register_years(viewer),
        "sorts": [
            ("-number", _("Terbaru")),
            ("number", _("Terlama")),
            ("state", _("Tahap")),
            ("subject", _("Pokok pengaduan")),
        ],
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
    context = {
        "complaint": complaint,
        "state": state_label(complaint),
        "channel": channel_label(complaint.channel),
        "received_at": format_local(complaint.created_at, tenant),
        "sees_identity": viewer.sees_identity(complaint),
        "missing": _missing_labels(complaint),
        "attachments": list(complaint.attachments.all()),
        "events": _timeline(complaint, tenant, public=False),
        "due": sla.explain_due(complaint, calendar=calendar),
        "case": case_time(complaint, calendar),
        "case_limit": complaint_sop(complaint).case_limit,
        "form": form,
        "can_work": viewer.can_work,
        "lapor": selectors.lapor_link(complaint),
        "can_reopen": bool(viewer.roles & closing.REOPEN_ROLES) and closing.can_reopen(complaint),
        "can_merge": bool(viewer.roles & merge.MERGE_ROLES) and complaint.merged_into_id is None,
        # Duplicates merged into this one: their timelines and files are read from here.
        "duplicates": [
            {
                "complaint": duplicate,
                "events": _timeline(duplicate, tenant, public=False),
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
    return FileResponse(
        found.file.open("rb"),
        content_type=found.content_type,
        filename=f"{complaint.register_seq:04d}-{found.pk}.{extension}",
    )


@tenant_role_required(*DESK_ROLES)
def desk_entry(request: HttpRequest) -> HttpResponse:
    """Staff record a complaint received face to face, from the box or by phone."""
    form = DeskComplaintForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = form.intake_values()
        try:
            complaint = do_file_complaint(
                tenant=request_tenant(request), actor=request.user, **values
            )
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:receipt", code=complaint.tracking_code)
    status = 400 if form.errors else 200
    return render(request, "complaints/desk.html", {"form": form}, status=status)


@tenant_role_required(*merge.MERGE_ROLES)
def merge_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """Staff merge this complaint (a duplicate) into another one of the register."""
    viewer = Viewer.of(request.user, request_tenant(request))
    try:
        complaint = selectors.access_complaint(viewer, complaint_id)
    except NotFoundError:
        raise Http404 from None
    form = MergeForm(request.POST or None)
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
