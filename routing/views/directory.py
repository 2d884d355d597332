"""The authority directory's page (regency admin, on the regency government's host)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from routing.actions.directory import do_update_authority
from routing.directory import declarations
from routing.selectors import (
    PAGE_SIZE,
    REGENCY_ROLES,
    access_directory_tenant,
    categories,
    regency_tenants,
)
from tenants.access import tenant_role_required


@tenant_role_required(*REGENCY_ROLES)
def directory_page(request: HttpRequest) -> HttpResponse:
    """Every tenant of the regency: its categories, coverage and higher authority; POST
    changes one."""
    error = ""
    if request.method == "POST":
        try:
            tenant = access_directory_tenant(request, request.POST.get("tenant", ""))
            do_update_authority(
                tenant=tenant,
                category_keys=request.POST.getlist("categories"),
                coverage_code=request.POST.get("coverage_code", ""),
                higher_slug=request.POST.get("higher", ""),
                actor=request.user,
            )
        except AduanError as problem:
            error = problem.message
        else:
            messages.success(request, _("Deklarasi %(name)s disimpan.") % {"name": tenant.name})
            return redirect(reverse("authority-directory"))
    # Paged: a regency of 400 villages shows every one of them, a page at a time, in the
    # same few queries whatever its size.
    page = Paginator(regency_tenants(request), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "declarations": declarations(list(page.object_list)),
        "categories": list(categories()),
        "error": error,
    }
    return render(request, "tenants/routing/directory.html", context, status=400 if error else 200)
