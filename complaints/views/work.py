"""The staff home (konsol petugas): the first page after sign-in, a work queue. Each list
(complaints.selectors.work_queues) with its count, most urgent first, then by due date."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aduan.tenancy import request_tenant
from complaints import selectors
from complaints.api.statistics import REGENCY_ROLLUP_ROLES, REPORT_ROLES
from complaints.calendar import calendar_for
from complaints.presenters import case_time, format_local, state_label
from complaints.selectors import Viewer
from tenants import permissions
from tenants.access import tenant_staff_required
from tenants.models import Role, TenantKind


@tenant_staff_required
def work_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    viewer = Viewer.of(request.user, tenant)
    calendar = calendar_for(tenant)
    queues = [
        {
            "queue": queue,
            "rows": [
                {
                    "complaint": c,
                    "state": state_label(c),
                    "urgency": c.get_urgency_display() if c.urgency else "",
                    "due": format_local(c.due_at, tenant) if c.due_at else "",
                    "case": case_time(c, calendar),
                    "received_at": format_local(c.created_at, tenant),
                }
                for c in queue.complaints
            ],
        }
        for queue in (selectors.work_queues(viewer, tenant) if viewer.can_read else [])
    ]
    # Roles reached from above (regency admin, operator) count too.
    held = permissions.roles_in(request.user, tenant)
    roles = [Role(r).label for r in sorted(held)]
    context = {
        "tenant": tenant,
        "roles": roles,
        "queues": queues,
        "can_manage_members": bool(permissions.grantable_roles(request.user, tenant)),
        # The regency government's head and admin: the roll-up of every agency and village.
        "regency_rollup": tenant.kind == TenantKind.PEMKAB
        and bool(held & set(REGENCY_ROLLUP_ROLES)),
        "can_read_reports": bool(held & set(REPORT_ROLES)),
    }
    return render(request, "complaints/work.html", context)
