"""Background jobs: the one way to enqueue, and the worker's heartbeat."""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any

import dramatiq
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from dramatiq.broker import MessageProxy
from dramatiq.middleware import Middleware

from aduan.db import close_obsolete_public_connection, recycle_spread_connection, tenant_db

logger = logging.getLogger("aduan.jobs")

HEARTBEAT_INTERVAL = 10.0


# A job is named by its actor's name where the tasks module that declares it imports the
# caller (jobs are an interface to actions, so a tasks module sits above them): naming it
# keeps the import graph acyclic. Every app's tasks module is loaded in its AppConfig.ready,
# so the name resolves in every process; tests/aduan/test_jobs.py checks every name used.


def actor_of(job: dramatiq.Actor[Any, Any] | str) -> dramatiq.Actor[Any, Any]:
    """The actor itself, or the one registered on the broker under that name."""
    if isinstance(job, str):
        found: dramatiq.Actor[Any, Any] = dramatiq.get_broker().get_actor(job)
        return found
    return job


def enqueue_on_commit(job: dramatiq.Actor[Any, Any] | str, *args: Any, **kwargs: Any) -> None:
    """Send a job once the current transaction commits; nothing is sent for a rollback.

    What the transaction wrote is already stored when the job is sent, so a queue that does
    not answer then (the database or broker gone away) must not turn the request into an
    error: the job is kept and sent again by this process (`RESENDER`)."""
    transaction.on_commit(lambda: send_or_keep(job, *args, **kwargs))


def send_or_keep(job: dramatiq.Actor[Any, Any] | str, *args: Any, **kwargs: Any) -> bool:
    """Send now; if the queue cannot take it, keep it for `RESENDER` and say False."""
    try:
        actor_of(job).send(*args, **kwargs)
    except Exception:
        logger.warning("could not enqueue %s%r; sending it again shortly", job, args)
        RESENDER.keep(job, args, kwargs)
        return False
    return True


class Resender:
    """Jobs a process could not enqueue, sent again with growing pauses (1 s doubling to 30 s)
    by one daemon thread, in order. Bounded: beyond `limit` kept jobs the oldest is dropped
    and logged, so a long outage cannot grow a web worker without end. A job kept here dies
    with its process; every job sent this way is safe to repeat or has its own sweep (routing
    looks for its ROUTED entry; the outbox, SLA clocks and desks are swept by the scheduler)."""

    def __init__(self, *, limit: int = 10_000, first_pause: float = 1.0, pause_cap: float = 30.0):
        self.limit = limit
        self.first_pause = first_pause
        self.pause_cap = pause_cap
        self._jobs: deque[tuple[dramatiq.Actor[Any, Any] | str, tuple[Any, ...], dict[str, Any]]]
        self._jobs = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def __len__(self) -> int:
        return len(self._jobs)

    def kept(self) -> list[tuple[str, tuple[Any, ...]]]:
        with self._lock:
            return [(job if isinstance(job, str) else job.actor_name, args)
                    for job, args, _ in self._jobs]  # fmt: skip

    def keep(
        self, job: dramatiq.Actor[Any, Any] | str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        with self._lock:
            if len(self._jobs) >= self.limit:
                dropped = self._jobs.popleft()
                logger.error("too many jobs waiting for the queue; dropped %s%r", *dropped[:2])
            self._jobs.append((job, args, kwargs))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="aduan-resend", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        pause = 0.0
        while True:
            self._wake.wait(pause)
            self._wake.clear()
            with self._lock:
                if not self._jobs:
                    self._thread = None
                    return
                job, args, kwargs = self._jobs[0]
            try:
                actor_of(job).send(*args, **kwargs)
            except Exception:
                pause = min(max(pause * 2, self.first_pause), self.pause_cap)
                continue
            with self._lock:
                self._jobs.popleft()
            logger.info("enqueued %s%r after all", job, args)
            pause = 0.0  # the queue answers again: send the rest at once


RESENDER = Resender()


def enqueue_once_after_commit(
    job: dramatiq.Actor[Any, Any] | str, key: str, *args: Any, delay_seconds: int
) -> None:
    """Send a job `delay_seconds` after the current transaction commits, at most once per
    `key` while one is pending: the changes of one batch are handled by one run. The job
    clears the mark (`release_once(key)`) when it starts."""
    if cache.add(f"aduan.jobs.once:{key}", 1, timeout=delay_seconds * 4):
        transaction.on_commit(
            lambda: actor_of(job).send_with_options(args=args, delay=delay_seconds * 1000)
        )


def release_once(key: str) -> None:
    cache.delete(f"aduan.jobs.once:{key}")


def record_heartbeat(name: str, **detail: Any) -> None:
    from django.utils import timezone

    # deferred import: django_dramatiq loads WorkerHeartbeat (below) in its AppConfig, before
    # the app registry can import models.
    from aduan.models import Heartbeat

    tenant_db.set_schema_to_public()
    Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "detail": detail}
    )


def forget_heartbeat(name: str) -> None:
    # deferred import: see record_heartbeat.
    from aduan.models import Heartbeat

    tenant_db.set_schema_to_public()
    Heartbeat.objects.filter(name=name).delete()


class WorkerHeartbeat(Middleware):
    """Writes the "worker" heartbeat every few seconds while a worker runs; /healthz reads it."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        # The first beat is synchronous: a booted worker is reported up at once.
        self._beat_once()
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name="aduan-heartbeat", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            forget_heartbeat("worker")
        finally:
            connection.close()

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_INTERVAL):
            self._beat_once()

    def _beat_once(self) -> None:
        try:
            record_heartbeat("worker")
        except Exception:  # the database may be restarting; the next beat retries
            logger.warning("could not record the worker heartbeat", exc_info=True)
        finally:
            # A heartbeat connection left open would pin a backend for the worker's life.
            close_old_connections()
            connection.close()


class RecycleSpreadConnections(Middleware):
    """After each job, a worker thread closes its connection once it has set its search_path
    to `SCHEMAS_PER_CONNECTION` tenant schemas (aduan.db.recycle_spread_connection), as a web
    process does at the end of a request: jobs spread over a fleet would otherwise grow one
    backend's catalog cache for every tenant they touch, for the connection's whole age."""

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        recycle_spread_connection()
        close_obsolete_public_connection()
