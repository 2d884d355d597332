"""No wrong door, the pages and API outside one complaint's holder that act on complaints
(so they live with complaints: routing never imports complaints):

- the platform's front door: file without knowing who is responsible (routes first);
- the tracking page: a tracking code finds its complaint wherever it is now, and its journey;
- the regency admin's triage queue (on the regency government's host).

The authority directory and the category catalogue are routing's own (routing.views,
routing.api).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from aduan.tenancy import request_tenant
from complaints.actions.route import do_triage
from complaints.selectors import Viewer, triage_queue, triage_rows
from routing import selectors
from routing.selectors import PAGE_SIZE, REGENCY_ROLES
from tenants.access import tenant_role_required


@tenant_role_required(*REGENCY_ROLES)
def triage_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    error = ""
    if request.method == "POST":
        try:
            entry = selectors.access_triage_entry(tenant, request.POST.get("code", ""))
            moved = do_triage(
                entry,
                to=request.POST.get("to", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except AduanError as problem:
            error = problem.message
        else:
            messages.success(
                request, _("Diteruskan ke %(name)s.") % {"name": moved.hop.to_tenant.name}
            )
            return redirect(reverse("triage"))
    # Paged, never cut: the whole queue is reachable whatever its length.
    page = Paginator(triage_queue(tenant), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tenant": tenant,
        "page": page,
        "rows": triage_rows(tenant, list(page.object_list)),
        "reads_complaints": bool(Viewer.of(request.user, tenant).can_read),
        "targets": selectors.triage_targets(request, tenant),
        "error": error,
    }
    return render(request, "tenants/routing/triage.html", context, status=400 if error else 200)
