"""Tenant schemas built by DDL replay match a migrated schema, and fail atomically."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection
from psycopg import pq

from tenants import provisioning, regions, schema_ddl
from tenants.actions.onboarding import do_create_tenant
from tenants.errors import TenantError
from tenants.models import Domain, Region, SchemaTemplate, Tenant
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def _columns(schema: str) -> list[tuple[str, str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = %s ORDER BY table_name, column_name",
            [schema],
        )
        return list(cursor.fetchall())


def _relations(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s ORDER BY 1",
            [schema],
        )
        return list(cursor.fetchall())


def test_replayed_schema_equals_the_migrated_template(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    # Every column, default, identity, constraint, index, comment, row and sequence position
    assert schema_ddl.fingerprint(tenant.schema_name) == schema_ddl.fingerprint(
        provisioning.TEMPLATE_SCHEMA
    )
    assert _columns(tenant.schema_name) == _columns(provisioning.TEMPLATE_SCHEMA)
    assert _relations(tenant.schema_name) == _relations(provisioning.TEMPLATE_SCHEMA)
    assert tenant.schema_state == provisioning.current_state()
    template = SchemaTemplate.objects.get(state=provisioning.current_state())
    assert template.relation_count == len(_relations(tenant.schema_name))


def test_replayed_schema_records_its_migrations(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{tenant.schema_name}".django_migrations')
        applied = set(cursor.fetchall())
    assert ("complaints", "0001_initial") in applied


def test_the_template_is_plain_create_tables_not_a_migration_history(
    reference_data: object,
) -> None:
    # ALTER TABLE costs more with every schema in the database (it scans pg_depend): a
    # template holds none but the foreign keys added once all tables exist.
    template = provisioning.ensure_template()
    assert template.statements[0] == provisioning.COMPACT_MARK
    alters = [s for s in template.statements if s.startswith("ALTER TABLE")]
    assert alters and all(" FOREIGN KEY " in s for s in alters)
    creates = [s for s in template.statements if s.startswith("CREATE TABLE")]
    assert len(creates) == len({s.split()[2] for s in creates}) >= 5


def test_a_history_template_is_recaptured_as_a_compact_one(reference_data: object) -> None:
    state = provisioning.current_state()
    compact = list(SchemaTemplate.objects.get(state=state).statements)
    SchemaTemplate.objects.filter(state=state).update(statements=compact[1:])
    provisioning._templates.clear()

    def schema_part(statements: list[str]) -> list[str]:  # migration records carry a time
        return [s for s in statements if not s.startswith('INSERT INTO "django_migrations"')]

    try:
        assert schema_part(provisioning.ensure_template().statements) == schema_part(compact)
        stored = SchemaTemplate.objects.get(state=state).statements
        assert stored[0] == provisioning.COMPACT_MARK
        assert schema_part(stored) == schema_part(compact)
    finally:
        provisioning._templates.clear()


def test_a_schema_with_objects_migrations_do_not_make_is_refused(reference_data: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA t_strange; CREATE TABLE t_strange.a (id int)")
        cursor.execute("CREATE VIEW t_strange.v AS SELECT id FROM t_strange.a")
    with pytest.raises(schema_ddl.UnsupportedSchemaError, match=r"relation v \(v\)"):
        schema_ddl.compact_script("t_strange")


def test_a_compact_script_that_rebuilds_less_fails_its_verification(
    reference_data: object,
) -> None:
    statements = provisioning.ensure_template().statements
    missing_index = [s for s in statements if "guardian_user_grants_by_object" not in s]
    with pytest.raises(schema_ddl.UnsupportedSchemaError, match="guardian_user_grants_by_object"):
        provisioning._verify(missing_index)


def test_a_failing_replay_leaves_no_schema_and_no_tenant(
    reference_data: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The DDL goes in one pipeline: the failing statement's error still reaches the caller
    # (as Django's DatabaseError), and the onboarding transaction takes everything back.
    broken = SchemaTemplate(
        state="broken",
        statements=["CREATE TABLE x (id int)", "SELECT nonsense(", "CREATE TABLE y (id int)"],
        relation_count=0,
    )
    monkeypatch.setattr(provisioning, "ensure_template", lambda: broken)
    with pytest.raises(DatabaseError, match="syntax error"):
        do_create_tenant(slug="broken-desk", name="Broken", kind="PEMDES", region_code=None)
    assert not Tenant.objects.filter(slug="broken-desk").exists()
    assert not Domain.objects.filter(domain__startswith="broken-desk.").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regnamespace('t_broken_desk')")
        assert cursor.fetchone() == (None,)


def test_unknown_region_and_bad_slug_are_refused(reference_data: object) -> None:
    before = Tenant.objects.count()
    with pytest.raises(TenantError) as unknown:
        do_create_tenant(slug="desa-x", name="Desa X", kind="PEMDES", region_code="99.99.99.9999")
    assert unknown.value.extra == {"field": "region_code", "value": "99.99.99.9999"}
    with pytest.raises(TenantError) as bad:
        do_create_tenant(slug="Desa_X!", name="Desa X", kind="PEMDES", region_code=None)
    assert bad.value.extra["field"] == "slug"
    assert Tenant.objects.count() == before


def test_duplicate_slug_is_refused_without_a_second_schema(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    with pytest.raises(TenantError) as duplicate:
        do_create_tenant(slug=tenant.slug, name="Again", kind="PEMDES", region_code=None)
    assert duplicate.value.code == "tenants.duplicate_slug"
    assert Tenant.objects.filter(slug=tenant.slug).count() == 1


def test_region_load_is_idempotent(reference_data: object) -> None:
    before = Region.objects.count()
    loaded = regions.load_regions(prefixes=("33.01.09",))
    assert (
        loaded == Region.objects.filter(code__startswith="33.01.09").count() + 2
    )  # + province, regency
    assert Region.objects.count() == before
    babakan = Region.objects.get(code="33.01.09.2014")
    assert (babakan.name, babakan.level, babakan.parent_id) == ("Babakan", "village", "33.01.09")


def test_full_region_data_counts(reference_data: object) -> None:
    # The shipped copy holds every official code: 38 + 514 + 7,277 + 83,763.
    assert regions.count_rows() == 38 + 514 + 7277 + 83763


def test_onboarding_waits_on_the_server_a_few_times_and_pipes_the_ddl(
    reference_data: object,
) -> None:
    # Provisioning's wall time at 10,000 schemas (issue 23, bench_provision): the schema's
    # DDL goes in one pipeline, and the rest of onboarding is a few statements, each of which
    # the client waits for.
    template = provisioning.ensure_template()
    sent: list[tuple[str, bool]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        piped = connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF
        sent.append((" ".join(sql.split()[:2]).split(' "s')[0], piped))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        do_create_tenant(slug="desa-hitung", name="Desa Hitung", kind="PEMDES", region_code=None)
    piped = [statement for statement, in_pipeline in sent if in_pipeline]
    waited = [statement for statement, in_pipeline in sent if not in_pipeline]
    assert piped == ["CREATE SCHEMA"] + [
        " ".join(s.split()[:2]) for s in template.statements if s != provisioning.COMPACT_MARK
    ]
    assert waited == [
        "SAVEPOINT",  # the test's transaction: onboarding's own is a savepoint in it
        "SELECT %s",  # the slug is free
        "SELECT %s",  # django-tenants: the schema name is free
        "INSERT INTO",  # the tenant, marked with the template's state
        "INSERT INTO",  # its domain (no savepoint, no UPDATE of other domains)
        "SET search_path",  # to the new schema: the template's names are unqualified
        "SET search_path",
        # (the catalogue: the process's copy, routing.selectors.catalogue)
        "INSERT INTO",  # the declaration
        "INSERT INTO",  # its categories
        "RELEASE SAVEPOINT",
    ]
    tenant = Tenant.objects.get(slug="desa-hitung")
    assert tenant.schema_state == template.state
    assert tenant.domains.get().is_primary
    assert tenant.authority.categories.exists()
