"""dramatiq broker selection from BROKER_URL (read by django_dramatiq at start-up)."""

from __future__ import annotations

import logging
import os
from typing import Any

import dramatiq
from dramatiq.common import current_millis, dq_name
from dramatiq_postgres import PostgresBroker as LibraryPostgresBroker
from dramatiq_postgres.broker import QUERIES
from dramatiq_postgres.schema import generate_init_sql, schema_exists
from dramatiq_postgres.utils import make_pool, tidy4json
from psycopg.types.json import Json
from psycopg_pool import ConnectionPool

from aduan import ddl

logger = logging.getLogger("aduan.broker")

# A web request waits at most this long to hand a job to the PostgreSQL queue: a request
# must answer before gunicorn's timeout even when the database has just gone away.
WEB_ENQUEUE_TIMEOUT = 2.0
# Connections a process's broker may open (on demand): a web process only enqueues.
WEB_POOL = 4
WORKER_POOL = 16

MIDDLEWARE = [
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
    "aduan.jobs.RecycleSpreadConnections",
    "aduan.jobs.WorkerHeartbeat",
]


class PostgresBroker(LibraryPostgresBroker):
    """dramatiq-postgres' broker; in a web process (`fail_fast`) a job is handed over in one
    try with a short wait for a connection. The library retries ten times with exponential
    waits on a pool that waits 30 s each: right for a worker, a hang for a request whose
    transaction has already committed (aduan.jobs.enqueue_on_commit keeps the job and sends it
    again once the queue answers).

    Its pool belongs to the process that made it: gunicorn's `--preload` imports the app (and
    makes this broker) in its master, then forks the workers, where the master's pool has no
    threads to open a connection with. A forked process makes its own on first use."""

    _pool: ConnectionPool
    _pool_pid: int

    def __init__(self, *, fail_fast: bool = False, url: Any = "", **kwargs: Any) -> None:
        self._url = url
        super().__init__(url=url, **kwargs)
        self.fail_fast = fail_fast

    @property
    def pool(self) -> ConnectionPool:
        if self._pool_pid != os.getpid():
            made: ConnectionPool = make_pool(self._url)
            self._pool, self._pool_pid = made, os.getpid()
        return self._pool

    @pool.setter
    def pool(self, pool: ConnectionPool) -> None:
        self._pool, self._pool_pid = pool, os.getpid()

    def enqueue(self, message: dramatiq.Message[Any], *, delay: int | None = None) -> Any:
        if not self.fail_fast:
            return super().enqueue(message, delay=delay)
        # The library's enqueue, once, without its retries (dramatiq_postgres/broker.py).
        self.emit_before("enqueue", message, delay)
        if delay:
            message = message.copy(queue_name=dq_name(message.queue_name))
            message.options["eta"] = current_millis() + delay
        query = QUERIES.ENQUEUE if self.notify else QUERIES.ENQUEUE_QUIET
        params = (message.queue_name, message.message_id, Json(tidy4json(message)), delay or 0)
        with self.pool.connection(timeout=WEB_ENQUEUE_TIMEOUT) as conn:
            conn.execute(query, params)
        self.emit_after("enqueue", message, delay)
        return message


QUEUE_SCHEMA = "dramatiq"


def init_queue_schema(cursor: Any, *, citus: bool) -> bool:
    """dramatiq_postgres.init, in the shape a Citus coordinator takes: the library sends its
    whole schema.sql in one execute (refused there: "cannot insert multiple commands into a
    prepared statement") and its CREATE SCHEMA would make a distributed schema. Here: the
    library's own lock and check, then one statement per execute, the schema kept local to
    the coordinator. Needs a transaction (the lock is held until it ends). True when created.
    """
    cursor.execute(
        "SELECT pg_advisory_xact_lock(hashtext(%s), hashtext('dramatiq-postgres-ddl'))",
        (f"{QUEUE_SCHEMA}.queue",),
    )
    if schema_exists(cursor, QUEUE_SCHEMA):
        return False
    if citus:  # for this transaction only: tenant schemas made later are distributed
        cursor.execute("SELECT set_config('citus.enable_schema_based_sharding', 'off', true)")
    for statement in ddl.split(generate_init_sql(QUEUE_SCHEMA)):
        cursor.execute(statement)
    return True


def broker_kind(broker_url: str) -> str:
    if broker_url.startswith(("redis://", "rediss://")):
        return "redis"
    if broker_url.startswith(("amqp://", "amqps://")):
        return "rabbitmq"
    if broker_url.startswith("stub://"):
        return "stub"
    if not broker_url:
        return "postgres"
    raise ValueError(f"BROKER_URL must start with redis://, amqp:// or stub://, got {broker_url!r}")


def broker_settings(broker_url: str, database_url: str, *, web: bool = False) -> dict[str, Any]:
    """The DRAMATIQ_BROKER setting for django_dramatiq; `web`: for a web server's process."""
    kind = broker_kind(broker_url)
    if kind == "redis":
        return {
            "BROKER": "dramatiq.brokers.redis.RedisBroker",
            "OPTIONS": {"url": broker_url},
            "MIDDLEWARE": MIDDLEWARE,
        }
    if kind == "rabbitmq":
        return {
            "BROKER": "dramatiq.brokers.rabbitmq.RabbitmqBroker",
            "OPTIONS": {"url": broker_url},
            "MIDDLEWARE": MIDDLEWARE,
        }
    if kind == "stub":
        return {
            "BROKER": "dramatiq.brokers.stub.StubBroker",
            "OPTIONS": {},
            "MIDDLEWARE": MIDDLEWARE,
        }
    # The queue lives in the `dramatiq` schema of Aduan's own database (created by migrate).
    # Each process opens pool connections on demand only; cap them so web workers stay light.
    # A worker holds one connection per queue it consumes (each queue and its delay queue)
    # plus its notifier's: with too few, a queue is never consumed and the worker cannot stop.
    separator = "&" if "?" in database_url else "?"
    url = f"{database_url}{separator}maxconn={WEB_POOL if web else WORKER_POOL}"
    if web:  # a server that has gone away is noticed in seconds, not at the TCP timeout
        url += f"&connect_timeout={int(WEB_ENQUEUE_TIMEOUT)}"
    return {
        "BROKER": "aduan.broker.PostgresBroker",
        "OPTIONS": {"url": url, "results": False, "fail_fast": web},
        "MIDDLEWARE": MIDDLEWARE,
    }
