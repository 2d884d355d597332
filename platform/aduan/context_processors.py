from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or tenant.schema_name == "public"
    return {"current_tenant": None if is_public else tenant}
