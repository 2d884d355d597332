"""aduan.postgresql skips a second `SET search_path` to the schema the connection is on
(issue 23's statement budget), and never trusts its record once the server may have undone
the SET: a rollback and a savepoint's rollback both undo a SET issued inside them. A query
after either runs in the tenant's schema, not in the public one or the tenant's before."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aduan.db import tenant_db
from tenants.models import Tenant
from tests.factories import TenantFactory


def _server_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def _sets(context: CaptureQueriesContext) -> int:
    return sum(q["sql"].startswith("SET search_path") for q in context.captured_queries)


def test_selecting_the_same_tenant_again_sends_no_second_set(
    tenant_factory: TenantFactory,
) -> None:
    # Given a connection on a village's schema
    tenant = tenant_factory()
    tenant_db.set_tenant(tenant)
    assert _server_schema() == tenant.schema_name
    # When the same tenant is selected again and queried
    with CaptureQueriesContext(connection) as context:
        tenant_db.set_tenant(Tenant.objects.get(pk=tenant.pk))
        assert _server_schema() == tenant.schema_name
    # Then no SET was sent
    assert _sets(context) == 0


def test_after_a_savepoint_rollback_the_path_is_set_again(tenant_factory: TenantFactory) -> None:
    # Given a connection on village A, then a savepoint in which it moved to village B
    first, second = tenant_factory(), tenant_factory()
    tenant_db.set_tenant(first)
    assert _server_schema() == first.schema_name
    try:
        with transaction.atomic():
            tenant_db.set_tenant(second)
            assert _server_schema() == second.schema_name
            raise RuntimeError("undo")
    except RuntimeError:
        pass
    # When village B is selected again (had the record kept B, the server would be on A)
    tenant_db.set_tenant(second)
    # Then the query runs in B
    assert _server_schema() == second.schema_name


def test_after_a_rollback_the_path_is_set_again(
    tenant_factory: TenantFactory, committed: None
) -> None:
    # Given a connection on the public schema, then a transaction in which it moved to a
    # village, rolled back
    tenant = tenant_factory()
    tenant_db.set_schema_to_public()
    assert _server_schema() == "public"
    try:
        with transaction.atomic():
            tenant_db.set_tenant(tenant)
            assert _server_schema() == tenant.schema_name
            raise RuntimeError("undo")
    except RuntimeError:
        pass
    # When the village is selected again
    with CaptureQueriesContext(connection) as context:
        tenant_db.set_tenant(tenant)
        # Then the path is set again: its queries run in its schema, not the public one
        assert _server_schema() == tenant.schema_name
    assert _sets(context) == 1
