"""Pages of the platform itself (the public schema's front door) and each tenant's landing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tenants import selectors


def platform_home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    tenants = selectors.directory(query=query)
    return render(request, "aduan/platform_home.html", {"tenants": tenants, "query": query})


def tenant_home(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    context = {"tenant": tenant, "regions": selectors.region_path(tenant.region)}
    return render(request, "aduan/tenant_home.html", context)


@login_required
def console(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    roles = selectors.roles_of(request.user, tenant)
    return render(request, "aduan/console.html", {"tenant": tenant, "roles": roles})
