"""django-tenants' PostgreSQL wrapper, plus three things intake needs at fleet scale:

- Selecting the schema the connection is already on issues no second `SET search_path`
  (django-tenants forgets the path on every `set_tenant`, even to the same schema). What it
  recorded is trusted only while the server still has it: django-tenants forgets it on a
  rollback or a savepoint's rollback (which undo a SET), and a new connection starts afresh.
  Safe only with session pooling (deploy/pgbouncer: `pool_mode = session`).
- It remembers the distinct schemas the connection has set its `search_path` to: a backend
  caches the catalog of every schema it touched (about 0.16 MB each), so `aduan.db.
  recycle_spread_connection()` closes a connection that has touched
  `SCHEMAS_PER_CONNECTION` tenant schemas: a backend's memory is bounded by design, not by age.
- Django's health check (`CONN_HEALTH_CHECKS`) sends `SELECT 1` before every request's first
  query: a round trip more on every request. A server that ended the session (a restart, a
  terminated backend) writes its last message and closes the socket, so the socket of a
  connection waiting between requests turns readable: the server is asked only then.

And psycopg keeps the parsed form of more statements (below), and a few rows are inserted as
a VALUES list (aduan/postgresql/compiler.py).
"""

from __future__ import annotations

import select
from typing import Any

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_public_schema_name
from psycopg import _queries as psycopg_queries
from psycopg.pq import TransactionStatus

PUBLIC = get_public_schema_name()

# psycopg keeps the parsed form of a statement of at most 50 parameters; a complaint's INSERT
# has 59, so every filing parsed it again (~0.2 ms: a named tuple a parameter). Every statement
# of the request path fits under this; the cache stays bounded (psycopg's 128 statements of at
# most 4 KB; tests/aduan/test_statement_cache.py).
STATEMENT_PARAMS_CACHED = 100
psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(
    psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, STATEMENT_PARAMS_CACHED
)


class DatabaseOperations(TenantDatabaseWrapper.ops_class):
    # A few rows are inserted as VALUES, not Django's UNNEST (aduan/postgresql/compiler.py).
    compiler_module = "aduan.postgresql.compiler"


class DatabaseWrapper(TenantDatabaseWrapper):
    ops_class = DatabaseOperations
    search_path_set_schemas: list[str] | None
    health_check_enabled: bool
    health_check_done: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.schemas_touched: set[str] = set()
        super().__init__(*args, **kwargs)

    def set_tenant(self, tenant: Any, include_public: bool = True) -> None:
        kept = self.search_path_set_schemas
        super().set_tenant(tenant, include_public)
        if kept is not None and kept == self._get_cursor_search_paths():
            self.search_path_set_schemas = kept  # the server's path is already this one

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        # A new server connection starts with the server's default path, whatever we recorded.
        self.search_path_set_schemas = None
        self.schemas_touched = set()
        return super().get_new_connection(conn_params)

    def _handle_search_path(self, cursor: Any = None) -> None:
        super()._handle_search_path(cursor)
        # The public schema is on every path: only tenant schemas grow the catalog cache.
        if self.search_path_set_schemas and self.search_path_set_schemas[0] != PUBLIC:
            self.schemas_touched.add(self.search_path_set_schemas[0])

    def close(self) -> None:
        super().close()
        self.schemas_touched = set()

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and _quiet(self.connection)
        ):
            self.health_check_done = True  # nothing came from the server: still its session
            return
        super().close_if_health_check_failed()


def _quiet(connection: Any) -> bool:
    """Nothing has arrived on an idle connection's socket since its last answer (a server
    ending the session sends an error, then EOF; a NOTICE would also count, and then Django's
    `SELECT 1` decides)."""
    if connection.closed or connection.broken:
        return False
    if connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    poller = select.poll()  # not select.select: a descriptor above 1023 is refused there
    poller.register(connection.fileno(), select.POLLIN)
    return not poller.poll(0)
