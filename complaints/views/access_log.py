"""The access log page (log akses) for the tenant's auditors, with filters and a CSV link."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from aduan.errors import AduanError, NotFoundError
from aduan.tenancy import request_tenant
from complaints.access import access_access_log
from complaints.api.access_log import csv_response
from complaints.calendar import tenant_zone
from complaints.models import AccessKind
from complaints.privacy import (
    PAGE_SIZE,
    AccessLogFilter,
    access_log,
    access_log_csv,
    parse_filter,
)
from tenants.access import tenant_capability_required
from tenants.permissions import Capability


@tenant_capability_required(Capability.VIEW_AUDIT, read=[Capability.VIEW_AUDIT])
def access_log_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    try:
        access_access_log(request.user, tenant)
    except NotFoundError:
        raise Http404 from None
    zone = tenant_zone(tenant)
    error = ""
    try:
        given = parse_filter(request.GET.dict())
    except AduanError as problem:
        given, error = AccessLogFilter(), problem.message
    entries = list(access_log(given, zone)[:PAGE_SIZE])
    context = {
        "entries": entries,
        "given": given,
        "kinds": AccessKind.choices,
        "error": error,
        "query": request.GET.urlencode(),
        "zone": zone,
    }
    return render(request, "complaints/access_log.html", context, status=400 if error else 200)


@tenant_capability_required(Capability.VIEW_AUDIT, read=[Capability.VIEW_AUDIT])
def access_log_csv_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    try:
        access_access_log(request.user, tenant)
        zone = tenant_zone(tenant)
        given = parse_filter(request.GET.dict())
    except NotFoundError:
        raise Http404 from None
    except AduanError:
        given = AccessLogFilter()
    return csv_response(access_log_csv(access_log(given, zone).iterator(), zone))
