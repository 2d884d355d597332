"""Jobs through real brokers: Redis (reachable here) and the PostgreSQL default."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import dramatiq
import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from aduan import tasks
from aduan.broker import MIDDLEWARE
from aduan.jobs import enqueue_on_commit
from aduan.models import Heartbeat
from complaints.models import Complaint
from tests.factories import TenantFactory

REDIS_URL = "redis://127.0.0.1:6379/9"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


T = TypeVar("T")


def wait_for(probe: Callable[[], T | None], timeout: float = 20.0) -> T:
    """Poll until `probe` returns something: for work that happens in another process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"nothing after {timeout} s")


def _test_database_params() -> dict[str, str]:
    """libpq parameters of the test database (pytest-django renamed it)."""
    params = connection.get_connection_params()
    return {
        k: str(v)
        for k, v in params.items()
        if k in {"dbname", "user", "password", "host", "port"} and v
    }


def _with_middleware(broker: dramatiq.Broker) -> dramatiq.Broker:
    from django.utils.module_loading import import_string

    for path in MIDDLEWARE:
        broker.add_middleware(import_string(path)())
    return broker


@contextmanager
def running_worker(
    broker: dramatiq.Broker, *actors: dramatiq.Actor[Any, Any]
) -> Iterator[dramatiq.Worker]:
    """Bind the actors to `broker` and run a real dramatiq worker on it."""
    previous = [actor.broker for actor in actors]
    for actor in actors:
        actor.broker = broker
        broker.declare_actor(actor)
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        broker.close()
        for actor, old in zip(actors, previous, strict=True):
            actor.broker = old


@pytest.mark.broker
@pytest.mark.skipif(not _reachable("127.0.0.1", 6379), reason="no Redis on 127.0.0.1:6379")
def test_job_enqueued_through_redis_runs_in_a_worker_inside_the_tenant(
    tenant_factory: TenantFactory, committed: None
) -> None:
    # Given a tenant with two complaints, and a worker consuming from Redis
    tenant = tenant_factory()
    with schema_context(tenant.schema_name):
        Complaint.objects.create(subject="a", description="a")
        Complaint.objects.create(subject="b", description="b")
    namespace = f"aduan-test-{uuid.uuid4().hex[:8]}"
    redis_broker = RedisBroker(url=REDIS_URL, namespace=namespace)  # type: ignore[no-untyped-call]
    broker = _with_middleware(redis_broker)
    token = uuid.uuid4().hex
    with running_worker(broker, tasks.probe):
        # When the job is enqueued through Redis
        tasks.probe.send(token, tenant.schema_name)
        broker.join(tasks.probe.queue_name, timeout=20_000)
    # Then the worker ran it in that tenant's schema
    record = Heartbeat.objects.get(name=f"probe:{token}")
    assert record.detail == {"schema": tenant.schema_name, "complaints": 2}
    # and the worker wrote its heartbeat while it ran, and removed it when it stopped
    assert not Heartbeat.objects.filter(name="worker").exists()


def test_job_through_the_postgres_broker(tenant_factory: TenantFactory, committed: None) -> None:
    # The embedded default: the queue lives in the `dramatiq` schema of Aduan's database.
    import dramatiq_postgres
    from dramatiq_postgres import PostgresBroker

    with connection.cursor() as cursor:
        dramatiq_postgres.init(cursor.cursor)
    tenant = tenant_factory()
    broker = _with_middleware(PostgresBroker(url=_test_database_params(), results=False))
    token = uuid.uuid4().hex
    with running_worker(broker, tasks.probe):
        tasks.probe.send(token, tenant.schema_name)
        # This broker has no join(): wait, bounded, for the job's own record.
        record = wait_for(lambda: Heartbeat.objects.filter(name=f"probe:{token}").first())
    assert record.detail == {
        "schema": tenant.schema_name,
        "complaints": 0,
    }


def test_enqueue_on_commit_sends_nothing_for_a_rollback(committed: None) -> None:
    broker = StubBroker()
    broker.emit_after("process_boot")
    previous = tasks.probe.broker
    tasks.probe.broker = broker
    broker.declare_actor(tasks.probe)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_on_commit(tasks.probe, "rolled-back", "public")
            raise RuntimeError("the write failed")
        assert broker.queues[tasks.probe.queue_name].qsize() == 0
        with transaction.atomic():
            enqueue_on_commit(tasks.probe, "committed", "public")
        assert broker.queues[tasks.probe.queue_name].qsize() == 1
    finally:
        tasks.probe.broker = previous
