from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from aduan.navigation import staff_links
from tenants import entitlements


def platform(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == "public"
    return {
        "current_tenant": None if is_public else tenant,
        # Staff see why they cannot write after a missed payment (billing's standing).
        "billing_read_only": tenant is not None
        and not is_public
        and entitlements.read_only(tenant),
        # Read only by a page that shows the menu (every page of aduan/base.html).
        "staff_links": SimpleLazyObject(lambda: staff_links(request)),
    }
