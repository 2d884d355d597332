"""A Django test client that reaches a tenant by subdomain or by path prefix."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.test import Client

from tenants.models import Tenant

Via = Literal["path", "host"]


class TenantClient(Client):
    def _route(self, path: str, tenant: Tenant | None, via: Via, extra: dict[str, Any]) -> str:
        if tenant is None:
            extra.setdefault("HTTP_HOST", settings.BASE_DOMAIN)
            return path
        if via == "host":
            extra.setdefault("HTTP_HOST", f"{tenant.slug}.{settings.BASE_DOMAIN}")
            return path
        extra.setdefault("HTTP_HOST", settings.BASE_DOMAIN)
        return f"/{settings.TENANT_PATH_PREFIX}/{tenant.slug}{path}"

    def generic(  # type: ignore[override]
        self,
        method: str,
        path: str,
        *args: Any,
        tenant: Tenant | None = None,
        via: Via = "path",
        **extra: Any,
    ) -> Any:
        """Every verb (get, post, patch, ...) ends here, with `tenant=` and `via=` in extra."""
        return super().generic(method, self._route(path, tenant, via, extra), *args, **extra)
