"""Jobs when their parts fail, with real processes: a Redis broker stopped during a burst of
intakes, and a worker process killed in the middle of a delivery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from dramatiq.brokers.redis import RedisBroker

from complaints.models import Channel, Complaint
from integrations import outbox, tasks
from integrations.models import OutboxMessage, OutboxStatus
from tests.aduan.test_cli import ROOT, _free_port
from tests.factories import TenantFactory, file_complaint
from tests.integrations.conftest import SMS_SECRET
from tests.integrations.fakes import SmsGatewayFake, serve
from tests.services import reachable, running_worker, wait_for, with_middleware

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


@dataclass
class RedisServer:
    """A real redis-server on a free port, with its append-only file so that it can be stopped
    and started again with its queue."""

    folder: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: True if reachable("127.0.0.1", self.port) else None, timeout=20)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def gateway(settings: Any) -> Iterator[SmsGatewayFake]:
    fake = SmsGatewayFake(token="gateway-token")
    with serve(fake) as base:
        fake.url = f"{base}/send"
        settings.ADUAN_SMS_GATEWAY_URL = fake.url
        settings.ADUAN_SMS_GATEWAY_TOKEN = fake.token
        settings.ADUAN_SMS_GATEWAY_SECRET = SMS_SECRET
        settings.ADUAN_SMS_SENDER = "1708"
        yield fake


def _bind(broker: RedisBroker) -> Any:
    previous = tasks.deliver_outbox.broker
    tasks.deliver_outbox.broker = broker
    broker.declare_actor(tasks.deliver_outbox)
    return previous


def test_broker_stopped_during_100_intakes_then_every_notification_exactly_once(
    tenant_factory: TenantFactory, committed: None, gateway: SmsGatewayFake,
    redis_server: RedisServer,
) -> None:  # fmt: skip
    # Given a tenant whose delivery jobs go through a real Redis
    tenant = tenant_factory()
    producer = RedisBroker(url=redis_server.url)  # type: ignore[no-untyped-call]
    previous = _bind(producer)
    try:
        # When 100 complaints arrive by SMS and Redis is stopped after the 40th
        codes = set()
        for i in range(100):
            if i == 40:
                redis_server.stop()
            complaint = file_complaint(tenant, channel=Channel.SMS, phone=f"0812345{i:05d}")
            codes.add(complaint.tracking_code)
    finally:
        tasks.deliver_outbox.broker = previous
        producer.close()
    # Then every intake succeeded, its receipt waiting in the outbox
    with schema_context(tenant.schema_name):
        assert Complaint.objects.count() == 100
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 100
    assert gateway.requests == []

    # When Redis is back (with the 40 jobs it had) and the scheduler's sweep runs
    redis_server.start()
    broker = with_middleware(RedisBroker(url=redis_server.url))  # type: ignore[no-untyped-call]
    later = timezone.now() + outbox.LEASE + timedelta(seconds=1)
    with running_worker(broker, tasks.deliver_outbox):
        assert outbox.sweep_due(now=later) == 100  # the lost 60 and, again, the 40
        broker.join(tasks.deliver_outbox.queue_name, timeout=120_000)
    # Then every receipt went out exactly once: 140 jobs, 100 sends
    assert len(gateway.requests) == 100
    assert len(gateway.delivered) == 100
    assert {m["text"].split(": ")[1].rstrip(".") for m in gateway.delivered.values()} == codes
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 100


@dataclass
class HoldingGateway:
    """The gateway accepts the first message, then holds its answer until released: the
    worker is killed while it waits, so the job dies after the send and before its commit."""

    inner: SmsGatewayFake
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        answer = self.inner.handle(method, path, headers, body)
        if not self.arrived.is_set():
            self.arrived.set()
            self.release.wait(timeout=60)
        return answer


def _worker(redis_url: str, gateway_url: str) -> subprocess.Popen[bytes]:
    """`aduan worker`'s command on the test database, in its own session."""
    database = urlsplit(os.environ["DATABASE_URL"])._replace(
        path="/" + str(connection.settings_dict["NAME"])
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aduan.settings.test",
        "DATABASE_URL": database.geturl(),
        "BROKER_URL": redis_url,
        "ADUAN_SMS_GATEWAY_URL": gateway_url,
        "ADUAN_SMS_GATEWAY_TOKEN": "gateway-token",
        "ADUAN_SMS_GATEWAY_SECRET": SMS_SECRET,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "django", "rundramatiq", "--processes", "1", "--threads", "1"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_worker_killed_mid_job_the_job_is_resumed_and_done_once(
    tenant_factory: TenantFactory, committed: None, redis_server: RedisServer
) -> None:
    # Given a receipt waiting in the outbox and a worker process consuming from Redis
    tenant = tenant_factory()
    inner = SmsGatewayFake(token="gateway-token")
    holding = HoldingGateway(inner)
    with serve(holding) as base:
        producer = RedisBroker(url=redis_server.url, namespace="dramatiq")  # type: ignore[no-untyped-call]
        previous = _bind(producer)
        try:
            complaint = file_complaint(tenant, channel=Channel.SMS, phone="081234500001")
        finally:
            tasks.deliver_outbox.broker = previous
        receipt = OutboxMessage.objects.get(tracking_code=complaint.tracking_code)
        first = _worker(redis_server.url, f"{base}/send")
        try:
            # When the worker is killed while the gateway holds its answer
            assert holding.arrived.wait(timeout=120), "the worker never sent the receipt"
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=20)
        finally:
            holding.release.set()
        # Then the receipt is still pending: the job's transaction died with it
        receipt.refresh_from_db()
        assert receipt.status == OutboxStatus.PENDING and receipt.provider_message_id == ""
        assert len(inner.requests) == 1

        # When a new worker runs and the sweep hands the job out again
        second = _worker(redis_server.url, f"{base}/send")
        try:
            previous = _bind(producer)
            try:
                later = timezone.now() + outbox.LEASE + timedelta(seconds=1)
                assert outbox.sweep_due(now=later) == 1
            finally:
                tasks.deliver_outbox.broker = previous
                producer.close()

            def sent() -> OutboxMessage | None:
                receipt.refresh_from_db()
                return receipt if receipt.status == OutboxStatus.SENT else None

            wait_for(sent, timeout=120)
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=30)
    # Then it was done once: sent again under the same key, delivered once by the gateway
    assert len(inner.requests) == 2
    assert list(inner.delivered) == [receipt.key]
    assert receipt.provider_message_id == "gw-1"
