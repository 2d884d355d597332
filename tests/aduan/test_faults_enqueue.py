"""The database goes away just after a request committed: the citizen still gets the answer
(201, not a hang until gunicorn kills the worker), and the job the commit asked for is sent
once the database is back.

The queue is dramatiq-postgres on a real PostgreSQL (the test database), reached through a
TCP proxy the test cuts: what a database restart looks like from a web process."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from dramatiq_postgres.schema import generate_init_sql, schema_exists

from aduan.broker import WEB_ENQUEUE_TIMEOUT, PostgresBroker, broker_settings
from aduan.jobs import RESENDER, actor_of
from complaints.models import Complaint
from tests.client import TenantClient
from tests.complaints.test_intake_api import FILED
from tests.factories import TenantFactory
from tests.services import CuttableProxy, current_database_params, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

# The one job a filing sends after its commit (complaints.tasks.after_filing).
ROUTE = "after_filing"


@pytest.fixture
def proxy(committed: None) -> Iterator[CuttableProxy]:
    params = current_database_params()
    host, port = params.get("host", "127.0.0.1"), int(params.get("port", "5432"))
    target: tuple[str, int] | str = f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (
        host, port
    )  # fmt: skip
    with connection.cursor() as cursor:
        if not schema_exists(cursor.cursor):
            cursor.execute(generate_init_sql())
    server = CuttableProxy(target)
    server.start()
    try:
        yield server
    finally:
        server.cut()


@pytest.fixture
def web_broker(proxy: CuttableProxy) -> Iterator[PostgresBroker]:
    """The broker exactly as a web process builds it from its settings, through the proxy."""
    params = current_database_params()
    url = f"postgresql://{params.get('user', 'postgres')}@127.0.0.1:{proxy.port}/{params['dbname']}"
    options = broker_settings("", url, web=True)["OPTIONS"]
    broker = PostgresBroker(**{**options, "listen": False})
    route = actor_of(ROUTE)
    previous = route.broker
    route.broker = broker
    broker.declare_actor(route)
    try:
        yield broker
    finally:
        route.broker = previous
        broker.close()


def _queued(complaint_id: int) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT message_id FROM dramatiq.queue WHERE message->>'actor_name' = %s"
            " AND message->'args'->>1 = %s",
            [ROUTE, str(complaint_id)],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_request_whose_database_goes_away_after_commit_answers_and_its_job_follows(
    tenant_factory: TenantFactory, tenant_client: TenantClient, proxy: CuttableProxy,
    web_broker: PostgresBroker,
) -> None:  # fmt: skip
    tenant = tenant_factory()
    assert web_broker.fail_fast
    # Given the queue's database has just gone away (the request's own connection has not)
    proxy.cut()
    # When a citizen files a complaint, whose follow-up job is sent after the commit
    started = time.monotonic()
    response = tenant_client.post(
        "/api/v1/complaints/", FILED, content_type="application/json", tenant=tenant
    )
    waited = time.monotonic() - started
    # Then the citizen has the receipt: what was committed is theirs
    assert response.status_code == 201, response.content
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    # within one short try, far inside gunicorn's 30 s (the library's retries took minutes)
    assert waited < WEB_ENQUEUE_TIMEOUT + 8, waited
    # and the job is kept by the process, not lost, not yet queued
    assert len(RESENDER) == 1
    assert _queued(complaint.pk) == []

    # When the database answers again
    proxy.restore()
    # Then the kept job is queued, exactly once
    wait_for(lambda: _queued(complaint.pk) or None, timeout=60)
    wait_for(lambda: True if len(RESENDER) == 0 else None, timeout=10)
    assert len(_queued(complaint.pk)) == 1
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dramatiq.queue WHERE message->>'actor_name' = %s", [ROUTE])


def test_a_worker_keeps_the_librarys_patient_retries() -> None:
    options = broker_settings("", "postgresql://postgres@127.0.0.1:1/none")["OPTIONS"]
    assert options["fail_fast"] is False
    assert "connect_timeout" not in options["url"]
    web = broker_settings("", "postgresql://postgres@127.0.0.1:1/none", web=True)["OPTIONS"]
    assert web["fail_fast"] is True and web["url"].endswith("maxconn=4&connect_timeout=2")
