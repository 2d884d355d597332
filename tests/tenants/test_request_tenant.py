"""The tenant of a request, read by `aduan.middleware.TenantMiddleware` on every request
(`tenants.selectors.tenant_by_slug`, `tenant_by_domain`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import get_public_schema_name

from tenants.actions.onboarding import do_ensure_public_tenant, tenant_host
from tenants.models import Tenant
from tenants.selectors import forget_platform, platform_tenant, tenant_by_domain, tenant_by_slug
from tests.factories import TenantFactory


def test_a_tenant_is_found_by_its_slug_with_its_region_in_one_query(
    tenant_factory: TenantFactory, django_assert_num_queries: Any
) -> None:
    babakan = tenant_factory(slug="desa-babakan", region_code="33.01.09.2014")
    with django_assert_num_queries(1):
        found = tenant_by_slug("desa-babakan")
        assert found is not None and found.region is not None
        assert (found.pk, found.slug, found.schema_name, found.region.code) == (
            babakan.pk, "desa-babakan", babakan.schema_name, "33.01.09.2014",
        )  # fmt: skip
        assert (found.region.level, found.region.parent_id) == ("village", "33.01.09")
    assert babakan.region is not None and found.region.name == babakan.region.name
    assert tenant_by_slug("desa-tidak-ada") is None


def test_a_tenant_without_a_region_is_found_too(tenant_factory: TenantFactory) -> None:
    tenant_factory(slug="platform-mitra", region_code=None)
    found = tenant_by_slug("platform-mitra")
    assert found is not None and found.region is None


def test_the_platforms_own_row_is_no_tenant_by_slug(tenant_factory: TenantFactory) -> None:
    do_ensure_public_tenant()
    public = Tenant.objects.get(schema_name=get_public_schema_name())
    assert tenant_by_slug(public.slug) is None


def test_a_host_reaches_its_tenant_and_an_unknown_host_none(tenant_factory: TenantFactory) -> None:
    babakan = tenant_factory(slug="desa-babakan")
    found = tenant_by_domain(tenant_host("desa-babakan"))
    assert found is not None and found.pk == babakan.pk and found.region is not None
    assert tenant_by_domain("desa-lain.example.test") is None


def test_a_tenants_settings_come_decoded_as_the_orm_reads_them(
    tenant_factory: TenantFactory,
) -> None:
    babakan = tenant_factory(slug="desa-babakan")
    Tenant.objects.filter(pk=babakan.pk).update(
        privacy={"retention_years": 7}, doors={"sms": False}, entitlements={"wbs": True}
    )
    found = tenant_by_slug("desa-babakan")
    kept = Tenant.objects.get(pk=babakan.pk)
    assert found is not None
    assert (found.privacy, found.doors, found.entitlements) == (
        {"retention_years": 7}, {"sms": False}, {"wbs": True},
    )  # fmt: skip
    assert {f.attname: getattr(found, f.attname) for f in Tenant._meta.concrete_fields} == {
        f.attname: getattr(kept, f.attname) for f in Tenant._meta.concrete_fields
    }
    assert not found._state.adding and found._state.db == "default"  # saved as an update


def test_a_host_that_names_no_tenant_reaches_the_platform_in_one_query(
    tenant_factory: TenantFactory, django_assert_num_queries: Any
) -> None:
    do_ensure_public_tenant()
    with django_assert_num_queries(1):
        found = platform_tenant()
    assert found is not None and found.schema_name == get_public_schema_name()


def test_the_platforms_row_is_kept_per_process_and_each_caller_gets_its_own(
    committed: None, tenant_factory: TenantFactory, django_assert_num_queries: Any
) -> None:
    # Given the platform's row, read once outside a transaction (as a web worker reads it)
    do_ensure_public_tenant()
    first = platform_tenant()
    assert first is not None
    # When it is asked for again
    with django_assert_num_queries(0):
        again = platform_tenant()
    # Then it comes from the process, a new instance equal to the row (a caller that changes
    # its own changes nobody else's)
    assert again is not None and again is not first
    assert again.pk == first.pk and again.schema_name == get_public_schema_name()
    again.name = "changed by one request"
    kept = platform_tenant()
    assert kept is not None and kept.name == first.name
    # And once forgotten (as `aduan migrate` leaves it) the row is read again
    Tenant.objects.filter(pk=first.pk).update(name="Aduan Nasional")
    forget_platform()
    read = platform_tenant()
    assert read is not None and read.name == "Aduan Nasional"


def test_a_platform_row_read_inside_a_transaction_is_not_kept(
    tenant_factory: TenantFactory, django_assert_num_queries: Any
) -> None:
    # Given a test's transaction (the row may be one it made and will roll back)
    do_ensure_public_tenant()
    platform_tenant()
    # Then the next use reads it again
    with django_assert_num_queries(1):
        platform_tenant()


def test_the_bare_base_domain_reaches_the_platform_without_a_domain_read(
    committed: None, client: Client
) -> None:
    # Given the platform, its row already kept by this process
    do_ensure_public_tenant()
    assert platform_tenant() is not None
    # When a request comes to the platform's own host
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/", HTTP_HOST=settings.BASE_DOMAIN)
    # Then no query looked the host up among the domains, nor the platform's row again
    assert response.status_code == 200
    assert response.wsgi_request.tenant.schema_name == get_public_schema_name()  # type: ignore[attr-defined]
    assert not [
        q["sql"]
        for q in captured.captured_queries
        if "tenants_domain" in q["sql"] or "WHERE t.schema_name =" in q["sql"]
    ]
