"""A Citus cluster on this machine: a coordinator and workers as local PostgreSQL 15 instances
(Debian's binaries, into which ../shared/tools/build-citus.sh installs Citus), and a plain
PostgreSQL 15 instance of the same build and settings to compare with.

Used by tests/citus/test_citus.py and tests/bench/bench_citus.py. Every instance lives in a
temporary folder, listens on 127.0.0.1 on a free port, runs with fsync off, and is stopped and
removed by `stop()` (the instances run as the `postgres` system user when we are root:
PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_CONFIG = PG_BIN / "pg_config"
CITUS_SO = Path("/usr/lib/postgresql/15/lib/citus.so")
# The project's root (where `python -m tests.citus.flows` runs) and the shared build script.
ROOT_FOR_FLOWS = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT_FOR_FLOWS.parent / "shared" / "tools" / "build-citus.sh"
DATABASE = "aduan"
# The same settings on every instance: a test cluster, not a durable one.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "120",
    "shared_buffers": "'64MB'",
    # Two-phase commit: a forward between schemas on two workers commits on both or neither.
    "max_prepared_transactions": "120",
    "log_min_messages": "warning",
}
CITUS_SETTINGS = {
    "shared_preload_libraries": "'citus'",
    "citus.enable_schema_based_sharding": "on",
}


def missing_reason() -> str | None:
    """Why a Citus cluster cannot start here, or None. Builds Citus with the shared script
    when it is missing and we may (root, the script present, ADUAN_CITUS_BUILD not 0)."""
    if not (PG_BIN / "postgres").exists():
        return f"PostgreSQL 15 binaries not found in {PG_BIN}"
    if CITUS_SO.exists():
        return None
    if os.environ.get("ADUAN_CITUS_BUILD", "1") == "0":
        return f"{CITUS_SO} is missing and ADUAN_CITUS_BUILD=0 forbids building it"
    if os.geteuid() != 0 or not BUILD_SCRIPT.exists():
        return f"{CITUS_SO} is missing and cannot be built here (needs root and {BUILD_SCRIPT})"
    # flock: two test runs never build at once.
    done = subprocess.run(
        ["flock", str(Path(tempfile.gettempdir()) / "aduan-citus-build.lock"), "bash",
         str(BUILD_SCRIPT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0 or not CITUS_SO.exists():
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        return f"building Citus failed: {' | '.join(tail)}"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class Instance:
    name: str
    folder: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.folder / self.name

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, settings: dict[str, str]) -> None:
        run = _as_server_user()
        subprocess.run(
            [*run, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
             "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True,
        )  # fmt: skip
        lines = [f"{key} = {value}" for key, value in {**settings, "port": str(self.port)}.items()]
        lines.append(f"unix_socket_directories = '{self.folder}'")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(lines) + "\n")
        subprocess.run(
            [*run, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l",
             str(self.folder / f"{self.name}.log"), "-w", "-t", "60", "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*_as_server_user(), str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m",
                 "immediate", "-w", "stop"],
                check=False, capture_output=True,
            )  # fmt: skip

    def backend_pids(self) -> list[int]:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'"
            )
            return [int(row[0]) for row in rows.fetchall()]


@dataclass
class Cluster:
    """A coordinator, `workers` workers and (with `plain`) a plain PostgreSQL instance."""

    workers: int = 2
    plain: bool = False
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="aduan-citus-")))
    nodes: list[Instance] = field(default_factory=list)
    plain_instance: Instance | None = None

    @property
    def coordinator(self) -> Instance:
        return self.nodes[0]

    @property
    def worker_nodes(self) -> list[Instance]:
        return self.nodes[1:]

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.folder.chmod(0o755)
        names = ["coordinator", *(f"worker{n}" for n in range(1, self.workers + 1))]
        self.nodes = [Instance(name, self.folder) for name in names]
        for node in self.nodes:
            node.start({**SETTINGS, **CITUS_SETTINGS})
            with psycopg.connect(node.url(), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION citus")
        with psycopg.connect(self.coordinator.url(), autocommit=True) as conn:
            conn.execute(
                "SELECT citus_set_coordinator_host('127.0.0.1', %s)", [self.coordinator.port]
            )
            for worker in self.worker_nodes:
                conn.execute("SELECT citus_add_node('127.0.0.1', %s)", [worker.port])
        if self.plain:
            self.plain_instance = Instance("plain", self.folder)
            self.plain_instance.start(SETTINGS)
        return self

    def add_worker(self) -> Instance:
        """One more worker, started and added to the cluster (empty until a rebalance)."""
        worker = Instance(f"worker{len(self.nodes)}", self.folder)
        worker.start({**SETTINGS, **CITUS_SETTINGS})
        with psycopg.connect(worker.url(), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION citus")
        with psycopg.connect(self.coordinator.url(), autocommit=True) as conn:
            conn.execute("SELECT citus_add_node('127.0.0.1', %s)", [worker.port])
        self.nodes.append(worker)
        return worker

    def stop(self) -> None:
        for node in [*self.nodes, *([self.plain_instance] if self.plain_instance else [])]:
            node.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def running_cluster(workers: int = 2, *, plain: bool = False) -> Iterator[Cluster]:
    cluster = Cluster(workers=workers, plain=plain)
    try:
        yield cluster.start()
    finally:
        cluster.stop()
