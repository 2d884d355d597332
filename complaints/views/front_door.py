"""No wrong door, the pages and API outside one complaint's holder that act on complaints
(so they live with complaints: routing never imports complaints):

- the platform's front door: file without knowing who is responsible (routes first);
- the tracking page: a tracking code finds its complaint wherever it is now, and its journey;
- the regency admin's triage queue (on the regency government's host).

The authority directory and the category catalogue are routing's own (routing.views,
routing.api).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django_tenants.utils import get_public_schema_name

from aduan.errors import AduanError
from aduan.ratelimit import (
    RateLimitedError,
    Scope,
    check_request,
    limited_page,
    too_many_page,
)
from complaints.actions.doors import do_send_front_door_phone_code
from complaints.api.front_door import file_at_front_door
from complaints.forms import FrontDoorForm, show_action_error
from complaints.forwarding import holder_of, in_schema
from complaints.models import Complaint
from complaints.selectors import normalize_tracking_code
from complaints.views.doors import SEND_CODE
from complaints.views.intake import receipt_context, receipt_pdf_response, remember_filer
from routing import selectors
from routing.models import Boundary
from tenants.access import public_page
from tenants.models import Tenant
from tenants.selectors import place_label, search_places


@public_page
def front_door_page(request: HttpRequest) -> HttpResponse:
    """File without knowing who is responsible. The place is found by name with the "Cari"
    button (a round trip, no script needed; what was typed and chosen stays): a search counts
    as a look-up, not as a filing, against the limiter."""
    if request.method == "POST":
        try:
            check_request(request, Scope.LOOKUP if "cari" in request.POST else Scope.INTAKE)
        except RateLimitedError as refused:
            return too_many_page(request, refused.retry_after)
    categories = [(c.key, f"{c.topic}: {c.name}") for c in selectors.categories()]
    posted = request.method == "POST"
    form = FrontDoorForm(
        request.POST if posted else None, request.FILES if posted else None, categories=categories
    )
    searching = posted and "cari" in request.POST
    sending_code = posted and SEND_CODE in request.POST
    if sending_code:
        # The phone's code, asked for after the routed body wanted one: the form comes back.
        form.is_valid()
        try:
            do_send_front_door_phone_code(
                phone=str(request.POST.get("phone", "")),
                channel=str(request.POST.get(SEND_CODE) or "sms"),
            )
        except AduanError as problem:
            show_action_error(form, problem)
        else:
            form.code_sent = True  # type: ignore[attr-defined]
    elif posted and not searching and form.is_valid():
        try:
            result = file_at_front_door(form.intake_values(), form.attachments_with_held())
        except AduanError as problem:
            if problem.extra.get("field") in ("regency_code", "village_code"):
                form.add_error("place", problem.message)
            else:
                show_action_error(form, problem)
        else:
            form.release_held()
            filed = render(request, "tenants/routing/filed.html", {"result": result})
            # Only this browser sees the name on the receipt (the code alone never shows it).
            return remember_filer(filed, result.tracking_code) if result.holder else filed
    if posted:
        form.hold_files()
        form.confirm_phone = sending_code or "phone_code" in form.errors or bool(
            form.data.get("phone_code")
        )
    query = str(form.data.get("place_query", "")) if posted else ""
    chosen = str(form.data.get("place", "")) if posted else ""
    context = {
        "form": form,
        "searched": bool(query) and searching,
        "places": search_places(query) if query else [],
        "chosen": chosen,
        "chosen_label": place_label(chosen) if chosen else "",
        "can_locate": Boundary.objects.exists(),
        "send_code": SEND_CODE,
    }
    return render(
        request, "tenants/routing/front_door.html", context, status=400 if form.errors else 200
    )


def _held_complaint(code: str) -> tuple[Tenant, Complaint]:
    """The complaint of a tracking code wherever it is now, with its holder; Http404 when
    none (or when it was kept for SP4N-LAPOR!, with no register and no receipt)."""
    normalized = normalize_tracking_code(code)
    holder = holder_of(normalized) if normalized else None
    if holder is None or holder.schema_name == get_public_schema_name():
        raise Http404
    with in_schema(holder):
        complaint = Complaint.objects.filter(tracking_code=normalized).first()
    if complaint is None:
        raise Http404
    return holder, complaint


def _platform_receipt_context(
    request: HttpRequest, code: str
) -> tuple[Tenant, Complaint, dict[str, Any]]:
    holder, complaint = _held_complaint(code)
    track_path = reverse("track") + "?" + urlencode({"kode": complaint.tracking_code})
    pdf_path = reverse("front-door-receipt-pdf", kwargs={"code": complaint.tracking_code})
    with in_schema(holder):
        context = receipt_context(
            request, complaint, holder, track_path=track_path, pdf_path=pdf_path
        )
    context["holder"] = holder
    return holder, complaint, context


@public_page
@limited_page(Scope.LOOKUP, methods=())
def front_door_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt (tanda terima) of a complaint filed at the front door, on the platform's
    host, from its holder's register."""
    _, _, context = _platform_receipt_context(request, code)
    return render(request, "complaints/receipt.html", context)


@public_page
@limited_page(Scope.LOOKUP, methods=())
def front_door_receipt_pdf(request: HttpRequest, code: str) -> HttpResponse:
    holder, complaint, context = _platform_receipt_context(request, code)
    with in_schema(holder):
        return receipt_pdf_response(complaint, holder, context)
