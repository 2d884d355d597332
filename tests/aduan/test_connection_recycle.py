"""A backend's memory is bounded by design (issue 23): a PostgreSQL backend caches the catalog
of every schema it touched, so a web process closes its connection at the end of the request
in which it has set its search_path to SCHEMAS_PER_CONNECTION distinct schemas
(aduan.postgresql counts them, aduan.db.recycle_spread_connection closes), whatever its age."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django_tenants.utils import schema_context
from dramatiq.brokers.stub import StubBroker

from tenants.models import Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory
from tests.services import with_middleware


@pytest.fixture
def long_lived_connection() -> Iterator[None]:
    """As in production (ADUAN_CONN_MAX_AGE), a connection outlives a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _backend_after_request(client: TenantClient, tenant: Tenant) -> int | None:
    """The backend that served a request for `tenant` (None: the connection was closed). The
    page looks the code up in the tenant's schema (a code in the tracking alphabet that no
    complaint holds), so the request sets the connection's search_path to it."""
    response = client.get("/lacak/ACDEFGHJKM/", tenant=tenant)
    assert response.status_code == 404
    if connection.connection is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def test_the_connection_is_closed_after_touching_n_schemas(
    committed: None,
    long_lived_connection: None,
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    settings: Any,
) -> None:
    # Given a limit of three schemas per connection, and four villages
    settings.SCHEMAS_PER_CONNECTION = 3
    villages = [tenant_factory(slug=f"recycle-{n}") for n in range(4)]
    connection.close()
    # When requests for the first two villages are served, one of them twice
    first = _backend_after_request(tenant_client, villages[0])
    again = _backend_after_request(tenant_client, villages[1])
    same_schema = _backend_after_request(tenant_client, villages[1])
    # Then one backend served them all, and has touched two tenant schemas so far
    assert first is not None and first == again == same_schema
    touched = {villages[0].schema_name, villages[1].schema_name}
    assert connection.schemas_touched == touched  # type: ignore[attr-defined]
    # When a third village's request is served, the connection has touched three tenants:
    # it is closed at the end of that request
    assert _backend_after_request(tenant_client, villages[2]) is None
    # Then the next request runs on a new backend that has touched only its own schemas
    fresh = _backend_after_request(tenant_client, villages[3])
    assert fresh is not None and fresh != first
    assert connection.schemas_touched == {villages[3].schema_name}  # type: ignore[attr-defined]


def test_a_connection_under_the_limit_stays_open(
    committed: None,
    long_lived_connection: None,
    tenant_factory: TenantFactory,
    tenant_client: TenantClient,
    settings: Any,
) -> None:
    # Given the default limit, far above two villages
    assert settings.SCHEMAS_PER_CONNECTION >= 100
    villages = [tenant_factory(slug=f"stay-{n}") for n in range(2)]
    connection.close()
    # When each is served twice, alternating
    backends = [_backend_after_request(tenant_client, v) for v in villages * 2]
    # Then one backend served all four requests
    assert backends[0] is not None and len(set(backends)) == 1


BACKENDS: list[tuple[str, int]] = []


@dramatiq.actor(actor_name="test_backend_in_schema")
def backend_in_schema(schema_name: str) -> None:
    """A job that works in one tenant's schema and notes the backend that served it."""
    with schema_context(schema_name), connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    assert row is not None
    BACKENDS.append((schema_name, int(row[0])))


def test_a_worker_closes_its_connection_after_jobs_in_n_schemas(
    committed: None, tenant_factory: TenantFactory, settings: Any
) -> None:
    # Given a limit of two schemas per connection, four villages, and a real worker with one
    # thread and the platform's job middleware
    settings.SCHEMAS_PER_CONNECTION = 2
    villages = [tenant_factory(slug=f"recycle-job-{n}") for n in range(4)]
    broker = with_middleware(StubBroker())
    previous = backend_in_schema.broker
    backend_in_schema.broker = broker
    broker.declare_actor(backend_in_schema)
    BACKENDS.clear()
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        # When a job runs in each village, one after the other
        for village in villages:
            backend_in_schema.send(village.schema_name)
            broker.join(backend_in_schema.queue_name, timeout=30_000)
    finally:
        worker.stop()
        broker.close()
        backend_in_schema.broker = previous
    # Then the first two ran on one backend, which was closed after the second schema; the
    # next two on a new one
    pids = [pid for _, pid in BACKENDS]
    assert [schema for schema, _ in BACKENDS] == [v.schema_name for v in villages]
    assert pids[0] == pids[1] != pids[2] == pids[3]
