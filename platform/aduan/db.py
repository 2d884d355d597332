"""The default connection, typed as what django-tenants makes it, and the read replica that
reports and public statistics read from where one is configured (`DATABASE_REPLICA_URL`).

Report selectors read on the replica in one of two ways:

    from aduan.db import reporting, reporting_alias
    Complaint.objects.using(reporting_alias()).filter(...)   # one queryset
    with reporting():                                         # every read inside
        rows = list(Complaint.objects.filter(...))

Both fall back to the primary when no replica is configured. The replica's connection reads
in the schema the primary's connection is in (the request's tenant, or `schema_context`), so a
report never reads another tenant's schema. Only reads go there: writes inside `reporting()`
still go to the primary, and nothing is ever migrated on the replica (it streams the primary).
A replica lags the primary by a moment, so only read there what may be a moment old (reports,
statistics), never what a citizen or officer has just written.

`RowReader`: rows of SQL written once made into model instances, for the reads every request
makes. `pipeline()`: statements sent without waiting for each answer (a schema's DDL).
`public_connection()`: where a statement of the public schema's tables runs outside any
transaction (the request's tenant, the front door's village and authorities, the rate
counters), so that PostgreSQL keeps its plan.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.utils import load_backend

M = TypeVar("M", bound=Model)

# django-tenants' backend adds set_schema/set_tenant/set_schema_to_public to the default
# connection; django-stubs only knows Django's base class, hence Any.
tenant_db: Any = connection

# The alias of the read replica in DATABASES (set from DATABASE_REPLICA_URL).
REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("aduan_reporting", default=False)


def citus() -> bool:
    """Whether the database is a Citus coordinator (ADUAN_CITUS, deploy/SCALING.md)."""
    return bool(getattr(settings, "ADUAN_CITUS", False))


@contextmanager
def schemas_kept_local(cursor: Any) -> Iterator[None]:
    """Schemas created inside stay on the coordinator, undistributed (the template, the plan
    and verify scratch schemas, the queue): on Citus a CREATE SCHEMA would otherwise make a
    distributed schema. Needs a transaction; the setting is put back afterwards, so a tenant
    schema made later in the same transaction is distributed. Nothing on plain PostgreSQL."""
    if not citus():
        yield
        return
    cursor.execute("SELECT current_setting('citus.enable_schema_based_sharding')")
    before = str(cursor.fetchone()[0])
    cursor.execute("SELECT set_config('citus.enable_schema_based_sharding', 'off', true)")
    try:
        yield
    finally:
        cursor.execute(
            "SELECT set_config('citus.enable_schema_based_sharding', %s, true)", [before]
        )


@contextmanager
def pipeline() -> Iterator[None]:
    """Statements executed on the default connection inside are sent without waiting for each
    answer (psycopg's pipeline mode; each is still its own statement to the server), for a
    run of statements whose results nobody reads, like a schema's DDL. Errors come at the
    end, as psycopg's: wrap in `connection.wrap_database_errors` for Django's."""
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


def has_replica() -> bool:
    """Whether a replica is configured (settings add DATABASES["replica"] from the URL)."""
    return bool(getattr(settings, "DATABASE_REPLICA_URL", ""))


def reporting_alias() -> str:
    """The database alias a read-only report reads from: the replica when configured (its
    connection put in the schema the primary's connection is in), else the primary."""
    if not has_replica():
        return "default"
    replica: Any = connections[REPLICA]
    tenant = getattr(tenant_db, "tenant", None)
    if tenant is not None and getattr(replica, "tenant", None) != tenant:
        replica.set_tenant(tenant)  # django-tenants sets search_path on its next cursor
    elif tenant is None and tenant_db.schema_name != getattr(replica, "schema_name", None):
        replica.set_schema(tenant_db.schema_name)
    return REPLICA


@contextmanager
def reporting() -> Iterator[str]:
    """Within it, the ORM's reads go to `reporting_alias()` (ReportingRouter)."""
    alias = reporting_alias()
    token = _reporting.set(alias == REPLICA)
    try:
        yield alias
    finally:
        _reporting.reset(token)


class ReportingRouter:
    """Reads inside `reporting()` go to the replica; nothing is migrated on it. Everything
    else is left to the next router (django-tenants' TenantSyncRouter)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return REPLICA if _reporting.get() and has_replica() else None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read there relates to one here.
        return True if {obj1._state.db, obj2._state.db} <= {"default", REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def recycle_spread_connection() -> bool:
    """Close the default connection once it has set its search_path to
    `SCHEMAS_PER_CONNECTION` distinct schemas (aduan.postgresql counts them): its backend's
    catalog cache grows with every schema touched, so this bounds a backend's memory by design.
    Called where a unit of work ends (the end of a request); never inside a transaction.
    Returns whether it closed the connection."""
    touched = getattr(tenant_db, "schemas_touched", ())
    if len(touched) < settings.SCHEMAS_PER_CONNECTION or tenant_db.in_atomic_block:
        return False
    tenant_db.close()
    # The next request looks its tenant up from the public schema, not the last one served.
    tenant_db.set_schema_to_public()
    return True


# The public schema's own connection: one a thread, made on first use (public_connection).
PUBLIC_ALIAS = "public"
PREPARE_THRESHOLD = 5
_public = threading.local()
# Every thread's, so that all can be closed at once (tests, before the database is dropped).
_public_wrappers: weakref.WeakSet[BaseDatabaseWrapper] = weakref.WeakSet()


def public_connection() -> BaseDatabaseWrapper:
    """Where a statement of the public schema's tables runs: outside any transaction, this
    thread's connection of its own, whose search_path never leaves the public schema and
    whose statements are bound on the server, so psycopg prepares those it sees repeat.
    On the default connection, whose search_path moves to each request's tenant, PostgreSQL
    plans them anew every time (a kept plan is dropped when search_path changes): the
    request's tenant read cost the server ~240 µs a request there, ~40 µs prepared here.
    Inside a transaction (and with ADUAN_PUBLIC_CONNECTION off) it is the default connection:
    the statement must see, and be undone with, what the transaction wrote."""
    if connection.in_atomic_block or not settings.ADUAN_PUBLIC_CONNECTION:
        return connection
    wrapper: BaseDatabaseWrapper | None = getattr(_public, "wrapper", None)
    if wrapper is not None and wrapper.settings_dict["NAME"] == connection.settings_dict["NAME"]:
        return wrapper
    if wrapper is not None:
        wrapper.close()  # another database since (a test run's own)
    primary = connection.settings_dict
    # Django turns psycopg's automatic preparing off unless asked: a statement is prepared
    # on its fifth run (psycopg's default), so one that runs once is never kept.
    options = {
        **primary.get("OPTIONS", {}),
        "server_side_binding": True,
        "prepare_threshold": PREPARE_THRESHOLD,
    }
    wrapper = load_backend(primary["ENGINE"]).DatabaseWrapper(
        {**primary, "OPTIONS": options}, PUBLIC_ALIAS
    )
    _public.wrapper = wrapper
    _public_wrappers.add(wrapper)
    return wrapper


def plan_once(*, connection: BaseDatabaseWrapper, **_signal: Any) -> None:
    """On each new public connection (Django's `connection_created`): PostgreSQL's generic
    plan for every statement it prepares. Left to choose, it planned the front door's village
    and authorities anew on every run (a custom plan each time, ~320 µs of the server's CPU at
    3,000 tenants; ~50 µs generic): what runs here are key lookups whose plan fits any key."""
    if connection.alias == PUBLIC_ALIAS:
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")


def close_obsolete_public_connection(**_signal: Any) -> None:
    """What Django does for its own connections at a request's end (`close_old_connections`):
    close this thread's public connection past CONN_MAX_AGE or after an error, and have its
    next use check it is still the server's session."""
    wrapper: BaseDatabaseWrapper | None = getattr(_public, "wrapper", None)
    if wrapper is not None:
        wrapper.close_if_unusable_or_obsolete()


def close_public_connections() -> None:
    """Close every thread's public connection (a test database is about to be dropped)."""
    for wrapper in list(_public_wrappers):
        wrapper.inc_thread_sharing()
        try:
            wrapper.close()
        finally:
            wrapper.dec_thread_sharing()


def fetch(sql: str, params: Sequence[Any], *, public: bool = False) -> list[tuple[Any, ...]]:
    """The rows of SQL written once, as the driver gives them: for `RowReader.make` to shape,
    where one row holds several models' columns. `public`: the statement reads only the
    public schema's tables, so it runs on `public_connection()`."""
    with (public_connection() if public else connection).cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


class RowReader(Generic[M]):
    """Rows of SQL written once, made into `model` instances directly: a RawQuerySet works out
    its columns' order and converters anew for every query (~0.2 ms for a tenant row), which
    the request path's reads (the request's tenant, the front door's directory and regions)
    pay on every request. The statement selects `columns(alias)` first, then anything else,
    which `read` hands back beside each instance."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._fields = model._meta.concrete_fields
        self._names = [field.attname for field in self._fields]
        self._converted = [
            (at, converters)
            for at, field in enumerate(self._fields)
            if (converters := field.get_db_converters(connection))  # e.g. JSON fields
        ]

    def columns(self, alias: str) -> str:
        return ", ".join(f'{alias}."{field.column}"' for field in self._fields)

    def read(
        self, sql: str, params: Sequence[Any], *, public: bool = False
    ) -> list[tuple[M, tuple[Any, ...]]]:
        width = len(self._fields)
        rows = fetch(sql, params, public=public)
        return [(self.make(row[:width]), tuple(row[width:])) for row in rows]

    def make(self, row: Sequence[Any]) -> M:
        """The instance of the values `columns()` selected, in its order (also where they
        follow another model's in a row)."""
        values = list(row)
        for at, converters in self._converted:
            for convert in converters:
                values[at] = convert(values[at], None, connection)
        instance: M = self.model.from_db(DEFAULT_DB_ALIAS, self._names, values)
        return instance
