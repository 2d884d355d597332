"""Pages of the platform itself (the public schema's front door) and each tenant's landing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aduan.tenancy import request_tenant
from tenants import selectors
from tenants.access import public_page


@public_page
def platform_home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    tenants = selectors.directory(query=query)
    return render(request, "aduan/platform_home.html", {"tenants": tenants, "query": query})


@public_page
def tenant_home(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    context = {"tenant": tenant, "regions": selectors.region_path(tenant.region)}
    return render(request, "aduan/tenant_home.html", context)


@public_page
def platform_console(request: HttpRequest) -> HttpResponse:
    """The platform has no work queue of its own: its home holds the links of those who
    govern tenants (the verification queue, the tenants, the regencies)."""
    return redirect("home")
