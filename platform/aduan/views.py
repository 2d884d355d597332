"""Pages of the platform itself (the public schema's front door) and each tenant's landing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aduan.tenancy import request_tenant
from tenants import permissions, selectors
from tenants.access import public_page, tenant_staff_required
from tenants.models import Role


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


@tenant_staff_required
def console(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    # Roles reached from above (regency admin, operator) count too.
    roles = [Role(r).label for r in sorted(permissions.roles_in(request.user, tenant))]
    context = {
        "tenant": tenant,
        "roles": roles,
        "can_manage_members": bool(permissions.grantable_roles(request.user, tenant)),
    }
    return render(request, "aduan/console.html", context)
