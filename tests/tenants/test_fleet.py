"""Fleet migrations: one recorded plan replayed per tenant, atomically, resumable, O(1) no-op."""

from __future__ import annotations

import itertools
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from psycopg import sql
from pytest_django.fixtures import Settings as SettingsWrapper

from aduan import broker, cli, ddl, operations
from aduan.errors import AduanError
from tenants import provisioning, schema_ddl
from tenants.models import SchemaMigrationFailure, SchemaMigrationPlan, SchemaTemplate, Tenant
from tests.factories import PlatformData, TenantFactory

COMPLAINTS_MIGRATIONS = Path(provisioning.__file__).resolve().parents[1] / "complaints/migrations"
_module_numbers = itertools.count(1)

PROBE_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "{leaf}")]
    operations = [
        migrations.AddField("complaint", "fleet_probe", models.IntegerField(default=7)),{more}
    ]
"""


@pytest.fixture
def add_probe_field(
    settings: SettingsWrapper, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., str]:
    """A deploy that adds one field to the complaints app: its real migrations plus an
    AddField migration (and `more` operations), as a migration module of its own. Returns the
    new state."""

    def deploy(more: str = "") -> str:
        leaf = max(
            name for app, name in MigrationLoader(None).graph.leaf_nodes() if app == "complaints"
        )
        module = f"fleet_probe_migrations_{next(_module_numbers)}"
        folder = tmp_path / module
        shutil.copytree(COMPLAINTS_MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
        (folder / "9999_fleet_probe.py").write_text(PROBE_MIGRATION.format(leaf=leaf, more=more))
        monkeypatch.syspath_prepend(str(tmp_path))
        settings.MIGRATION_MODULES = {**settings.MIGRATION_MODULES, "complaints": module}
        return provisioning.current_state()

    return deploy


def _columns(schema_name: str) -> dict[str, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = %s AND table_name = 'complaints_complaint'",
            [schema_name],
        )
        return {name: (kind, nullable) for name, kind, nullable in cursor.fetchall()}


def _applied(schema_name: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT name FROM {}.django_migrations WHERE app = 'complaints'")
            .format(sql.Identifier(schema_name))
            .as_string()
        )
        return {name for (name,) in cursor.fetchall()}


def _state(tenant: Tenant) -> str:
    state: str = Tenant.objects.values_list("schema_state", flat=True).get(pk=tenant.pk)
    return state


def _execute(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


@pytest.mark.django_db
def test_an_added_field_reaches_every_tenant_through_one_recorded_plan(
    tenant_factory: TenantFactory, add_probe_field: Callable[..., str]
) -> None:
    # Given two tenants at today's state and one at a state older than any template
    first, second, legacy = tenant_factory(), tenant_factory(), tenant_factory()
    old_state = _state(first)
    Tenant.objects.filter(pk=legacy.pk).update(schema_state="legacy-state")
    # When a deploy adds a field to the complaints app and the fleet is migrated
    new_state = add_probe_field()
    result = provisioning.migrate_outdated_tenants()
    # Then the step was recorded once, from the real migration, and replayed where it could
    plan = SchemaMigrationPlan.objects.get()
    assert (plan.from_state, plan.to_state, plan.replayable) == (old_state, new_state, True)
    assert [s for s in plan.statements if "fleet_probe" in s] == [
        'ALTER TABLE "complaints_complaint" ADD COLUMN "fleet_probe" integer DEFAULT 7 NOT NULL',
        'ALTER TABLE "complaints_complaint" ALTER COLUMN "fleet_probe" DROP DEFAULT',
        plan.statements[-1],
    ]
    assert plan.statements[-1].startswith(
        'INSERT INTO "django_migrations" ("app", "name", "applied") VALUES (\'complaints\','
        " '9999_fleet_probe', "
    )
    assert result.replayed == [first.schema_name, second.schema_name]
    assert result.migration_runs == [legacy.schema_name]
    assert (result.failed, result.already_current) == ({}, [])
    # And every tenant has the column, the migration record and the new state
    for tenant in (first, second, legacy):
        assert _columns(tenant.schema_name)["fleet_probe"] == ("integer", "NO")
        assert "9999_fleet_probe" in _applied(tenant.schema_name)
        assert _state(tenant) == new_state
    assert provisioning.outdated_tenants(new_state) == []


@pytest.mark.django_db
def test_a_failing_tenant_is_rolled_back_and_reported_and_a_rerun_resumes_only_it(
    tenant_factory: TenantFactory, add_probe_field: Callable[..., str]
) -> None:
    # Given three tenants, the middle one holding a column the new migration also adds
    first, broken, last = tenant_factory(), tenant_factory(), tenant_factory()
    old_state = _state(broken)
    _execute(f'ALTER TABLE "{broken.schema_name}".complaints_complaint ADD COLUMN fleet_probe text')
    new_state = add_probe_field()
    # When the fleet is migrated
    result = provisioning.migrate_outdated_tenants()
    # Then the others are migrated and the broken one is reported with its first error
    assert result.replayed == [first.schema_name, last.schema_name]
    error = 'column "fleet_probe" of relation "complaints_complaint" already exists'
    assert result.failed == {broken.schema_name: error}
    failure = SchemaMigrationFailure.objects.get()
    assert (failure.tenant_id, failure.from_state, failure.to_state, failure.error) == (
        broken.pk, old_state, new_state, error
    )  # fmt: skip
    # And nothing of the step stayed in the broken tenant: no record, its own column untouched
    assert _state(broken) == old_state
    assert "9999_fleet_probe" not in _applied(broken.schema_name)
    assert _columns(broken.schema_name)["fleet_probe"] == ("text", "YES")
    # When the cause is fixed and the deploy is run again
    _execute(f'ALTER TABLE "{broken.schema_name}".complaints_complaint DROP COLUMN fleet_probe')
    rerun = provisioning.migrate_outdated_tenants()
    # Then only the tenant that was behind is migrated, and its failure is gone
    assert (rerun.replayed, rerun.failed, rerun.already_current) == ([broken.schema_name], {}, [])
    assert _columns(broken.schema_name)["fleet_probe"] == ("integer", "NO")
    assert _state(broken) == new_state
    assert not SchemaMigrationFailure.objects.exists()


CONSTRAINED_FIELDS = """
        migrations.AddField(
            "complaint", "fleet_code", models.CharField(max_length=12, null=True, unique=True)
        ),
        migrations.AddField("complaint", "fleet_count", models.PositiveIntegerField(default=0)),
        migrations.AddField(
            "complaint", "fleet_team",
            models.ForeignKey("complaints.team", null=True, on_delete=models.SET_NULL),
        ),"""
_INLINE_CONSTRAINT = re.compile(r"ADD COLUMN .*\b(UNIQUE|CHECK|REFERENCES|PRIMARY KEY)\b", re.S)


@pytest.mark.django_db
def test_a_plan_adds_constrained_columns_as_column_then_constraint_and_ends_the_same(
    tenant_factory: TenantFactory,
    add_probe_field: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The process caches templates by state, and every probe deploy has the same state: the
    # template captured here (with these extra columns) must not outlive this test.
    monkeypatch.setattr(provisioning, "_templates", {})
    # Given a tenant, and a deploy adding a UNIQUE, a CHECK and a FOREIGN KEY column (Citus
    # refuses all three inside ADD COLUMN; the plan must serve Citus and plain PostgreSQL)
    tenant = tenant_factory()
    add_probe_field(CONSTRAINED_FIELDS)
    # When the fleet is migrated
    result = provisioning.migrate_outdated_tenants()
    # Then the recorded plan has one statement each and no constraint inside an ADD COLUMN
    plan = SchemaMigrationPlan.objects.get()
    assert plan.replayable and result.replayed == [tenant.schema_name]
    assert [s for s in plan.statements if _INLINE_CONSTRAINT.search(s)] == []
    assert all(ddl.split(statement) == [statement] for statement in plan.statements)
    added = [s for s in plan.statements if "ADD CONSTRAINT" in s and "fleet_" in s]
    assert [s.split(" ADD CONSTRAINT ")[1].split(" ")[0] for s in added] == [
        '"complaints_complaint_fleet_code_key"',
        '"complaints_complaint_fleet_count_check"',
        f'"{_fk_name(plan.statements)}"',
    ]
    # And the replayed tenant is the same, constraint names included, as a new tenant built
    # from the template the migrations made (rows aside: their timestamps differ)
    fresh = tenant_factory()

    def shape(schema_name: str) -> list[tuple[object, ...]]:
        return [i for i in schema_ddl.fingerprint(schema_name) if i[0] not in SKIPPED]

    assert shape(tenant.schema_name) == shape(fresh.schema_name)
    assert {"fleet_code", "fleet_count", "fleet_team_id"} <= set(_columns(tenant.schema_name))


SKIPPED = {"rows", "sequence"}


def _fk_name(statements: list[str]) -> str:
    # Django names a foreign key with a hash suffix: read it from the SET CONSTRAINTS it sends.
    found = [s for s in statements if s.startswith("SET CONSTRAINTS") and "fleet_team" in s]
    assert len(found) == 1, statements
    return found[0].split('"')[1]


@pytest.mark.django_db
def test_a_step_that_runs_python_is_not_replayed_but_run_per_tenant(
    tenant_factory: TenantFactory, add_probe_field: Callable[..., str]
) -> None:
    # Given a tenant and a deploy whose new migration also runs Python (a data migration)
    tenant = tenant_factory()
    new_state = add_probe_field("\n        migrations.RunPython(migrations.RunPython.noop),")
    # When the fleet is migrated
    result = provisioning.migrate_outdated_tenants()
    # Then the plan says it cannot be replayed and the tenant got a real migration run
    plan = SchemaMigrationPlan.objects.get()
    assert (plan.replayable, plan.statements) == (False, [])
    assert (result.replayed, result.migration_runs) == ([], [tenant.schema_name])
    assert _columns(tenant.schema_name)["fleet_probe"] == ("integer", "NO")
    assert _state(tenant) == new_state


@pytest.fixture
def connections_opened() -> Iterator[list[str]]:
    """Names of the threads that opened a database connection while the test ran."""
    opened: list[str] = []

    def record(**_kwargs: object) -> None:
        opened.append(threading.current_thread().name)

    connection_created.connect(record)
    yield opened
    connection_created.disconnect(record)


def test_parallel_workers_migrate_every_tenant_and_recycle_their_connections(
    committed: None, tenant_factory: TenantFactory, connections_opened: list[str]
) -> None:
    # Given four committed tenants and a planned step to a target state
    tenants = [tenant_factory() for _ in range(4)]
    SchemaMigrationPlan.objects.create(
        from_state=_state(tenants[0]),
        to_state="probe-state",
        statements=['ALTER TABLE "complaints_complaint" ADD COLUMN "fleet_probe" integer'],
    )
    seen: list[str] = []
    # When two workers migrate the fleet, each closing its connection after every schema
    result = provisioning.migrate_outdated_tenants(
        to_state="probe-state",
        workers=2,
        schemas_per_connection=1,
        progress=lambda schema_name, _outcome: seen.append(schema_name),
    )
    # Then every tenant was migrated once, with progress reported for each
    schemas = sorted(t.schema_name for t in tenants)
    assert (sorted(result.replayed), result.failed) == (schemas, {})
    assert sorted(seen) == schemas
    for tenant in tenants:
        assert _columns(tenant.schema_name)["fleet_probe"] == ("integer", "YES")
        assert _state(tenant) == "probe-state"
    # And each schema was migrated on a fresh connection of a worker thread
    workers = [name for name in connections_opened if name.startswith("aduan-migrate-")]
    assert len(workers) == 4


@pytest.mark.django_db
def test_a_target_without_a_plan_fails_each_tenant_without_touching_it(
    tenant_factory: TenantFactory,
) -> None:
    # Given a tenant and a target state that no plan leads to
    tenant = tenant_factory()
    before = _state(tenant)
    # When the fleet is migrated to it
    result = provisioning.migrate_outdated_tenants(to_state="unknown-state")
    # Then the tenant is reported and left where it was
    assert result.failed == {tenant.schema_name: f"no plan from {before[:12]} to unknown-stat"}
    assert _state(tenant) == before
    assert "fleet_probe" not in _columns(tenant.schema_name)


@pytest.mark.django_db
def test_a_deploy_with_nothing_to_migrate_is_one_indexed_query(
    tenant_factory: TenantFactory,
) -> None:
    # Given tenants that are all current
    tenant_factory(), tenant_factory()
    # When the fleet is migrated
    with CaptureQueriesContext(connection) as captured:
        result = provisioning.migrate_outdated_tenants()
    # Then one query found nothing to do (besides django-tenants' SET search_path)
    queries = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SET ")]
    assert len(queries) == 1
    assert queries[0].startswith(
        'SELECT "tenants_tenant"."id" AS "pk", "tenants_tenant"."schema_name"'
    )
    assert (result.migrated, result.failed, result.already_current) == (0, {}, [])
    # And schema_state is indexed, so at thousands of tenants that query stays an index
    # lookup (with a handful of rows the planner rightly prefers the primary key order, so
    # the plan itself is not asserted here; tests/bench/bench_provision.py times it at 5,000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " AND tablename = 'tenants_tenant' AND indexname = 'tenant_schema_state'"
        )
        (definition,) = cursor.fetchone() or ("",)
    assert definition.endswith("(schema_state)")


def test_a_tenant_schema_stays_within_sixty_relations(reference_data: PlatformData) -> None:
    # Every relation is multiplied by the number of tenants: tables, indexes, sequences, TOAST.
    assert reference_data.relation_count <= 60


def test_only_tables_with_unbounded_text_carry_a_toast_table(tenant_factory: TenantFactory) -> None:
    # A TOAST table and its index are two relations (an 8 KB file and catalog rows) in every
    # schema: a table whose text is bounded (the vocabulary's words, an attachment's names, the
    # team's name) has none
    tenant = tenant_factory()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace"
            " AND relkind = 'r' AND reltoastrelid <> 0 ORDER BY relname",
            [tenant.schema_name],
        )
        toasted = [name for (name,) in cursor.fetchall()]
    assert "complaints_searchword" not in toasted
    assert "complaints_attachment" not in toasted
    assert "complaints_team" not in toasted
    assert toasted == [
        "complaints_accesslogentry",
        "complaints_cannedanswer",
        "complaints_complaint",
        "complaints_complaintevent",
        "complaints_forwardstub",
        "complaints_sopversion",
        "django_migrations",
    ]


@pytest.mark.django_db
def test_aduan_migrate_lists_the_failed_tenants_and_ends_with_an_error(
    tenant_factory: TenantFactory, add_probe_field: Callable[..., str]
) -> None:
    # Given a tenant that will migrate and one that cannot
    good, broken = tenant_factory(), tenant_factory()
    old_state = _state(broken)
    _execute(f'ALTER TABLE "{broken.schema_name}".complaints_complaint ADD COLUMN fleet_probe text')
    new_state = add_probe_field()
    lines: list[str] = []
    # When the operator runs `aduan migrate`
    with pytest.raises(AduanError) as failed:
        operations.migrate(out=lines.append, workers=1)
    # Then the summary names the failed tenant with its error, and the command fails
    assert lines[0] == "Migrating the public schema..."
    assert lines[2].startswith("Tenants migrated: 1 (1 by plan, 0 by a migration run) in ")
    assert lines[3:] == [
        "Tenants failed and rolled back: 1",
        f'  {broken.schema_name}: column "fleet_probe" of relation "complaints_complaint"'
        " already exists",
    ]
    assert failed.value.message == (
        "1 tenant schema(s) failed to migrate; fix the cause and run `aduan migrate` again to"
        " resume with them."
    )
    assert (_state(good), _state(broken)) == (new_state, old_state)
    # And new tenants are built from the new template
    assert SchemaTemplate.objects.filter(state=new_state).exists()


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_aduan_migrate_refuses_a_worker_count_below_one(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.build_parser().parse_args(["migrate", "--workers", value])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "aduan migrate: error: argument --workers: expected a whole number of at least 1,"
        f" got {value!r}"
    )


def test_workers_recycle_their_database_connections() -> None:
    # A dramatiq worker thread lives for days: django_dramatiq closes its connections once
    # they are older than CONN_MAX_AGE, before and after every job.
    assert "django_dramatiq.middleware.DbConnectionsMiddleware" in broker.MIDDLEWARE
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 60
    assert settings.FLEET_SCHEMAS_PER_CONNECTION == 200
