"""A tenant is reached by subdomain and by path prefix; unknown tenants are 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.client import TenantClient
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("via", ["path", "host"])
def test_tenant_landing_page_shows_name_kind_and_region(
    tenant_factory: TenantFactory, tenant_client: TenantClient, via: str
) -> None:
    # Given a village tenant in Desa Babakan, Kecamatan Kawunganten, Kabupaten Cilacap
    tenant = tenant_factory(name="Pemerintah Desa Babakan", region_code="33.01.09.2014")
    # When its landing page is opened by path prefix or by subdomain
    response = tenant_client.get("/", tenant=tenant, via=via)
    # Then it is that tenant's page, in Bahasa Indonesia
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 id="tenant-name">Pemerintah Desa Babakan</h1>' in page
    assert "Pemerintah Desa/Kelurahan" in page
    assert "Babakan" in page and "(33.01.09.2014)" in page
    assert "KABUPATEN CILACAP" in page and "(33.01)" in page
    assert response.headers["Content-Language"] == "id"


def test_links_under_a_path_prefix_stay_under_it(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    page = tenant_client.get("/", tenant=tenant, via="path").content.decode()
    assert f'href="/t/{tenant.slug}/accounts/login/"' in page
    # and the thread-local prefix does not leak into code that runs after the request
    assert reverse("healthz", urlconf="aduan.urls_public") == "/healthz"


def test_prefix_without_trailing_slash_redirects(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    response = tenant_client.get(f"/t/{tenant.slug}", HTTP_HOST="localhost")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/t/{tenant.slug}/"


def test_unknown_tenant_is_404_by_path_and_by_host(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant_factory()
    assert tenant_client.get("/t/no-such-desk/", HTTP_HOST="localhost").status_code == 404
    assert tenant_client.get("/", HTTP_HOST="no-such-desk.localhost").status_code == 404


def test_front_door_lists_active_tenants(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory(name="Pemerintah Desa Kuripan Kidul", region_code="33.01.02.2014")
    page = tenant_client.get("/").content.decode()
    assert f'<a href="/t/{tenant.slug}/">Pemerintah Desa Kuripan Kidul</a>' in page
    found = tenant_client.get("/", {"q": "kuripan"}).content.decode()
    assert "Pemerintah Desa Kuripan Kidul" in found
    missing = tenant_client.get("/", {"q": "zzz-nothing"}).content.decode()
    assert "Pemerintah Desa Kuripan Kidul" not in missing


def test_tenant_profile_api_and_directory_api(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory(name="Disdukcapil Sanggau", kind="DISDUKCAPIL", region_code="61.03")  # type: ignore[arg-type]
    profile = tenant_client.get("/api/v1/tenant/", tenant=tenant).json()
    assert profile == {
        "slug": tenant.slug,
        "name": "Disdukcapil Sanggau",
        "kind": "DISDUKCAPIL",
        "kind_label": "Dinas Kependudukan dan Pencatatan Sipil",
        "status": "active",
        "region": {"code": "61.03", "name": "KABUPATEN SANGGAU", "level": "regency"},
        "url": f"/t/{tenant.slug}/",
    }
    directory = tenant_client.get("/api/v1/tenants/", {"q": "Sanggau"}).json()
    assert [t["slug"] for t in directory] == [tenant.slug]


def test_openapi_schema_per_host(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    accept = "application/vnd.oai.openapi+json"
    public = tenant_client.get("/api/schema/", HTTP_ACCEPT=accept).json()
    assert "/api/v1/tenants/" in public["paths"]
    assert "/api/v1/tenant/" not in public["paths"]
    scoped = tenant_client.get("/api/schema/", tenant=tenant, via="host", HTTP_ACCEPT=accept).json()
    assert "/api/v1/tenant/" in scoped["paths"]
