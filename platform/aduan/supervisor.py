"""`aduan up`: one foreground command that runs web, worker and scheduler and stops them all.

The supervisor owns the embedded PostgreSQL (when DATABASE_URL is unset): it starts it while
setting up Django, and its children inherit DATABASE_URL, so the server stops when `up` exits.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from aduan import paths
from aduan.errors import AduanError

STOP_GRACE_SECONDS = 10
READY_TIMEOUT_SECONDS = 60
RESTART_BACKOFF_MAX_SECONDS = 30
# A child that ran this long before crashing is restarted after the shortest delay again.
STABLE_SECONDS = 60
STATUS_FILE = "processes.json"
STATUS_ENV = "ADUAN_PROCESS_STATUS"  # read by aduan.health


def process_command(
    name: str, *, host: str = "127.0.0.1", port: int = 8000, web_workers: int = 2
) -> list[str]:
    """The command line of one platform process (also what the systemd units run)."""
    python = sys.executable
    if name == "web":
        return [
            python, "-m", "gunicorn", "aduan.wsgi:application",
            "--bind", f"{host}:{port}",
            "--workers", str(web_workers),
            "--access-logfile", "-",
            "--graceful-timeout", str(STOP_GRACE_SECONDS),
            # Recycling workers bounds their memory; with the app imported once in the master
            # (aduan.wsgi warms it there) a new worker is a fork, not a 2 s start.
            "--max-requests", "2000", "--max-requests-jitter", "200", "--preload",
        ]  # fmt: skip
    if name == "worker":
        return [python, "-m", "django", "rundramatiq", "--processes", "1", "--threads", "4"]
    if name == "scheduler":
        return [python, "-m", "django", "crontab"]
    raise ValueError(f"unknown process {name!r}")


class AlreadyRunningError(AduanError):
    pass


def _acquire_lock(state_dir: Path) -> IO[str]:
    state_dir.mkdir(parents=True, exist_ok=True)
    handle = (state_dir / "up.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise AlreadyRunningError(
            "aduan.already_running",
            f"Aduan is already running from {state_dir} (pid {pid}); stop it with Ctrl-C first.",
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _wait_ready(url: str, children: dict[str, subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for name, child in children.items():
            if child.poll() is not None:
                raise AduanError("aduan.process_died", f"the {name} process exited during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own URL
                if response.status == 200:
                    return True
        except urllib.error.HTTPError:
            pass  # 503 while the worker's first heartbeat is on its way
        except OSError:
            pass
        time.sleep(0.5)
    return False


def _stop(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def up(*, host: str, port: int, web_workers: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.production")
    lock = _acquire_lock(paths.state_dir())
    try:
        if not _port_free(host, port):
            raise AduanError("aduan.port_busy", f"port {port} on {host} is in use; try --port")
        import django

        print("Starting Aduan: database...", flush=True)
        django.setup()  # starts or reuses the embedded PostgreSQL when DATABASE_URL is unset
        # deferred import: operations import models, which need django.setup() first.
        from aduan import operations

        operations.migrate(out=print)  # the release step: static files included
        operations.demo(out=print)
        from django.db import connections

        connections.close_all()
        return _run_children(host, port, web_workers, banner=operations.demo_banner(host, port))
    finally:
        lock.close()


@dataclass
class Child:
    """One supervised process, its restarts, and when the next start is due after a crash."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restarts: int = 0
    crashes_in_a_row: int = 0
    restart_due: float | None = None
    last_exit: int | None = None
    last_restart_at: str | None = None

    def start(self) -> None:
        # Own sessions: Ctrl-C reaches only the supervisor, which stops children in order.
        self.process = subprocess.Popen(self.command, start_new_session=True)
        self.started_at = time.monotonic()
        self.restart_due = None

    def status(self) -> dict[str, object]:
        return {
            "pid": self.process.pid if self.process is not None else None,
            "restarts": self.restarts,
            "running": self.process is not None and self.process.poll() is None,
            "last_exit": self.last_exit,
            "last_restart_at": self.last_restart_at,
        }


def restart_delay(crashes_in_a_row: int) -> float:
    """Backoff before restarting a crashed child: 1, 2, 4 ... seconds, at most 30."""
    return float(min(RESTART_BACKOFF_MAX_SECONDS, 2 ** max(0, crashes_in_a_row - 1)))


def _reap_group(process: subprocess.Popen[bytes]) -> None:
    # A child killed hard can leave its own children (gunicorn or dramatiq workers) behind in
    # its session; they would hold the port or take jobs. Its session id is its pid.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _write_status(path: Path, children: dict[str, Child]) -> None:
    """What /healthz reports under "processes": restarts per child (atomic replace)."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({name: child.status() for name, child in children.items()}))
    temporary.replace(path)


def supervise_once(children: dict[str, Child], status_path: Path) -> None:
    """One pass of the loop: note crashed children, restart those whose backoff has passed."""
    now = time.monotonic()
    changed = False
    for name, child in children.items():
        process = child.process
        if process is not None and child.restart_due is None and process.poll() is not None:
            _reap_group(process)
            if now - child.started_at >= STABLE_SECONDS:
                child.crashes_in_a_row = 0  # it had been running fine: start over at 1 s
            child.crashes_in_a_row += 1
            child.last_exit = process.returncode
            delay = restart_delay(child.crashes_in_a_row)
            child.restart_due = now + delay
            print(
                f"aduan: the {name} process exited ({process.returncode});"
                f" restarting it in {delay:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            changed = True
        if child.restart_due is not None and now >= child.restart_due:
            child.start()
            child.restarts += 1
            child.last_restart_at = datetime.now(UTC).isoformat()
            changed = True
    if changed:
        _write_status(status_path, children)


def _run_children(host: str, port: int, web_workers: int, *, banner: str) -> int:
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    status_path = paths.state_dir() / STATUS_FILE
    # The web process reads it for /healthz.
    os.environ[STATUS_ENV] = str(status_path)
    children = {
        name: Child(name, process_command(name, host=host, port=port, web_workers=web_workers))
        for name in ("web", "worker", "scheduler")
    }
    try:
        for child in children.values():
            child.start()
        _write_status(status_path, children)
        ready = _wait_ready(
            f"http://{host}:{port}/healthz",
            {name: child.process for name, child in children.items() if child.process},
        )
        print(banner, flush=True)
        if not ready:
            print(
                f"Warning: /healthz is not healthy yet; see http://{host}:{port}/healthz",
                flush=True,
            )
        # A crashed child is restarted with backoff while the others keep running.
        while not stopping:
            supervise_once(children, status_path)
            time.sleep(0.5)
        print("\nStopping Aduan...", flush=True)
        return 0
    finally:
        _stop({name: child.process for name, child in children.items() if child.process})
        status_path.unlink(missing_ok=True)
        print("Aduan stopped.", flush=True)
