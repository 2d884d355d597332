"""DDL in the shape both engines accept: one statement per execute, and no ADD COLUMN that
carries a constraint.

A Citus distributed schema (issue 24) refuses two things plain PostgreSQL accepts:
several statements in one execute ("cannot insert multiple commands into a prepared
statement") and `ALTER TABLE ... ADD COLUMN` with a PRIMARY KEY, UNIQUE, FOREIGN KEY or
CHECK constraint. Django's schema editor writes the latter (`... UNIQUE`, `... CHECK (...)`,
an inline `CONSTRAINT ... REFERENCES ...; SET CONSTRAINTS ... IMMEDIATE`), and a recorded fleet
plan replays what it wrote. So every recorded plan is rewritten here: the column first, then
each constraint by `ADD CONSTRAINT` under the very name PostgreSQL would have given it, so the
catalog ends up the same and one plan serves both engines.
"""

from __future__ import annotations

import re

import sqlparse

# PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated by the server.
MAX_IDENTIFIER = 63
_ADD_COLUMN = re.compile(
    r'^\s*ALTER\s+TABLE\s+(?P<table>(?:"[^"]+"\.)?"[^"]+")\s+ADD\s+COLUMN\s+'
    r'(?P<column>"[^"]+")\s+(?P<rest>.*?)\s*;?\s*$',
    re.I | re.S,
)
# Words that start a column constraint that Citus refuses inside ADD COLUMN.
_CONSTRAINT_START = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES"}
# Words that belong to the column itself (may follow a constraint in PostgreSQL's grammar).
_COLUMN_WORDS = {"NOT", "NULL", "DEFAULT", "COLLATE", "GENERATED"}


def split(script: str) -> list[str]:
    """The statements of a script, one each, without empty ones or bare comments."""
    statements = []
    for statement in sqlparse.split(script):
        text = sqlparse.format(statement, strip_comments=True).strip().rstrip(";").strip()
        if text:
            statements.append(text)
    return statements


def _tokens(text: str) -> list[str]:
    """Whitespace-separated words, with quoted identifiers, string literals and parenthesised
    groups kept whole."""
    tokens: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char.isspace() and depth == 0:
            if current:
                tokens.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


def _unquote(identifier: str) -> str:
    return identifier.split(".")[-1].strip('"').replace('""', '"')


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def constraint_name(table: str, column: str | None, label: str) -> str:
    """The name PostgreSQL gives an unnamed constraint (makeObjectName): `table_column_label`
    with the longer of table and column shortened until it fits in 63 bytes."""
    overhead = len(label) + 1 + (1 if column else 0)
    available = MAX_IDENTIFIER - overhead
    first, second = table.encode(), (column or "").encode()
    while len(first) + len(second) > available:
        if len(first) > len(second):
            first = first[:-1]
        else:
            second = second[:-1]
    name = first.decode(errors="ignore")
    if column:
        name += "_" + second.decode(errors="ignore")
    return f"{name}_{label}"


def _constraint_clauses(words: list[str]) -> tuple[list[str], list[tuple[str | None, list[str]]]]:
    """(column words, [(constraint name or None, constraint words)])."""
    column: list[str] = []
    clauses: list[tuple[str | None, list[str]]] = []
    index = 0
    while index < len(words):
        word = words[index].upper()
        if word not in _CONSTRAINT_START:
            column.append(words[index])
            index += 1
            continue
        name = None
        if word == "CONSTRAINT":
            name = words[index + 1]
            index += 2
        body = [words[index]]
        index += 1
        while index < len(words):
            upper = words[index].upper()
            if upper in _CONSTRAINT_START or upper in _COLUMN_WORDS:
                break
            body.append(words[index])
            index += 1
        clauses.append((name, body))
    return column, clauses


def _add_constraint(table: str, column: str, name: str | None, body: list[str]) -> str:
    bare_table, bare_column = _unquote(table), _unquote(column)
    kind = body[0].upper()
    if kind == "PRIMARY":  # PRIMARY KEY [...]
        label, definition = "pkey", ["PRIMARY", "KEY", f"({column})", *body[2:]]
        default = constraint_name(bare_table, None, label)
    elif kind == "UNIQUE":
        label, definition = "key", ["UNIQUE", f"({column})", *body[1:]]
        default = constraint_name(bare_table, bare_column, label)
    elif kind == "CHECK":
        label, definition = "check", body
        default = constraint_name(bare_table, bare_column, label)
    else:  # REFERENCES table [(columns)] [actions] [deferrable]
        label, definition = "fkey", ["FOREIGN", "KEY", f"({column})", *body]
        default = constraint_name(bare_table, bare_column, label)
    return f"ALTER TABLE {table} ADD CONSTRAINT {name or _quote(default)} {' '.join(definition)}"


def without_inline_constraints(statement: str) -> list[str]:
    """`statement` unchanged, or an ADD COLUMN with constraints split into the column and one
    ADD CONSTRAINT per constraint (same names, same order of checks)."""
    found = _ADD_COLUMN.match(statement)
    if found is None:
        return [statement]
    table, column = found.group("table"), found.group("column")
    column_words, clauses = _constraint_clauses(_tokens(found.group("rest")))
    if not clauses:
        return [statement]
    return [
        f"ALTER TABLE {table} ADD COLUMN {column} {' '.join(column_words)}".rstrip(),
        *(_add_constraint(table, column, name, body) for name, body in clauses),
    ]


def for_both_engines(script: str) -> list[str]:
    """A recorded script as statements both plain PostgreSQL and Citus run: one per execute,
    constraints out of ADD COLUMN."""
    return [part for one in split(script) for part in without_inline_constraints(one)]
