"""The tenant's own-door setting (its admin): may the router hand over a complaint filed at
this tenant's own door without asking (routing.models.OwnDoor)?"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from aduan.errors import AduanError
from aduan.tenancy import request_tenant
from routing.actions.directory import do_set_own_door
from routing.models import OwnDoor
from routing.selectors import own_door_policy
from tenants.access import ADMIN_ROLES, tenant_role_required


@tenant_role_required(*ADMIN_ROLES)
def own_door_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    error = ""
    if request.method == "POST":
        try:
            do_set_own_door(
                tenant=tenant, own_door=request.POST.get("own_door", ""), actor=request.user
            )
        except AduanError as problem:
            error = problem.message
        else:
            messages.success(request, _("Pengaturan penerusan disimpan."))
            return redirect(reverse("own-door"))
    context = {"tenant": tenant, "current": own_door_policy(tenant), "choices": OwnDoor.choices}
    return render(request, "routing/own_door.html", context, status=400 if error else 200)
