"""The routing models moved from tenants to routing without touching the database: an
existing database migrates with no statement run, and every table keeps its name."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from routing import models

pytestmark = pytest.mark.django_db

MOVE = [("routing", "0001_initial"), ("tenants", "0007_routing_moved_out")]
TABLES = {
    models.Category: "tenants_category",
    models.Authority: "tenants_authority",
    models.TrackingCode: "tenants_trackingcode",
    models.Hop: "tenants_hop",
    models.TriageEntry: "tenants_triageentry",
    models.LaporReferral: "tenants_laporreferral",
}


def sql_of(key: tuple[str, str]) -> list[str]:
    """The statements a migration runs, as `sqlmigrate` shows them (comments left out)."""
    loader = MigrationExecutor(connection).loader
    state = loader.project_state(key, at_end=False)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        loader.graph.nodes[key].apply(state, editor, collect_sql=True)
    return [s for s in editor.collected_sql if not s.lstrip().startswith("--")]


def test_the_move_runs_no_sql() -> None:
    # When the two migrations of the move are turned into SQL
    statements = [s for key in MOVE for s in sql_of(key)]
    # Then there is none: no table is created, rebuilt, renamed or dropped; no row moves
    assert statements == []
    # (while the boundaries' own migration does create its table)
    assert any("CREATE TABLE" in s for s in sql_of(("routing", "0002_boundaries")))


def test_every_moved_table_keeps_its_name_and_exists() -> None:
    assert {m: m._meta.db_table for m in TABLES} == TABLES
    through = models.Authority.categories.through._meta.db_table
    assert through == "tenants_authority_categories"
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    assert {*TABLES.values(), through, "routing_boundary"} <= existing
