"""Helpers for tests that need real services: reachability, processes, dramatiq workers."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import dramatiq
from django.db import connection

from aduan.broker import MIDDLEWARE

REDIS_URL = "redis://127.0.0.1:6379/9"


def reachable(host: str, port: int) -> bool:
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


def current_database_params() -> dict[str, str]:
    """libpq parameters of the test database (pytest-django renamed it)."""
    params = connection.get_connection_params()
    return {
        k: str(v)
        for k, v in params.items()
        if k in {"dbname", "user", "password", "host", "port"} and v
    }


def with_middleware(broker: dramatiq.Broker) -> dramatiq.Broker:
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


def pid_alive(pid: int) -> bool:
    """Running, not merely a zombie: in containers an exited server may wait to be reaped."""
    import psutil

    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False
