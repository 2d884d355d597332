"""django-tenants' PostgreSQL wrapper, plus two things intake needs at fleet scale:

- Selecting the schema the connection is already on issues no second `SET search_path`
  (django-tenants forgets the path on every `set_tenant`, even to the same schema). What it
  recorded is trusted only while the server still has it: django-tenants forgets it on a
  rollback or a savepoint's rollback (which undo a SET), and a new connection starts afresh.
  Safe only with session pooling (deploy/pgbouncer: `pool_mode = session`).
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
