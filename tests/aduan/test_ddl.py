"""aduan.ddl: DDL in the shape both plain PostgreSQL and Citus take, checked against the
server itself (the names PostgreSQL gives constraints are what the rewrite must reproduce)."""

from __future__ import annotations

import pytest
from django.db import connection

from aduan import ddl

LONG_TABLE = "complaints_a_table_name_that_is_long_enough_to_be_cut_by_postgres"
LONG_COLUMN = "a_column_name_long_enough_to_be_cut_as_well_by_the_server"


def _constraints(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass ORDER BY conname",
            [f'"{schema}"."{LONG_TABLE}"'],
        )
        return [(str(name), str(definition)) for name, definition in cursor.fetchall()]


def test_split_gives_one_statement_each_without_comments() -> None:
    script = "CREATE SCHEMA s;\n-- a comment\nCREATE TABLE t (a text DEFAULT 'x;y');\n\n"
    assert ddl.split(script) == ["CREATE SCHEMA s", "CREATE TABLE t (a text DEFAULT 'x;y')"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "column_sql",
    [
        "integer NOT NULL UNIQUE",
        'integer DEFAULT 0 NOT NULL CHECK ("{c}" >= 0)',
        'integer NULL CONSTRAINT "own_name" REFERENCES "ref" ("id") DEFERRABLE INITIALLY DEFERRED',
        "integer NOT NULL PRIMARY KEY",
        'varchar(5) NULL UNIQUE CHECK (length("{c}") > 1) REFERENCES "ref" ("code")',
    ],
)
def test_a_constrained_add_column_split_ends_as_postgresql_makes_it_inline(
    column_sql: str,
) -> None:
    # Given the same table, its name long enough for the server to cut, in two schemas, and
    # a table it may reference
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "ref" (id integer PRIMARY KEY, code varchar(5) UNIQUE)')
        for schema in ("ddl_inline", "ddl_split"):
            cursor.execute(f'CREATE SCHEMA "{schema}"')
            cursor.execute(f'CREATE TABLE "{schema}"."{LONG_TABLE}" (other integer)')
    definition = column_sql.format(c=LONG_COLUMN)
    statement = f'ALTER TABLE "{{}}"."{LONG_TABLE}" ADD COLUMN "{LONG_COLUMN}" {definition}'
    # When one gets the column as Django writes it, the other the rewritten statements
    rewritten = ddl.without_inline_constraints(statement.format("ddl_split"))
    with connection.cursor() as cursor:
        cursor.execute(statement.format("ddl_inline"))
        for one in rewritten:
            cursor.execute(one)
    # Then the rewrite put no constraint inside its ADD COLUMN, and both tables hold the same
    # constraints under the same names
    assert len(rewritten) >= 2
    assert not any(w in rewritten[0] for w in ("UNIQUE", "CHECK", "REFERENCES", "PRIMARY"))
    assert _constraints("ddl_inline") == _constraints("ddl_split")
    # (PostgreSQL 18 lists NOT NULL as constraints too: those are the column's own)
    made = [c for c in _constraints("ddl_split") if not c[1].startswith("NOT NULL")]
    assert len(made) == len(rewritten) - 1


def test_a_statement_without_constraints_is_left_alone() -> None:
    statement = 'ALTER TABLE "t" ADD COLUMN "c" integer DEFAULT 7 NOT NULL'
    assert ddl.without_inline_constraints(statement) == [statement]
    assert ddl.for_both_engines(statement + "; SET CONSTRAINTS ALL IMMEDIATE") == [
        statement,
        "SET CONSTRAINTS ALL IMMEDIATE",
    ]
