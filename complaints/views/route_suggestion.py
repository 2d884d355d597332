"""The page side of the router's proposal on a complaint filed at a village's own door: the
complaint page shows it (complaints.views.register); its two buttons post here."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import FORWARD_ROLES, access_held_complaint
from complaints.actions.route import do_follow_route_suggestion, do_keep_complaint
from tenants.access import tenant_role_required


@tenant_role_required(*FORWARD_ROLES)
@require_POST
def decide_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    """`decision=forward` follows the proposal (the complaint leaves: back to the register);
    `decision=keep` keeps it here."""
    tenant = request_tenant(request)
    try:
        complaint = access_held_complaint(request, complaint_id)
    except NotFoundError:
        raise Http404 from None
    try:
        if request.POST.get("decision") == "forward":
            carried = do_follow_route_suggestion(
                tenant=tenant, complaint=complaint, actor=request.user
            )
            if carried.holder is not None and carried.holder.pk != tenant.pk:
                messages.success(
                    request,
                    _("Pengaduan %(number)s diteruskan ke %(name)s.")
                    % {"number": complaint.number, "name": carried.holder.name},
                )
                return redirect(reverse("complaints:register"))
        else:
            do_keep_complaint(tenant=tenant, complaint=complaint, actor=request.user)
            messages.success(request, _("Pengaduan ditangani sendiri."))
    except AduanError as problem:
        messages.error(request, problem.message)
    return redirect(reverse("complaints:detail", kwargs={"complaint_id": complaint.pk}))
