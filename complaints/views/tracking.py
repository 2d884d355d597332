"""Web pages of complaints: the public form, receipt and tracking page; the staff register,
complaint view and desk entry. Thin: parse, access, one action, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from aduan.errors import AduanError, NotFoundError
from aduan.ratelimit import Scope, limited_page
from aduan.tenancy import request_tenant
from complaints import selectors, sla
from complaints.actions import closing
from complaints.actions.replies import do_reply_to_complaint
from complaints.attachments import file_response
from complaints.calendar import calendar_for
from complaints.forms import (
    RatingForm,
    ReasonForm,
    ReplyForm,
    TrackLookupForm,
    show_action_error,
)
from complaints.forwarding import in_schema, platform_track
from complaints.models import Complaint
from complaints.presenters import (
    case_time,
    format_local,
    state_label,
    timeline_rows,
)
from complaints.redaction import public_files, public_text
from tenants.access import public_page
from tenants.models import Tenant
from tenants.selectors import tenant_url


def complaint_by_code_or_404(code: str) -> Complaint:
    try:
        return selectors.complaint_by_tracking_code(code)
    except NotFoundError:
        raise Http404 from None


@public_page
@limited_page(Scope.LOOKUP, methods=())
def track_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        code = selectors.normalize_tracking_code(form.cleaned_data["code"])
        if code:
            return redirect("complaints:track", code=code)
    return render(request, "complaints/track_lookup.html", {"form": form})


@public_page
@limited_page(Scope.LOOKUP, methods=("GET", "HEAD"))
@limited_page(Scope.INTAKE)
def track(request: HttpRequest, code: str) -> HttpResponse:
    """The citizen's view by tracking code: public entries, the current step, a reply box,
    and after closing the rating and reopen forms. Never an internal note, never who the
    complainant is."""
    complaint = complaint_by_code_or_404(code)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_reply_to_complaint(complaint=complaint, **form.cleaned_data)
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:track", code=complaint.tracking_code)
    return _track_page(request, complaint, form=form)


def track_details(complaint: Complaint, tenant: Tenant) -> dict[str, Any]:
    """What the holder's tracking page and the platform's show alike; read with the connection
    in the holder's schema."""
    # A duplicate merged into another complaint follows that one's step and due date (its
    # number only: the other complaint's tracking code and texts are another citizen's).
    followed = complaint.merged_into or complaint
    return {
        "complaint": complaint,
        # The public view: redacted text (complaints.redaction), response files.
        "subject": public_text(complaint, "subject"),
        "files": list(public_files(complaint)),
        "merged_into": complaint.merged_into,
        "state": state_label(followed),
        "received_at": format_local(complaint.created_at, tenant),
        "events": timeline_rows(complaint, tenant, public=True),
        "due": sla.explain_due(followed),
        "case": case_time(followed, calendar_for(tenant)),
        "missing": set(complaint.missing_elements),
    }


def _track_page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    form: ReplyForm | None = None,
    rating_form: RatingForm | None = None,
    reopen_form: ReasonForm | None = None,
) -> HttpResponse:
    tenant = request_tenant(request)
    context = {
        **track_details(complaint, tenant),
        "form": form or ReplyForm(),
        "can_rate": closing.can_rate(complaint),
        "rating_form": rating_form or RatingForm(),
        "can_reopen": closing.can_reopen(complaint),
        "reopen_until": reopen_until(complaint, tenant),
        "reopen_form": reopen_form or ReasonForm(),
    }
    failed = any(f is not None and f.errors for f in (form, rating_form, reopen_form))
    return render(request, "complaints/track.html", context, status=400 if failed else 200)


@public_page
@limited_page(Scope.LOOKUP, methods=())
def track_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    """A file of a public response (an answer letter, a photo of the repair), for whoever holds
    the tracking code; never a citizen's own attachment, never a redacted one."""
    complaint = complaint_by_code_or_404(code)
    found = public_files(complaint).filter(pk=file_id).first()
    if found is None:
        raise Http404
    extension = str(found.file.name).rsplit(".", 1)[-1]
    return file_response(
        found, complaint, f"{complaint.number.replace('/', '-')}-{found.pk}.{extension}"
    )


def reopen_until(complaint: Complaint, tenant: Tenant) -> str:
    deadline = closing.reopen_deadline(complaint)
    return format_local(deadline, tenant) if deadline else ""


@public_page
@limited_page(Scope.INTAKE)
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    """The complainant rates their closed complaint (1-5, once) from the tracking page."""
    complaint = complaint_by_code_or_404(code)
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
@limited_page(Scope.INTAKE)
def track_reopen(request: HttpRequest, code: str) -> HttpResponse:
    """The complainant reopens their closed complaint (within the SOP's days) with a reason."""
    complaint = complaint_by_code_or_404(code)
    if request.method != "POST":
        return redirect("complaints:track", code=complaint.tracking_code)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            closing.do_reopen_complaint(complaint=complaint, reason=form.cleaned_data["reason"])
        except AduanError as error:
            show_action_error(form, error)
        else:
            return redirect("complaints:track", code=complaint.tracking_code)
    return _track_page(request, complaint, reopen_form=form)


@public_page
@limited_page(Scope.LOOKUP, methods=())
def platform_track_page(request: HttpRequest) -> HttpResponse:
    """The platform's tracking page: what the holder's own page shows (step, due dates and
    why, public timeline), wherever the complaint is now, with its journey across forwards;
    replying, rating and reopening happen on the holder's page it links to."""
    code = request.GET.get("kode", "").strip()
    found = platform_track(code) if code else None
    context: dict[str, Any] = {"code": code, "found": found}
    status = 404 if code and not found else 200
    holder = found["holder_tenant"] if found else None
    if holder is None:
        return render(request, "tenants/routing/track.html", context, status=status)
    with in_schema(holder):
        complaint = (
            Complaint.objects.select_related("merged_into")
            .filter(tracking_code=found["tracking_code"])  # type: ignore[index]
            .first()
        )
        if complaint is not None:
            context |= track_details(complaint, holder)
            context["holder_track_url"] = tenant_url(holder) + reverse(
                "complaints:track",
                urlconf=settings.ROOT_URLCONF,
                kwargs={"code": complaint.tracking_code},
            ).lstrip("/")
        # Rendered here: the details read the holder's tables.
        return render(request, "tenants/routing/track.html", context, status=status)
