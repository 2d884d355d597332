"""Connection pooling that cannot cross tenants (issue 23).

Aduan sets a connection's search_path once (django-tenants, TENANT_LIMIT_SET_CALLS) and relies
on it until the connection closes. deploy/pgbouncer/pgbouncer.ini therefore pools in session
mode: a client keeps its server connection until it disconnects, and DISCARD ALL resets the
search_path before the next client gets it. These tests start a real PgBouncer (Debian's
package; installed with apt-get when missing, else skipped loudly) with the deploy file's
pooling settings in front of the test database:

- concurrent requests of three tenants, from threads whose Django connection goes through
  PgBouncer and is closed after every request (so server connections pass from one tenant's
  client to another's), each read only their own tenant's marker complaint; each request
  has two clients, as in production: the default connection and the public schema's
  (aduan.db.public_connection), both through PgBouncer;
- the same PgBouncer in transaction mode does leak a search_path from one client to another,
  which is why deploy/ does not use it (and that the first test could see a leak).
"""

from __future__ import annotations

import configparser
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connections
from django.db.utils import load_backend

from aduan.db import public_connection
from tenants.models import Role, Tenant
from tests.aduan.test_cli import ROOT, _free_port
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in
from tests.services import current_database_params

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

DEPLOYED = ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini"


def _pgbouncer() -> str:
    found = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=120", "pgbouncer"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True, timeout=300, check=False,
        )  # fmt: skip
        found = shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")
    if found is None:
        pytest.skip(
            "SKIPPED LOUDLY: PgBouncer is not installed and could not be installed with"
            " apt-get (apt-get install pgbouncer); the pooling isolation is NOT proven here"
        )
    return found


def deployed_pooling() -> dict[str, str]:
    """The [pgbouncer] settings deploy/ runs with."""
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",))
    parser.read(DEPLOYED)
    return dict(parser["pgbouncer"])


class PgBouncer:
    """A PgBouncer in front of the test database, on a free local port."""

    def __init__(self, *, pool_mode: str, pool_size: int) -> None:
        params = current_database_params()
        self.dbname = params["dbname"]
        self.user = params.get("user", "postgres")
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="aduan-pgbouncer-"))
        self.folder.chmod(0o777)  # PgBouncer runs as the database's own user when we are root
        host = params.get("host", "127.0.0.1")
        server = f"host={host} port={params.get('port', '5432')} dbname={self.dbname}"
        settings = {
            **{k: v for k, v in deployed_pooling().items() if k not in {"auth_file"}},
            "listen_addr": "127.0.0.1",
            "listen_port": str(self.port),
            "unix_socket_dir": "",
            "auth_type": "trust",  # the test database trusts local clients; deploy: scram
            "admin_users": self.user,  # the test reads SHOW SERVERS
            "auth_file": str(self.folder / "userlist.txt"),
            "pool_mode": pool_mode,
            "default_pool_size": str(pool_size),
            "logfile": str(self.folder / "pgbouncer.log"),
            "pidfile": str(self.folder / "pgbouncer.pid"),
        }
        (self.folder / "userlist.txt").write_text(f'"{self.user}" ""\n')
        lines = ["[databases]", f"{self.dbname} = {server} user={self.user}", "[pgbouncer]"]
        lines += [f"{k} = {v}" for k, v in settings.items()]
        self.config = self.folder / "pgbouncer.ini"
        self.config.write_text("\n".join(lines) + "\n")
        for made in self.folder.iterdir():
            made.chmod(0o666)
        owner = self._socket_owner(host)
        self.command = [_pgbouncer(), *(["-u", owner] if owner else []), str(self.config)]
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def _socket_owner(host: str) -> str:
        """As root, run as the user that owns the database's socket folder (it may enter it)."""
        if os.geteuid() != 0:
            return ""
        folder = Path(host) if host.startswith("/") else Path("/tmp")  # noqa: S108
        owner = pwd.getpwuid(folder.stat().st_uid).pw_name
        return "postgres" if owner == "root" else owner

    def __enter__(self) -> PgBouncer:
        self.process = subprocess.Popen(self.command, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        log = (self.folder / "pgbouncer.log").read_text() if (
            self.folder / "pgbouncer.log"
        ).exists() else ""  # fmt: skip
        raise AssertionError(f"PgBouncer did not start: {log[-2000:]}")

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)

    def connect(self, dbname: str = "") -> psycopg.Connection[Any]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, dbname=dbname or self.dbname, user=self.user,
            autocommit=True, prepare_threshold=None,
            cursor_factory=psycopg.ClientCursor,  # the admin console speaks simple queries only
        )  # fmt: skip

    def server_connections(self) -> int:
        """How many server connections PgBouncer holds to the database (its admin console)."""
        with self.connect("pgbouncer") as console:
            rows = console.execute("SHOW SERVERS").fetchall()
        return len(rows)


THREADS = 6


@pytest.fixture
def through_pgbouncer(committed: None) -> Iterator[PgBouncer]:
    """The deploy's pooling (session mode) with a pool smaller than the clients (each thread's
    request holds two), so server connections go from one client to another; one larger than
    the threads, so that some request always gets both of its own (with fewer, every thread
    could hold one and wait for a second: deploy/README.md sizes the pool at two a process)."""
    assert deployed_pooling()["pool_mode"] == "session"
    assert deployed_pooling()["server_reset_query"] == "DISCARD ALL"
    with PgBouncer(pool_mode=deployed_pooling()["pool_mode"], pool_size=THREADS + 1) as bouncer:
        yield bouncer


def pooled_connection(bouncer: PgBouncer) -> Any:
    """A `default` connection (for this thread) that goes through PgBouncer."""
    settings_dict = {
        **connections.settings["default"],
        "HOST": "127.0.0.1",
        "PORT": str(bouncer.port),
        "CONN_MAX_AGE": 0,  # a new client for every request: server connections change hands
        "CONN_HEALTH_CHECKS": False,
    }
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")


def test_concurrent_requests_of_three_tenants_through_pgbouncer_read_only_their_own(
    through_pgbouncer: PgBouncer, tenant_factory: TenantFactory
) -> None:
    # Given three villages, each holding one complaint whose subject names its village
    clients: dict[str, list[TenantClient]] = {}
    tenants: dict[str, Tenant] = {}
    for n in range(3):
        tenant = tenant_factory()
        tenants[tenant.slug] = tenant
        file_complaint(tenant, subject=f"Penanda {tenant.slug}")
        officer = make_member(tenant, Role.OFFICER)
        clients[tenant.slug] = []
        for _ in range(2):  # two threads per tenant
            client = TenantClient()
            sign_in(client, officer, two_factor=False)
            clients[tenant.slug].append(client)
        assert n == len(tenants) - 1
    # (one request first, here: the schema the test client checks answers against is built
    # once, and its generator is not thread-safe)
    first = clients[next(iter(tenants))][0].get(
        "/api/v1/register/", tenant=next(iter(tenants.values()))
    )
    assert first.status_code == 200, first.content
    seen: list[tuple[str, int, list[str]]] = []
    failures: list[BaseException] = []

    def work(slug: str, client: TenantClient) -> None:
        # This thread's Django connection goes through PgBouncer, reconnecting per request.
        connections["default"] = pooled_connection(through_pgbouncer)
        # and so does its public schema's connection (made from the default one's settings)
        assert public_connection().settings_dict["PORT"] == str(through_pgbouncer.port)
        try:
            for _ in range(8):
                answer = client.get("/api/v1/register/", tenant=tenants[slug])
                subjects = [row["subject"] for row in answer.json().get("results", [])]
                seen.append((slug, answer.status_code, subjects))
                connections["default"].close()
        except BaseException as problem:  # reported by the main thread
            failures.append(problem)
        finally:
            connections["default"].close()

    # When six threads request the register of their tenant at the same time
    threads = [
        threading.Thread(target=work, args=(slug, client))
        for slug, pair in clients.items()
        for client in pair
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    # Then every answer came, and held its own tenant's complaint and nothing else
    assert not failures, failures
    assert len(seen) == THREADS * 8
    wrong = [(slug, status, subjects) for slug, status, subjects in seen
             if (status, subjects) != (200, [f"Penanda {slug}"])]  # fmt: skip
    assert wrong == []
    # and up to twelve clients of three tenants at once were served by at most seven server
    # connections, which therefore passed from one tenant's client to another's
    assert len(threads) == THREADS
    assert 1 <= through_pgbouncer.server_connections() <= THREADS + 1


def test_transaction_pooling_would_leak_a_search_path_between_clients(committed: None) -> None:
    # Given PgBouncer in transaction mode with one server connection
    with PgBouncer(pool_mode="transaction", pool_size=1) as bouncer:
        first, second = bouncer.connect(), bouncer.connect()
        try:
            # When one client sets its search_path once (as Aduan does) and another sets its own
            first.execute("SET search_path = tenant_a, public")
            second.execute("SET search_path = tenant_b, public")
            # Then the first client's next statement runs with the second client's path
            row = first.execute("SHOW search_path").fetchone()
        finally:
            first.close()
            second.close()
    assert row is not None and row[0] == "tenant_b, public"
