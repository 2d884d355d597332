"""No server error from any input: NUL bytes, unknown API paths, errors outside DRF."""

from __future__ import annotations

from typing import Any

import pytest

from tests.client import TenantClient
from tests.factories import TenantFactory

ERROR_KEYS = {"code", "message", "extra"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tenants/?q=%00",
        "/api/v1/villages/?q=a%00b",
        "/?q=%00",
        "/lacak/?kode=%00",
        "/api/v1/track/AB%00CD/",
    ],
)
def test_a_nul_byte_in_a_platform_query_is_400(
    reference_data: Any, tenant_client: TenantClient, path: str
) -> None:
    response = tenant_client.get(path)
    assert response.status_code == 400
    if "/api/" in path:
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["code"] == "invalid_character"


def test_a_nul_byte_in_a_tenant_query_or_body_is_400_and_nothing_is_stored(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    for path in ("/api/v1/register/?q=%00", "/api/v1/register/?state=%00"):
        response = tenant_client.get(path, tenant=tenant)
        assert response.status_code == 400, path
        assert response.json()["code"] == "invalid_character"
    filed = tenant_client.post(
        "/api/v1/complaints/",
        {"name": "Siti", "subject": "Jalan\x00rusak", "description": "Lubang besar sekali."},
        content_type="application/json",
        tenant=tenant,
    )
    assert filed.status_code == 400
    assert filed.json()["extra"]["fields"] == {"subject": [filed.json()["message"]]}
    form = tenant_client.post(
        "/pengaduan/baru/", {"subject": "a\x00", "description": "b"}, tenant=tenant
    )
    assert form.status_code == 400
    from_api = tenant_client.get("/api/v1/register/", tenant=tenant)
    assert from_api.status_code in {401, 403}  # anonymous: refused, not a 5xx


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v2/"])
def test_an_unknown_api_path_answers_json(
    reference_data: Any, tenant_client: TenantClient, path: str
) -> None:
    response = tenant_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == ERROR_KEYS


def test_an_unknown_tenant_api_path_answers_json(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    response = tenant_client.get("/api/v1/nothing-here/", tenant=tenant)
    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS
    missing_tenant = tenant_client.get("/t/no-such-tenant/api/v1/tenant/")
    assert missing_tenant.status_code == 404
    assert set(missing_tenant.json()) == ERROR_KEYS


def test_a_wrong_method_on_an_api_answers_json(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    response = tenant_client.delete("/api/v1/complaints/", tenant=tenant)
    assert response.status_code == 405
    assert set(response.json()) == ERROR_KEYS
