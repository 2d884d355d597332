"""Which tenant the code is working for, answered once for the whole platform.

- pages and APIs: `request_tenant(request)`, the tenant `aduan.middleware.TenantMiddleware` chose
  from the host or path prefix (class-based views get it as `self.tenant` from
  `aduan.base_views`);
- actions and jobs: `connection_tenant()`, the tenant whose schema the connection is on.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import get_script_prefix, reverse, set_script_prefix
from django_tenants.utils import get_public_schema_name
from rest_framework.request import Request

from aduan.db import tenant_db
from tenants.models import Tenant, User


def request_tenant(request: HttpRequest | Request, *, public_ok: bool = False) -> Tenant:
    """The tenant this request is for. The platform's own host (the public schema) is not a
    tenant: a tenant-only page or API answers 404 there, unless `public_ok` (an invitation of
    the platform itself is accepted on its host)."""
    tenant = getattr(request, "tenant", None)
    if not isinstance(tenant, Tenant):
        raise Http404
    if not public_ok and tenant.schema_name == get_public_schema_name():
        raise Http404
    return tenant


def connection_tenant() -> Tenant:
    """The tenant whose schema the connection is on: the request's own row, or, under
    `schema_context` (which only knows a schema name), the row of that schema."""
    tenant = getattr(tenant_db, "tenant", None)
    if isinstance(tenant, Tenant):
        return tenant
    found: Tenant = Tenant.objects.select_related("region").get(schema_name=tenant_db.schema_name)
    return found


def acting_user(request: HttpRequest | Request) -> User:
    """The signed-in user of a view whose access declaration (tenants.access) lets only
    signed-in users through."""
    user = request.user
    assert isinstance(user, User)  # the declaration ran before the view
    return user


def request_scope(request: HttpRequest | Request) -> Tenant | None:
    """For the views served on every host (messages, Open311): the request's tenant, or None
    on the platform's own host, where they cover every tenant."""
    tenant = getattr(request, "tenant", None)
    if not isinstance(tenant, Tenant):
        raise Http404
    return None if tenant.schema_name == get_public_schema_name() else tenant


def tenant_reverse(viewname: str, *, kwargs: dict[str, Any] | None = None) -> str:
    """`reverse()` under the request's path prefix (`/t/<slug>/`), as `reverse()` gives it, at
    the cost of a single tenant's. Django checks a reversed path against a regex of the script
    prefix and the route, compiled anew for every prefix: with thousands of tenants Python's
    regex cache (512) never holds it, and each link cost a compile. Reversed under "/", the
    route's regex is compiled once a process; the prefix is then put in front."""
    prefix = get_script_prefix()
    if prefix == "/":
        return reverse(viewname, kwargs=kwargs)
    set_script_prefix("/")
    try:
        path = reverse(viewname, kwargs=kwargs)
    finally:
        set_script_prefix(prefix)
    return prefix + path.removeprefix("/")
