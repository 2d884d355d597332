from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from aduan.navigation import staff_links


def platform(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == "public"
    return {
        "current_tenant": None if is_public else tenant,
        # Read only by a page that shows the menu (every page of aduan/base.html).
        "staff_links": SimpleLazyObject(lambda: staff_links(request)),
    }
