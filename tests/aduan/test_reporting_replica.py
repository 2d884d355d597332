"""Reports and public statistics read from the streaming replica where one is configured
(`DATABASE_REPLICA_URL`), through `aduan.db.reporting_alias()` / `aduan.db.reporting()`: in the
schema the primary's connection is in, reads only, never migrated; without a replica they read
the primary."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, router
from django.db.utils import load_backend
from django_tenants.utils import schema_context

from aduan.db import REPLICA, reporting, reporting_alias
from complaints.models import Complaint
from tenants.models import Region
from tests.factories import TenantFactory


def test_without_a_replica_reports_read_the_primary(db: None) -> None:
    assert reporting_alias() == "default"
    with reporting() as alias:
        assert alias == "default"
        assert Region.objects.all().db == "default"


@pytest.fixture
def replica(settings: Any) -> Iterator[Any]:
    """A replica alias for this thread: a second connection to the test database (what a
    streaming replica holds: the primary's committed rows)."""
    settings.DATABASE_REPLICA_URL = "postgresql://replica.test/aduan"
    settings_dict = {**connections.settings["default"], "CONN_MAX_AGE": 0}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, REPLICA)
    connections[REPLICA] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[REPLICA]


def test_reports_read_the_replica_in_the_schema_the_request_is_in(
    replica: Any, tenant_factory: TenantFactory
) -> None:
    village, other = tenant_factory(), tenant_factory()
    for tenant in (village, other):
        with schema_context(tenant.schema_name):
            # When a report reads inside reporting(): its reads go to the replica
            with reporting() as alias:
                assert alias == REPLICA
                assert Complaint.objects.all().db == REPLICA
                assert router.db_for_write(Complaint) == "default"  # writes: the primary
                with replica.cursor() as cursor:
                    cursor.execute("SHOW search_path")
                    row = cursor.fetchone()
            # on the replica in this tenant's schema, never the previous one's
            assert row is not None and row[0].split(",")[0].strip('" ') == tenant.schema_name
            # and outside it reads are the primary's again
            assert Complaint.objects.all().db == "default"
            # reporting_alias() alone serves one queryset the same way
            assert Complaint.objects.using(reporting_alias()).all().db == REPLICA
    # Nothing is ever migrated on the replica
    assert router.allow_migrate(REPLICA, "complaints") is False
    assert router.allow_migrate(REPLICA, "tenants") is False
