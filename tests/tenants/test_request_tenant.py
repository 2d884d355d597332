"""The tenant of a request, read by `aduan.middleware.TenantMiddleware` on every request
(`tenants.selectors.tenant_by_slug`, `tenant_by_domain`)."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import get_public_schema_name

from tenants.actions.onboarding import do_ensure_public_tenant, tenant_host
from tenants.models import Tenant
from tenants.selectors import tenant_by_domain, tenant_by_slug
from tests.factories import TenantFactory


def test_a_tenant_is_found_by_its_slug_with_its_region_kept_per_process(
    tenant_factory: TenantFactory, django_assert_num_queries: Any
) -> None:
    babakan = tenant_factory(slug="desa-babakan", region_code="33.01.09.2014")
    # The first request reads the tenant and its region
    with django_assert_num_queries(2):
        found = tenant_by_slug("desa-babakan")
        assert found is not None and found.region is not None
        assert (found.pk, found.region.code) == (babakan.pk, "33.01.09.2014")
    assert babakan.region is not None and found.region.name == babakan.region.name
    # a later one (any tenant of that village) only the tenant: the region is kept
    with django_assert_num_queries(1):
        again = tenant_by_slug("desa-babakan")
        assert again is not None and again.region is not None
        assert again.region.code == "33.01.09.2014"
    assert tenant_by_slug("desa-tidak-ada") is None


def test_the_platforms_own_row_is_no_tenant_by_slug(tenant_factory: TenantFactory) -> None:
    do_ensure_public_tenant()
    public = Tenant.objects.get(schema_name=get_public_schema_name())
    assert tenant_by_slug(public.slug) is None


def test_a_host_reaches_its_tenant_and_an_unknown_host_none(tenant_factory: TenantFactory) -> None:
    babakan = tenant_factory(slug="desa-babakan")
    found = tenant_by_domain(tenant_host("desa-babakan"))
    assert found is not None and found.pk == babakan.pk and found.region is not None
    assert tenant_by_domain("desa-lain.example.test") is None
