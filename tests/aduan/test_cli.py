"""The `aduan` command: one readable line and a non-zero exit on errors; `up` end to end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from aduan.supervisor import _acquire_lock
from tests.services import pid_alive

ROOT = Path(__file__).resolve().parents[2]
ADUAN = str(Path(sys.executable).parent / "aduan")


def _env(state: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(ADUAN_STATE_DIR=str(state), **extra)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_second_up_while_one_runs_says_so_and_exits_non_zero(tmp_path: Path) -> None:
    lock = _acquire_lock(tmp_path)  # what a running `aduan up` holds
    try:
        done = subprocess.run(
            [ADUAN, "up", "--port", str(_free_port())], env=_env(tmp_path),
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        lock.close()
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"aduan: error: Aduan is already running from {tmp_path} (pid {os.getpid()});"
        " stop it with Ctrl-C first."
    )
    assert not (tmp_path / "pgdata").exists()


def test_bad_region_source_is_one_readable_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [ADUAN, "regions", "load", "--source", str(tmp_path / "missing")],
        env=_env(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("aduan: error: Berkas data wilayah ")


@pytest.mark.timeout(240)
def test_up_runs_web_worker_and_scheduler_then_stops_cleanly(tmp_path: Path) -> None:
    # Given a fresh state folder (its own embedded PostgreSQL) and a free port
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
        banner = "".join(output)
        # Then the banner lists the demo tenants by path and subdomain, and the logins
        assert f"http://localhost:{port}/t/desa-babakan/" in banner
        assert f"http://desa-babakan.localhost:{port}/" in banner
        assert "petugas" in banner and "aduan-demo-2026" in banner
        # and every process is up: /healthz is 200 with a worker heartbeat
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            health = json.load(response)
        assert health["status"] == "ok", health
        assert health["broker"]["kind"] == "postgres"
        page = urllib.request.urlopen(
            f"http://127.0.0.1:{port}/t/disdukcapil-sanggau/", timeout=10
        ).read()
        assert b"Disdukcapil Kabupaten Sanggau" in page and b"KABUPATEN SANGGAU" in page
        pgdata_pid = int((tmp_path / "pgdata" / "postmaster.pid").read_text().split()[0])
    finally:
        # When Ctrl-C arrives
        up.send_signal(signal.SIGINT)
        rest, _ = up.communicate(timeout=60)
    # Then everything stops cleanly, the embedded database included
    assert up.returncode == 0, "".join(output) + rest
    assert "Aduan stopped." in rest
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()
    assert not pid_alive(pgdata_pid)
