"""Pages of the platform itself (the public schema's front door) and each tenant's landing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from aduan.tenancy import request_tenant
from complaints import wbs
from tenants import selectors
from tenants.access import public_page, two_factor_pending


@public_page
def platform_home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    tenants = selectors.directory(query=query)
    return render(request, "aduan/platform_home.html", {"tenants": tenants, "query": query})


@public_page
def tenant_home(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    context = {
        "tenant": tenant,
        "regions": selectors.region_path(tenant.region),
        "wbs_enabled": wbs.policy_of(tenant).enabled,
    }
    return render(request, "aduan/tenant_home.html", context)


@public_page
def platform_console(request: HttpRequest) -> HttpResponse:
    """The platform has no work queue of its own: its home holds the links of those who
    govern tenants (the verification queue, the tenants, the regencies). Who needs the TOTP
    step passes it on the way, as on a tenant's host."""
    if two_factor_pending(request):
        return redirect(reverse("two-factor") + "?" + urlencode({"next": reverse("home")}))
    return redirect("home")
