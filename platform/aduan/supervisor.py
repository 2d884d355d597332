"""`aduan up`: one foreground command that runs web, worker and scheduler and stops them all.

The supervisor owns the embedded PostgreSQL (when DATABASE_URL is unset): it starts it while
setting up Django, and its children inherit DATABASE_URL, so the server stops when `up` exits.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from aduan.errors import AduanError
from aduan.paths import state_dir

STOP_GRACE_SECONDS = 10
READY_TIMEOUT_SECONDS = 60


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
            # Recycling workers bounds the per-connection catalog cache at fleet scale.
            "--max-requests", "2000", "--max-requests-jitter", "200",
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
    lock = _acquire_lock(state_dir())
    try:
        if not _port_free(host, port):
            raise AduanError("aduan.port_busy", f"port {port} on {host} is in use; try --port")
        import django

        print("Starting Aduan: database...", flush=True)
        django.setup()  # starts or reuses the embedded PostgreSQL when DATABASE_URL is unset
        from django.core.management import call_command

        # deferred import: operations import models, which need django.setup() first.
        from aduan import operations

        operations.migrate(out=print)
        operations.demo(out=print)
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.db import connections

        connections.close_all()
        return _run_children(host, port, web_workers, banner=operations.demo_banner(host, port))
    finally:
        lock.close()


def _run_children(host: str, port: int, web_workers: int, *, banner: str) -> int:
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in ("web", "worker", "scheduler"):
            # Own sessions: Ctrl-C reaches only the supervisor, which stops children in order.
            children[name] = subprocess.Popen(
                process_command(name, host=host, port=port, web_workers=web_workers),
                start_new_session=True,
            )
        ready = _wait_ready(f"http://{host}:{port}/healthz", children)
        print(banner, flush=True)
        if not ready:
            print(
                f"Warning: /healthz is not healthy yet; see http://{host}:{port}/healthz",
                flush=True,
            )
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(
                        f"aduan: error: the {name} process exited ({child.returncode})",
                        file=sys.stderr,
                    )
                    return 1
            time.sleep(0.5)
        print("\nStopping Aduan...", flush=True)
        return 0
    finally:
        _stop(children)
        print("Aduan stopped.", flush=True)
