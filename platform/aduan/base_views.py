"""The base classes of a tenant's class-based pages and APIs: the tenant is resolved once, from
the request (aduan.tenancy.request_tenant), and handed on typed as `self.tenant`.

Function-based views call `aduan.tenancy.request_tenant(request)` instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views import View
from rest_framework.request import Request
from rest_framework.views import APIView

from aduan.tenancy import request_tenant
from tenants.models import Tenant


class TenantView(View):
    """A page of one tenant; on the platform's own host it answers 404 (unless `public_ok`)."""

    public_ok: ClassVar[bool] = False
    tenant: Tenant

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.tenant = request_tenant(request, public_ok=self.public_ok)
        return super().dispatch(request, *args, **kwargs)


class TenantApiView(APIView):
    """An API endpoint of one tenant; on the platform's own host it answers 404 (unless
    `public_ok`). The tenant is resolved after the access declaration ran, so a refused
    request is answered exactly as before (403 for anonymous, 404 for a stranger)."""

    public_ok: ClassVar[bool] = False
    tenant: Tenant

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.tenant = request_tenant(request, public_ok=self.public_ok)
