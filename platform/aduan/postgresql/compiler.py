"""Django's PostgreSQL compilers, but a few rows are inserted as a `VALUES` list.

Django 5.2 sends every bulk insert of two or more rows as `UNNEST` of one array a column,
which spares the server planning a long `VALUES` list. For a handful of rows (intake's filed
and routing entries, one statement on every front-door filing) the server gains nothing, and
the client pays for building and quoting the arrays: two timeline entries cost 413 µs to
compile and quote that way, against 239 as `VALUES`. Batches of `UNNEST_FROM_ROWS` rows and
more keep Django's way."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql.compiler import (
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as PostgresInsertCompiler
from django.db.models.sql.compiler import SQLInsertCompiler as BaseInsertCompiler

__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]

UNNEST_FROM_ROWS = 16


class SQLInsertCompiler(PostgresInsertCompiler):
    def assemble_as_sql(self, fields: Any, value_rows: Any) -> Any:
        if len(value_rows) < UNNEST_FROM_ROWS:
            return BaseInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
