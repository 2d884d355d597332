"""Aduan on a Citus cluster (issue 24, deploy/SCALING.md): the `aduan citus` commands.

With ADUAN_CITUS=1 the database is a Citus coordinator with schema-based sharding: each
tenant schema is a distributed schema placed whole on one worker, its tables single-shard
tables colocated with each other. The public schema's tables are read by tenant queries (the
forward's locked read joins the tracking index `tenants_hop`, foreign keys point at users and
tenants), which Citus only allows once they are reference tables, copied to every node.

- `prepare`  (idempotent; `aduan migrate` runs it after the public schema's migrations):
  the queue, template and scratch schemas stay local to the coordinator, triggers allowed on
  distributed tables (the access log's append-only guard), every public table
  becomes a reference table (referenced tables first: converting one pulls its whole
  foreign-key graph), and every public sequence is set past its table's maximum (a converted
  table's identity sequence would otherwise start again at 1 and the next insert collide).
- `status`   nodes, where each tenant's schema lives, shard counts per node.
- `move`     one tenant's schema to another worker with Citus' own `citus_schema_move()`,
  with its progress read from `get_rebalance_progress()` on a second connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, transaction
from psycopg import sql

from aduan.db import citus
from aduan.errors import AduanError
from tenants.models import Tenant
from tenants.provisioning import PLAN_SCHEMA, TEMPLATE_SCHEMA, VERIFY_SCHEMA

Out = Callable[[str], None]

# Schemas that live on the coordinator only, never distributed.
LOCAL_SCHEMAS = ("dramatiq", TEMPLATE_SCHEMA, PLAN_SCHEMA, VERIFY_SCHEMA)
# Public tables that never become reference tables: Citus' own and the queue's.
_PUBLIC_TABLES = """
SELECT c.oid::regclass::text, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                  WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY c.relname
"""
# Foreign keys between public tables: (referencing, referenced).
_PUBLIC_FOREIGN_KEYS = """
SELECT con.conrelid::regclass::text, con.confrelid::regclass::text
FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND n.nspname = 'public' AND con.conrelid <> con.confrelid
"""
_REFERENCE_TABLES = """
SELECT logicalrelid::regclass::text FROM pg_dist_partition
WHERE partmethod = 'n' AND repmodel = 't'
"""
# Every sequence owned by a column of a public table (identity and serial alike).
_PUBLIC_SEQUENCES = """
SELECT s.oid::regclass::text, t.oid::regclass::text, a.attname
FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE s.relkind = 'S' AND n.nspname = 'public'
"""


@dataclass
class Prepared:
    """What `prepare` changed (empty lists: everything was in place already)."""

    undistributed: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    reference_tables: list[str] = field(default_factory=list)
    sequences_moved: list[str] = field(default_factory=list)
    reference_total: int = 0


def _require_citus(cursor: Any) -> None:
    if not citus():
        raise AduanError(
            "aduan.citus_off",
            "ADUAN_CITUS is not set: this deployment runs on plain PostgreSQL.",
            {},
        )
    cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'citus'")
    if cursor.fetchone() is None:
        raise AduanError(
            "aduan.citus_missing",
            "ADUAN_CITUS=1 but the database has no citus extension (CREATE EXTENSION citus"
            " on the coordinator and every worker, then add the workers).",
            {},
        )


def _in_dependency_order(tables: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """Referenced tables before the tables that reference them (a cycle: in name order)."""
    known = set(tables)
    pending = {table: {to for frm, to in edges if frm == table and to in known} for table in tables}
    ordered: list[str] = []
    while pending:
        ready = sorted(t for t, needs in pending.items() if not needs - set(ordered))
        ready = ready or [min(pending)]
        for table in ready:
            ordered.append(table)
            del pending[table]
    return ordered


def _fetch(cursor: Any, query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    cursor.execute(query, params or [])
    return list(cursor.fetchall())


def prepare(*, out: Out) -> Prepared:
    """Make the database ready for tenant schemas on Citus; idempotent, cheap when done."""
    done = Prepared()
    with connection.cursor() as cursor:
        _require_citus(cursor)
        distributed = {
            row[0] for row in _fetch(cursor, "SELECT schema_name::text FROM citus_schemas")
        }
        for schema in LOCAL_SCHEMAS:
            if schema in distributed:
                cursor.execute("SELECT citus_schema_undistribute(%s::regnamespace)", [schema])
                done.undistributed.append(schema)
        # The access log's append-only guard is a trigger on a tenant table (calling a public
        # function Citus has copied to every node): Citus refuses triggers on distributed
        # tables unless told they are safe, as this one is (it only raises).
        cursor.execute("SHOW citus.enable_unsafe_triggers")
        if cursor.fetchone()[0] != "on":
            cursor.execute(
                sql.SQL("ALTER DATABASE {} SET citus.enable_unsafe_triggers = on")
                .format(sql.Identifier(connection.settings_dict["NAME"]))
                .as_string()
            )
            cursor.execute("SET citus.enable_unsafe_triggers = on")
            done.settings.append("citus.enable_unsafe_triggers")
        tables = [name for name, _relname in _fetch(cursor, _PUBLIC_TABLES)]
        reference = {row[0] for row in _fetch(cursor, _REFERENCE_TABLES)}
        edges = [(frm, to) for frm, to in _fetch(cursor, _PUBLIC_FOREIGN_KEYS)]
        for table in _in_dependency_order(tables, edges):
            if table in reference:
                continue
            # Converting a table converts the tables its foreign keys reach (Citus follows
            # the graph): ask again which are reference tables now.
            cursor.execute("SELECT create_reference_table(%s::regclass)", [table])
            done.reference_tables.append(table)
            reference = {row[0] for row in _fetch(cursor, _REFERENCE_TABLES)}
        done.reference_total = len(reference)
        done.sequences_moved = sequences_past_maximum(cursor)
    if done.undistributed:
        out(f"Kept local to the coordinator: {', '.join(done.undistributed)}")
    if done.settings:
        out(f"Database settings turned on: {', '.join(done.settings)}")
    out(
        f"Reference tables: {done.reference_total} ({len(done.reference_tables)} converted now);"
        f" sequences moved past their table's maximum: {len(done.sequences_moved)}."
    )
    return done


def sequences_past_maximum(cursor: Any) -> list[str]:
    """Set every public sequence past its column's maximum where it is not already: a
    reference table's sequence must never hand out an id its rows hold."""
    moved = []
    for sequence, table, column in _fetch(cursor, _PUBLIC_SEQUENCES):
        query = sql.SQL(
            "SELECT setval({seq}, m, true) FROM (SELECT max({col})::bigint AS m FROM {table}) t,"
            " (SELECT last_value, is_called FROM {seq_ident}) s"
            " WHERE m IS NOT NULL AND (m > last_value OR (m = last_value AND NOT is_called))"
        ).format(
            seq=sql.Literal(sequence),
            col=sql.Identifier(column),
            table=sql.SQL(table),  # a regclass text: already quoted where needed
            seq_ident=sql.SQL(sequence),
        )
        cursor.execute(query.as_string())
        if cursor.fetchone() is not None:
            moved.append(sequence)
    return moved


@dataclass
class Placement:
    schema_name: str
    slug: str
    node: str
    size_bytes: int
    shards: int


@dataclass
class Status:
    nodes: list[tuple[int, str, int, str, bool]]
    placements: list[Placement]
    shards_per_node: dict[str, int]
    reference_tables: int


def status() -> Status:
    with connection.cursor() as cursor:
        _require_citus(cursor)
        nodes = [
            (int(nodeid), str(host), int(port), str(role), bool(active))
            for nodeid, host, port, role, active in _fetch(
                cursor,
                "SELECT nodeid, nodename, nodeport, noderole::text, isactive"
                " FROM pg_dist_node ORDER BY nodeid",
            )
        ]
        rows = _fetch(
            cursor,
            "SELECT table_name::text, nodename, nodeport, shard_size, citus_table_type"
            " FROM citus_shards",
        )
    per_node: dict[str, int] = {}
    schemas: dict[str, tuple[str, int, int]] = {}
    reference: set[str] = set()
    for table, host, port, size, kind in rows:
        node = f"{host}:{port}"
        per_node[node] = per_node.get(node, 0) + 1
        if kind == "reference":
            reference.add(str(table))
        if kind == "schema" and "." in str(table):
            schema = str(table).split(".", 1)[0].strip('"')
            _node, total, shards = schemas.get(schema, (node, 0, 0))
            schemas[schema] = (node, total + int(size or 0), shards + 1)
    slugs = dict(
        Tenant.objects.filter(schema_name__in=list(schemas)).values_list("schema_name", "slug")
    )
    placements = [
        Placement(schema, slugs.get(schema, ""), node, size, shards)
        for schema, (node, size, shards) in sorted(schemas.items())
    ]
    return Status(nodes, placements, per_node, len(reference))


def print_status(*, out: Out) -> Status:
    found = status()
    out("Nodes:")
    for nodeid, host, port, role, active in found.nodes:
        node = f"{host}:{port}"
        out(
            f"  #{nodeid} {node} {role}{'' if active else ' (inactive)'}:"
            f" {found.shards_per_node.get(node, 0):,} shards,"
            f" {sum(1 for p in found.placements if p.node == node):,} tenant schemas"
        )
    out(f"Reference tables: {found.reference_tables}")
    out("Tenant schemas:")
    for placement in found.placements:
        out(
            f"  {placement.slug or '-'} ({placement.schema_name}) on {placement.node}:"
            f" {placement.shards} tables, {placement.size_bytes / 1024:,.0f} kB"
        )
    return found


def _progress(alias: str) -> list[tuple[int, int]]:
    """(bytes on the source, bytes on the target) of each shard being moved now."""
    with connections[alias].cursor() as cursor:
        rows = _fetch(
            cursor,
            "SELECT source_shard_size, target_shard_size FROM get_rebalance_progress()",
        )
    return [(int(source or 0), int(target or 0)) for source, target in rows]


def move(*, slug: str, to: str, mode: str = "block_writes", out: Out) -> str:
    """Move one tenant's schema to the worker `to` ("host:port") with citus_schema_move(),
    printing its progress until it is done. Returns the node it is on afterwards.

    `mode` is Citus' shard_transfer_mode: block_writes (writes wait while the schema is
    copied; works everywhere) or force_logical/auto (logical replication: needs
    wal_level=logical, writes go on during the copy)."""
    host, _sep, port_text = to.rpartition(":")
    if not host or not port_text.isdigit():
        raise AduanError("aduan.citus_node", f"expected a worker as host:port, got {to!r}", {})
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise AduanError("aduan.citus_tenant", f"no tenant with the slug {slug!r}", {})
    placements = {p.schema_name: p for p in status().placements}
    current = placements.get(tenant.schema_name)
    if current is None:
        raise AduanError(
            "aduan.citus_not_distributed",
            f"the schema of {slug!r} is not a distributed schema (run `aduan citus prepare`?)",
            {},
        )
    if current.node == f"{host}:{port_text}":
        out(f"{slug} is already on {current.node}.")
        return current.node
    out(f"Moving {slug} ({tenant.schema_name}, {current.size_bytes / 1024:,.0f} kB) from"
        f" {current.node} to {host}:{port_text}...")  # fmt: skip
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT citus_schema_move(%s::regnamespace, %s, %s,"
                    " shard_transfer_mode => %s::citus.shard_transfer_mode)",
                    [tenant.schema_name, host, int(port_text), mode],
                )
        except BaseException as exc:  # reported by the caller's thread
            failure.append(exc)
        finally:
            connection.close()  # this thread's own connection

    mover = threading.Thread(target=run, name="aduan-citus-move", daemon=True)
    started = time.monotonic()
    mover.start()
    last = ""
    while mover.is_alive():
        mover.join(0.5)
        shards = _progress("default") if mover.is_alive() else []
        if shards:
            source = sum(s for s, _t in shards)
            target = sum(t for _s, t in shards)
            line = f"  {target / 1024:,.0f} of {source / 1024:,.0f} kB copied"
            if line != last:
                out(line)
                last = line
    if failure:
        raise failure[0]
    after = {p.schema_name: p for p in status().placements}[tenant.schema_name].node
    out(f"Moved {slug} to {after} in {time.monotonic() - started:.1f} s.")
    return after
