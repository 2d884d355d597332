"""Jobs through real brokers: Redis (reachable here) and the PostgreSQL default."""

from __future__ import annotations

import ast
import os
import uuid
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from django.db import connection, transaction
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from aduan import tasks
from aduan.broker import WORKER_POOL, init_queue_schema
from aduan.broker import PostgresBroker as AduanPostgresBroker
from aduan.jobs import Resender, actor_of, enqueue_on_commit
from aduan.models import Heartbeat
from tests.factories import TenantFactory, file_complaint
from tests.services import (
    REDIS_URL,
    current_database_params,
    reachable,
    running_worker,
    wait_for,
    with_middleware,
)


@pytest.mark.broker
@pytest.mark.skipif(not reachable("127.0.0.1", 6379), reason="no Redis on 127.0.0.1:6379")
def test_job_enqueued_through_redis_runs_in_a_worker_inside_the_tenant(
    tenant_factory: TenantFactory, committed: None
) -> None:
    # Given a tenant with two complaints, and a worker consuming from Redis
    tenant = tenant_factory()
    file_complaint(tenant, subject="a")
    file_complaint(tenant, subject="b")
    namespace = f"aduan-test-{uuid.uuid4().hex[:8]}"
    redis_broker = RedisBroker(url=REDIS_URL, namespace=namespace)  # type: ignore[no-untyped-call]
    broker = with_middleware(redis_broker)
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
    from dramatiq_postgres import PostgresBroker

    with transaction.atomic(), connection.cursor() as cursor:
        init_queue_schema(cursor.cursor, citus=False)
    tenant = tenant_factory()
    broker = with_middleware(PostgresBroker(url=current_database_params(), results=False))
    token = uuid.uuid4().hex
    with running_worker(broker, tasks.probe):
        tasks.probe.send(token, tenant.schema_name)
        # This broker has no join(): wait, bounded, for the job's own record.
        record = wait_for(lambda: Heartbeat.objects.filter(name=f"probe:{token}").first())
    assert record.detail == {
        "schema": tenant.schema_name,
        "complaints": 0,
    }


def test_a_forked_web_worker_hands_jobs_to_the_postgres_queue(committed: None) -> None:
    # Given the web process's broker made before a fork (gunicorn --preload imports the app in
    # its master), with its pool opened there
    with transaction.atomic(), connection.cursor() as cursor:
        init_queue_schema(cursor.cursor, citus=False)
    broker = AduanPostgresBroker(url=current_database_params(), results=False, fail_fast=True)
    message: dramatiq.Message[Any] = dramatiq.Message(
        queue_name="default", actor_name="probe", args=("forked", "public"), kwargs={},
        options={},
    )  # fmt: skip
    master_pool = broker.pool
    pid = os.fork()
    if pid == 0:  # the worker: the master's pool has no threads to open a connection here
        code = 1
        try:
            broker.enqueue(message)
            code = 0 if broker.pool is not master_pool else 2
        finally:
            os._exit(code)
    # When the worker hands a job over
    _, status = os.waitpid(pid, 0)
    # Then it did, through a pool of its own, and the master kept its pool
    assert os.waitstatus_to_exitcode(status) == 0
    assert broker.pool is master_pool
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dramatiq.queue WHERE message_id = %s",
                       [message.message_id])  # fmt: skip
        assert cursor.fetchone() == (1,)
    broker.close()


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


def _named_jobs() -> set[str]:
    """Every job an action names (aduan.jobs.actor_of) instead of importing its actor."""
    senders = {"enqueue_on_commit", "send_after_commit", "send_quietly"}
    root = Path(__file__).resolve().parents[2]
    names: set[str] = set()
    for folder in ("platform/aduan", "tenants", "routing", "complaints", "integrations"):
        for path in (root / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) in senders
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    names.add(node.args[0].value)
    return names


def test_every_job_named_by_an_action_is_a_registered_actor() -> None:
    names = _named_jobs()
    assert {"after_filing", "deliver_outbox", "process_inbound"} <= names
    broker = dramatiq.get_broker()
    for name in sorted(names):
        assert actor_of(name).actor_name == name
        assert name in broker.actors


def test_jobs_kept_for_a_queue_that_does_not_answer_are_bounded_oldest_dropped_first() -> None:
    # A job the queue cannot take (here: no such actor, so every send fails) waits in order
    resender = Resender(limit=2, first_pause=60)
    for n in (1, 2, 3):
        resender.keep("no_such_job", ("tenant", n), {})
    assert resender.kept() == [("no_such_job", ("tenant", 2)), ("no_such_job", ("tenant", 3))]


def test_a_worker_can_hold_a_connection_for_every_queue_it_consumes() -> None:
    # Each queue and its delay queue keep a connection of the PostgreSQL broker's pool, and
    # the notifier one more: a pool too small leaves a queue unconsumed and the worker unable
    # to stop (seen when the statistics queue arrived).
    queues = {actor.queue_name for actor in dramatiq.get_broker().actors.values()}
    assert len(queues) >= 2
    assert 2 * len(queues) + 1 <= WORKER_POOL
