"""django-tenants' PostgreSQL wrapper, plus what intake needs at fleet scale:

- (Removed: skipping a second `SET search_path` to the schema the connection was recorded on.
  The recorded path can differ from the server's, e.g. after a rollback, and a query then ran
  in the wrong schema: an isolation bug. Every `set_tenant` sets the path again, as upstream.)
- It remembers the distinct schemas the connection has set its `search_path` to: a backend
  caches the catalog of every schema it touched (about 0.16 MB each), so `aduan.db.
  recycle_spread_connection()` closes a connection that has touched
  `SCHEMAS_PER_CONNECTION` tenant schemas: a backend's memory is bounded by design, not by age.
"""

from __future__ import annotations

from typing import Any

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_public_schema_name

PUBLIC = get_public_schema_name()


class DatabaseWrapper(TenantDatabaseWrapper):
    search_path_set_schemas: list[str] | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.schemas_touched: set[str] = set()
        super().__init__(*args, **kwargs)

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

    # A SET inside a transaction is undone by its rollback (and by a savepoint's): the server's
    # path is then unknown, so the next query sets it again rather than trust what we recorded
    # (else it could run in the schema of the tenant before).
    def _rollback(self) -> None:
        self.search_path_set_schemas = None
        super()._rollback()

    def _savepoint_rollback(self, sid: str) -> None:
        self.search_path_set_schemas = None
        super()._savepoint_rollback(sid)

    def close(self) -> None:
        super().close()
        self.schemas_touched = set()
