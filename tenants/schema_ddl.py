"""A schema's compact SQL, read from the PostgreSQL catalog: one CREATE TABLE per table.

Replaying a migration history (CREATE TABLE, then every later ADD COLUMN, ALTER COLUMN ...)
costs more with every schema in the database: PostgreSQL's ALTER TABLE ... ADD COLUMN ...
NOT NULL DEFAULT (and any ALTER that rewrites or re-checks a table) scans the whole of
pg_depend (find_composite_type_dependencies), which holds rows for every tenant. Measured with
backend CPU time: 27 ms per tenant at 500 schemas, 77 ms at 2,500. The same schema written as
plain CREATE TABLEs stays at 20 ms. So the migrated template is described once from the
catalog, the way pg_dump does it, but in-process: on the same connection and transaction (a
template captured inside a transaction is visible to it) and with no client binary to match
the server's version.

`compact_script` reads the template; `fingerprint` describes any schema so that the capture
can prove the compact script rebuilds exactly what the migrations built. A sequence of the
schema's own (its tables' shared id sequence: complaints migration 0020) is described with
its position. Object kinds Django migrations do not make (views, functions, sequences owned
by a serial column, triggers calling a function of the schema itself) are refused rather
than silently left out; a trigger calling a function of the public schema (the access log's
append-only guard) is described.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.db import connection, transaction
from psycopg import sql


class UnsupportedSchemaError(RuntimeError):
    """The template holds something this module cannot describe."""


@contextmanager
def _reading(schema_name: str) -> Iterator[Any]:
    """A cursor whose search_path is only `schema_name`: the catalog functions then print the
    schema's own names unqualified and anything elsewhere qualified."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Put back afterwards: inside a caller's transaction a savepoint's release keeps a
        # SET LOCAL, and django-tenants believes the search_path is still its own.
        cursor.execute("SELECT current_setting('search_path')")
        before = cursor.fetchone()[0]
        only = sql.Identifier(schema_name).as_string()
        cursor.execute("SELECT set_config('search_path', %s, true)", [only])
        try:
            yield cursor
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [before])


def _compose(template: str, **parts: sql.Composable) -> str:
    """SQL text with identifiers and literals quoted by psycopg."""
    return sql.SQL(template).format(**parts).as_string()


def _rows(cursor: Any, query: str, params: list[Any]) -> list[tuple[Any, ...]]:
    cursor.execute(query, params)
    return list(cursor.fetchall())


_TABLES = """
SELECT c.oid, c.relname FROM pg_class c
WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' ORDER BY c.relname
"""
_STRANGERS = """
SELECT 'relation ' || c.relname || ' (' || c.relkind::text || ')' FROM pg_class c
WHERE c.relnamespace = %s::regnamespace AND c.relkind NOT IN ('r', 'i', 'S')
UNION ALL
SELECT 'sequence ' || s.relname FROM pg_class s
WHERE s.relnamespace = %s::regnamespace AND s.relkind = 'S' AND EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid
    AND d.deptype = 'a')
UNION ALL
SELECT 'trigger ' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal
AND p.pronamespace = c.relnamespace
UNION ALL
SELECT 'function ' || p.proname FROM pg_proc p WHERE p.pronamespace = %s::regnamespace
UNION ALL
SELECT 'type ' || t.typname FROM pg_type t WHERE t.typnamespace = %s::regnamespace
AND t.typtype <> 'c' AND t.typelem = 0 AND t.typrelid = 0
"""
_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END,
       col_description(a.attrelid, a.attnum),
       s.relname, q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_depend dep ON a.attidentity <> '' AND dep.refclassid = 'pg_class'::regclass
     AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'
     AND dep.classid = 'pg_class'::regclass
LEFT JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
LEFT JOIN pg_sequence q ON q.seqrelid = s.oid
WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""


# The schema's own sequences: neither an identity's nor owned by a column.
_FREE_SEQUENCES = """
SELECT s.relname, format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin,
       q.seqmax, q.seqcache, q.seqcycle
FROM pg_class s JOIN pg_sequence q ON q.seqrelid = s.oid
WHERE s.relnamespace = %s::regnamespace AND s.relkind = 'S' AND NOT EXISTS (
    SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid
    AND d.deptype IN ('i', 'a'))
ORDER BY s.relname
"""


def _free_sequences(cursor: Any, schema_name: str) -> list[tuple[Any, ...]]:
    return _rows(cursor, _FREE_SEQUENCES, [schema_name])


def _sequence_sql(row: tuple[Any, ...]) -> str:
    name, kind, start, increment, minimum, maximum, cache, cycle = row
    return (
        f"CREATE SEQUENCE {sql.Identifier(name).as_string()} AS {kind} START WITH {start}"
        f" INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} CACHE {cache}"
        f"{' CYCLE' if cycle else ' NO CYCLE'}"
    )


def _position_sql(cursor: Any, name: str) -> list[str]:
    last_value, is_called = _sequence_position(cursor, name)
    if not is_called:
        return []
    return [
        _compose(
            "SELECT setval(quote_ident({seq}), {value}, true)",
            seq=sql.Literal(name),
            value=sql.Literal(last_value),
        )
    ]


class _Column(NamedTuple):
    """One row of _COLUMNS, in its order."""

    name: str
    kind: str
    not_null: bool
    default: str | None
    identity: str  # '' , 'a' (always) or 'd' (by default)
    generated: str  # '' or 's' (stored)
    collation: str | None  # only when it differs from the type's
    comment: str | None
    seq_name: str | None  # the identity's sequence
    seq_start: int | None
    seq_increment: int | None
    seq_min: int | None
    seq_max: int | None
    seq_cache: int | None
    seq_cycle: bool | None


def _columns(cursor: Any, oid: int) -> list[_Column]:
    return [_Column(*row) for row in _rows(cursor, _COLUMNS, [oid])]


_CONSTRAINTS = """
SELECT c.conname, c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c
WHERE c.conrelid = %s ORDER BY c.contype = 'f', c.conname
"""
# pg_get_indexdef always names the table with its schema: drop that one qualification.
_INDEXES = """
SELECT ic.relname, replace(pg_get_indexdef(i.indexrelid),
    ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ',
    ' ON ' || quote_ident(c.relname) || ' ')
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid = %s AND NOT EXISTS (
    SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
    AND c.contype IN ('p', 'u', 'x'))
ORDER BY ic.relname
"""


# pg_get_triggerdef names the table with its schema too: drop that one qualification.
_TRIGGERS = """
SELECT t.tgname, replace(pg_get_triggerdef(t.oid),
    ' ON ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ',
    ' ON ' || quote_ident(c.relname) || ' ')
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE t.tgrelid = %s AND NOT t.tgisinternal ORDER BY t.tgname
"""


def _refuse_strangers(cursor: Any, schema_name: str) -> None:
    strangers = [row[0] for row in _rows(cursor, _STRANGERS, [schema_name] * 5)]
    if strangers:
        raise UnsupportedSchemaError(
            f"schema {schema_name} holds objects a compact template cannot describe: "
            + ", ".join(sorted(strangers))
        )


def _column_sql(column: _Column) -> str:
    parts = [sql.Identifier(column.name).as_string(), column.kind]
    if column.collation:
        parts.append(f"COLLATE {sql.Identifier(column.collation).as_string()}")
    if column.generated == "s":
        parts.append(f"GENERATED ALWAYS AS ({column.default}) STORED")
    elif column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.identity:
        mode = "ALWAYS" if column.identity == "a" else "BY DEFAULT"
        sequence = sql.Identifier(column.seq_name or "").as_string()
        parts.append(
            f"GENERATED {mode} AS IDENTITY (SEQUENCE NAME {sequence}"
            f" START WITH {column.seq_start} INCREMENT BY {column.seq_increment}"
            f" MINVALUE {column.seq_min} MAXVALUE {column.seq_max} CACHE {column.seq_cache}"
            f"{' CYCLE' if column.seq_cycle else ' NO CYCLE'})"
        )
    if column.not_null:
        parts.append("NOT NULL")
    return " ".join(parts)


def compact_script(schema_name: str) -> list[str]:
    """Statements that rebuild `schema_name`'s sequences, tables, indexes, constraints,
    comments, rows and sequence positions in whatever schema is first on the search_path."""
    sequences: list[str] = []
    tables_sql: list[str] = []
    indexes: list[str] = []
    data: list[str] = []
    foreign_keys: list[str] = []
    comments: list[str] = []
    triggers: list[str] = []
    with _reading(schema_name) as cursor:
        _refuse_strangers(cursor, schema_name)
        for row in _free_sequences(cursor, schema_name):
            sequences.append(_sequence_sql(row))
            data.extend(_position_sql(cursor, row[0]))
        for oid, table in _rows(cursor, _TABLES, [schema_name]):
            ident = sql.Identifier(table).as_string()
            columns = _columns(cursor, oid)
            body = [_column_sql(column) for column in columns]
            for name, contype, definition in _rows(cursor, _CONSTRAINTS, [oid]):
                clause = f"CONSTRAINT {sql.Identifier(name).as_string()} {definition}"
                if contype == "f":
                    foreign_keys.append(f"ALTER TABLE {ident} ADD {clause}")
                else:
                    body.append(clause)
            tables_sql.append(f"CREATE TABLE {ident} ({', '.join(body)})")
            indexes.extend(definition for _name, definition in _rows(cursor, _INDEXES, [oid]))
            comments.extend(_comments(cursor, oid, table, columns))
            data.extend(_data(cursor, table, columns))
            triggers.extend(definition for _name, definition in _rows(cursor, _TRIGGERS, [oid]))
    return [*sequences, *tables_sql, *indexes, *data, *foreign_keys, *comments, *triggers]


def _comments(cursor: Any, oid: int, name: str, columns: list[_Column]) -> list[str]:
    found = _rows(cursor, "SELECT obj_description(%s, 'pg_class')", [oid])
    table = sql.Identifier(name)
    out = []
    if found and found[0][0] is not None:
        out.append(
            _compose(
                "COMMENT ON TABLE {table} IS {text}", table=table, text=sql.Literal(found[0][0])
            )
        )
    for column in columns:
        if column.comment is not None:
            out.append(
                _compose(
                    "COMMENT ON COLUMN {table}.{column} IS {text}",
                    table=table,
                    column=sql.Identifier(column.name),
                    text=sql.Literal(column.comment),
                )
            )
    return out


def _data(cursor: Any, name: str, columns: list[_Column]) -> list[str]:
    """The table's rows (migration records, data a migration wrote) as one INSERT, and the
    position of its identity sequences."""
    out = []
    table = sql.Identifier(name)
    rows = _rows(cursor, _compose("SELECT json_agg(t)::text FROM {table} t", table=table), [])
    if rows and rows[0][0] is not None:
        names = sql.SQL(", ").join(sql.Identifier(c.name) for c in columns if c.generated != "s")
        out.append(
            _compose(
                "INSERT INTO {table} ({names}) OVERRIDING SYSTEM VALUE SELECT {names}"
                " FROM json_populate_recordset(NULL::{table}, {rows})",
                table=table,
                names=names,
                rows=sql.Literal(rows[0][0]),
            )
        )
    for column in columns:
        if column.seq_name is not None:
            out.extend(_position_sql(cursor, column.seq_name))
    return out


def _sequence_position(cursor: Any, name: str) -> tuple[int, bool]:
    found = _rows(
        cursor, _compose("SELECT last_value, is_called FROM {seq}", seq=sql.Identifier(name)), []
    )
    return int(found[0][0]), bool(found[0][1])


def fingerprint(schema_name: str) -> list[tuple[Any, ...]]:
    """Everything that makes two schemas the same for Aduan's code: tables, columns in order,
    defaults, identities, constraints, indexes, comments, rows and sequence positions, with
    names relative to the schema so that two schemas can be compared."""
    out: list[tuple[Any, ...]] = []
    with _reading(schema_name) as cursor:
        out.extend(
            ("sequence", *row, *_sequence_position(cursor, row[0]))
            for row in _free_sequences(cursor, schema_name)
        )
        for oid, table in _rows(cursor, _TABLES, [schema_name]):
            columns = _columns(cursor, oid)
            out.append(("table", table, tuple(columns)))
            out.extend(("constraint", table, *row) for row in _rows(cursor, _CONSTRAINTS, [oid]))
            out.extend(("index", table, *row) for row in _rows(cursor, _INDEXES, [oid]))
            out.extend(("trigger", table, *row) for row in _rows(cursor, _TRIGGERS, [oid]))
            out.extend(("comment", table, c) for c in _comments(cursor, oid, table, columns))
            digest = _rows(
                cursor,
                _compose(
                    "SELECT count(*), md5(coalesce(string_agg(r, ',' ORDER BY r), ''))"
                    " FROM (SELECT row_to_json(t)::text r FROM {table} t) rows",
                    table=sql.Identifier(table),
                ),
                [],
            )
            out.append(("rows", table, *digest[0]))
            out.extend(
                ("sequence", table, c.seq_name, *_sequence_position(cursor, c.seq_name))
                for c in columns
                if c.seq_name is not None
            )
    return out
