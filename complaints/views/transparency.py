"""The public transparency list (daftar pengaduan publik) of a tenant: its public complaints
with their step and due date, and a map where they have coordinates. Never a confidential
(rahasia) or WBS complaint, never who filed it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aduan.ratelimit import Scope, limited_page
from aduan.tenancy import request_tenant
from complaints import selectors
from complaints.presenters import transparency_rows
from tenants.access import public_page

MAP_WIDTH, MAP_HEIGHT, MAP_MARGIN = 320, 240, 12


def map_points(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The complaints with coordinates as points of a small SVG plot (no tiles, no CDN)."""
    located = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    if not located:
        return []
    lats = [Decimal(r["latitude"]) for r in located]
    lons = [Decimal(r["longitude"]) for r in located]
    span_lat = max(max(lats) - min(lats), Decimal("0.001"))
    span_lon = max(max(lons) - min(lons), Decimal("0.001"))
    inner_w, inner_h = MAP_WIDTH - 2 * MAP_MARGIN, MAP_HEIGHT - 2 * MAP_MARGIN
    return [
        {
            "x": round(MAP_MARGIN + float((lon - min(lons)) / span_lon) * inner_w, 1),
            "y": round(MAP_MARGIN + float((max(lats) - lat) / span_lat) * inner_h, 1),
            "number": row["number"],
            "step": row["step"],
        }
        for row, lat, lon in zip(located, lats, lons, strict=True)
    ]


@public_page
@limited_page(Scope.LOOKUP, methods=())
def transparency_page(request: HttpRequest) -> HttpResponse:
    tenant = request_tenant(request)
    try:
        page = max(int(request.GET.get("halaman", "1")), 1)
    except ValueError:
        page = 1
    complaints, more = selectors.public_complaints(page=page)
    rows = transparency_rows(complaints, tenant)
    context = {
        "rows": rows,
        "points": map_points(rows),
        "map_width": MAP_WIDTH,
        "map_height": MAP_HEIGHT,
        "page": page,
        "next_page": page + 1 if more else None,
        "previous_page": page - 1 if page > 1 else None,
    }
    return render(request, "complaints/transparency.html", context)
