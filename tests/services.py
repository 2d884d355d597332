"""Helpers for tests that need real services: reachability, processes, dramatiq workers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


class CuttableProxy:
    """A TCP proxy on loopback in front of a server (host and port, or a Unix socket path):
    `cut()` drops every connection and refuses new ones, as a server that has just gone away
    looks to its clients; `restore()` listens again on the same port."""

    def __init__(self, target: tuple[str, int] | str) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def _upstream(self) -> socket.socket:
        if isinstance(self.target, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(self.target)
            return sock
        return socket.create_connection(self.target)

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(0.1)  # the accept loop notices a cut within 0.1 s
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = self._upstream()
            with self._lock:
                self._open += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def restore(self) -> None:
        self.start()
