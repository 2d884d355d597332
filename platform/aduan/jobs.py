"""Background jobs: the one way to enqueue, and the worker's heartbeat."""

from __future__ import annotations

import logging
import threading
from typing import Any

import dramatiq
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from dramatiq.middleware import Middleware

from aduan.db import tenant_db

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
    """Send a job once the current transaction commits; nothing is sent for a rollback."""
    transaction.on_commit(lambda: actor_of(job).send(*args, **kwargs))


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
