"""The tenant is resolved once (aduan.tenancy, aduan.base_views): the request's tenant for pages
and APIs, 404 on the platform's own host for tenant-only views; the schema's row for jobs."""

from __future__ import annotations

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory
from django_tenants.utils import schema_context
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from aduan.base_views import TenantApiView, TenantView
from aduan.db import tenant_db
from aduan.tenancy import connection_tenant, request_scope, request_tenant
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def _request(tenant: Tenant | None) -> HttpRequest:
    request = RequestFactory().get("/")
    if tenant is not None:
        request.tenant = tenant  # type: ignore[attr-defined]  # as the middleware does
    return request


class _Page(TenantView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(self.tenant.slug)


class _Api(TenantApiView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response({"slug": self.tenant.slug})


class _PlatformToo(_Api):
    public_ok = True


def test_a_tenants_request_hands_on_its_tenant(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    request = _request(tenant)
    assert request_tenant(request) is tenant
    assert request_scope(request) is tenant
    page = _Page.as_view()(request)
    assert isinstance(page, HttpResponse) and page.content == tenant.slug.encode()
    assert _Api.as_view()(_request(tenant)).data == {"slug": tenant.slug}


def test_the_platform_host_is_404_for_tenant_only_views_unless_public_ok() -> None:
    platform = do_ensure_public_tenant()
    with pytest.raises(Http404):
        request_tenant(_request(platform))
    with pytest.raises(Http404):
        _Page.as_view()(_request(platform))
    assert _Api.as_view()(_request(platform)).status_code == 404
    assert request_tenant(_request(platform), public_ok=True) == platform
    assert _PlatformToo.as_view()(_request(platform)).data == {"slug": platform.slug}
    assert request_scope(_request(platform)) is None


def test_a_request_without_a_tenant_is_404() -> None:
    with pytest.raises(Http404):
        request_tenant(_request(None))
    with pytest.raises(Http404):
        request_scope(_request(None))


def test_the_tenant_profile_api_answers_with_the_hosts_tenant(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    for via in ("path", "host"):
        response = tenant_client.get("/api/v1/tenant/", tenant=tenant, via=via)
        assert (response.status_code, response.json()["slug"]) == (200, tenant.slug)


def test_a_job_gets_the_real_row_of_the_schema_it_entered(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    tenant_db.set_schema_to_public()
    with schema_context(tenant.schema_name):
        found = connection_tenant()
    assert isinstance(found, Tenant)
    assert (found.pk, found.slug) == (tenant.pk, tenant.slug)
    tenant_db.set_tenant(tenant)
    try:
        assert connection_tenant() is tenant
    finally:
        tenant_db.set_schema_to_public()
