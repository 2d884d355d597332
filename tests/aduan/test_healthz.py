"""/healthz reports database, broker and worker; 503 when one is down."""

from __future__ import annotations

import pytest
from django.test import override_settings
from dramatiq.brokers.stub import StubBroker

from aduan import tasks
from tests.client import TenantClient
from tests.services import REDIS_URL, reachable, running_worker, with_middleware


def test_healthy_with_database_broker_and_a_running_worker(
    tenant_client: TenantClient, reference_data: object, committed: None
) -> None:
    # Given a real worker running (it writes its heartbeat when it boots)
    broker = with_middleware(StubBroker())
    broker.emit_after("process_boot")
    with running_worker(broker, tasks.probe):
        response = tenant_client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": True, "kind": "stub"}
    assert body["worker"]["ok"] is True


def test_worker_down_is_503(tenant_client: TenantClient, reference_data: object) -> None:
    response = tenant_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"ok": False, "last_seen": None}


@override_settings(BROKER_URL="redis://127.0.0.1:1/0")
def test_broker_down_is_503(tenant_client: TenantClient, reference_data: object) -> None:
    # Nothing listens on port 1: the broker is down, the database is not.
    response = tenant_client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["database"] == {"ok": True}
    assert body["broker"] == {"ok": False, "kind": "redis", "error": "ConnectionError"}


@pytest.mark.skipif(not reachable("127.0.0.1", 6379), reason="no Redis on 127.0.0.1:6379")
def test_real_redis_broker_is_reported_up(
    tenant_client: TenantClient, reference_data: object
) -> None:
    with override_settings(BROKER_URL=REDIS_URL):
        body = tenant_client.get("/healthz").json()
    assert body["broker"] == {"ok": True, "kind": "redis"}


@pytest.mark.skipif(not reachable("127.0.0.1", 5672), reason="no RabbitMQ on 127.0.0.1:5672")
def test_real_rabbitmq_broker_is_reported_up(
    tenant_client: TenantClient, reference_data: object
) -> None:
    with override_settings(BROKER_URL="amqp://guest:guest@127.0.0.1:5672/%2F"):
        body = tenant_client.get("/healthz").json()
    assert body["broker"] == {"ok": True, "kind": "rabbitmq"}


def test_healthz_answers_on_tenant_hosts_too(
    tenant_client: TenantClient, tenant_factory: object
) -> None:
    tenant = tenant_factory()  # type: ignore[operator]
    response = tenant_client.get("/healthz", tenant=tenant, via="host")
    assert set(response.json()) == {"status", "database", "broker", "worker", "scheduler"}
