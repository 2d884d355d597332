"""Pages of a tenant's lifecycle on the platform's front door: a regency admin over the tenants
of its regency, the platform operator over all (tenants.actions.lifecycle).

Thin: parse a form, check access (tenants.access declarations, then permissions.access_*),
call one action, render.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import acting_user
from tenants import permissions, selectors
from tenants.access import regency_admin_required
from tenants.actions import lifecycle
from tenants.forms import ReasonForm, add_domain_error
from tenants.models import Tenant

# --- The lifecycle of a tenant (regency admin over its tenants, operator over all) --------


def _governed_or_404(request: HttpRequest, slug: str) -> Tenant:
    try:
        return permissions.access_governed_tenant(request.user, slug)
    except NotFoundError:
        raise Http404 from None


@regency_admin_required
def governed_tenants(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page = Paginator(
        selectors.governed_list(request.user, query=query), selectors.AGENCIES_PER_PAGE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "query_string": urlencode({"q": query}) if query else "",
    }
    return render(request, "tenants/governed.html", context)


LIFECYCLE_ACTIONS: dict[str, Callable[..., object]] = {
    "suspend": lifecycle.do_suspend_tenant,
    "reactivate": lifecycle.do_reactivate_tenant,
    "archive": lifecycle.do_archive_tenant,
    "delete": lifecycle.do_delete_tenant,
}


@regency_admin_required
def tenant_lifecycle(request: HttpRequest, slug: str) -> HttpResponse:
    tenant = _governed_or_404(request, slug)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = LIFECYCLE_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Tindakan tidak dikenal."))
        elif form.is_valid():
            try:
                action(
                    tenant=tenant, actor=acting_user(request), reason=form.cleaned_data["reason"]
                )
            except AduanError as error:
                add_domain_error(form, error)
            else:
                if request.POST["action"] == "delete":
                    messages.success(request, _("%(name)s dihapus.") % {"name": tenant.name})
                    return redirect("governed-tenants")
                messages.success(request, _("Status %(name)s diperbarui.") % {"name": tenant.name})
                return HttpResponseRedirect(request.path)
        status = 400
    return render(
        request,
        "tenants/lifecycle.html",
        {
            "tenant": tenant,
            "form": form,
            "events": selectors.tenant_events(tenant),
            "archive": lifecycle.latest_archive(tenant),
            "landing": selectors.tenant_url(tenant),
        },
        status=status,
    )


@regency_admin_required
def tenant_archive(request: HttpRequest, slug: str) -> HttpResponseBase:
    tenant = _governed_or_404(request, slug)
    path = lifecycle.latest_archive(tenant)
    if path is None:
        messages.error(request, _("Belum ada arsip."))
        return redirect("tenant-lifecycle", slug=tenant.slug)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
