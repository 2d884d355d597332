"""No wrong door, the pages and API outside one complaint's holder that act on complaints
(so they live with complaints: routing never imports complaints):

- the platform's front door: file without knowing who is responsible (routes first);
- the tracking page: a tracking code finds its complaint wherever it is now, and its journey;
- the regency admin's triage queue (on the regency government's host).

The authority directory and the category catalogue are routing's own (routing.views,
routing.api).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aduan.errors import AduanError
from aduan.ratelimit import Scope, limited_page
from complaints.api.front_door import FRONT_DOOR_FIELDS, file_at_front_door
from routing import selectors
from tenants.access import public_page
from tenants.models import Region, RegionLevel


@public_page
@limited_page(Scope.INTAKE)
def front_door_page(request: HttpRequest) -> HttpResponse:
    error: AduanError | None = None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in FRONT_DOOR_FIELDS}
        try:
            result = file_at_front_door(values, request.FILES.getlist("attachments"))
        except AduanError as problem:
            error = problem
        else:
            return render(request, "tenants/routing/filed.html", {"result": result})
    context = {
        "categories": selectors.categories(),
        "regencies": Region.objects.filter(level=RegionLevel.REGENCY).order_by("name"),
        "posted": request.POST if request.method == "POST" else {},
        "error": error,
    }
    return render(request, "tenants/routing/front_door.html", context, status=400 if error else 200)
