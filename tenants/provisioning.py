"""Tenant schemas built by replaying captured SQL, never by a migration run per tenant.

django-tenants offers two ways to make a schema: run every migration (seconds, and slower as
the catalog grows) or `clone_schema` (scans the whole catalog, so it slows with every tenant).
Aduan instead migrates one template schema and describes the result from the catalog as plain
CREATE TABLEs (tenants.schema_ddl, checked against the migrated schema), stored as a
`SchemaTemplate` keyed by the migration state. A new tenant is then one transaction: CREATE
SCHEMA plus that SQL, whose cost does not depend on how many schemas exist. (Replaying the
migration history itself does not stay flat: its ALTER TABLEs scan the whole pg_depend.)
"""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.migrations import Migration
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q
from django_tenants.utils import (
    get_public_schema_name,
    get_tenant_base_migrate_command_class,
    schema_context,
)
from psycopg import sql

from aduan import ddl
from aduan.db import pipeline, schemas_kept_local, tenant_db
from tenants import schema_ddl
from tenants.models import SchemaMigrationFailure, SchemaMigrationPlan, SchemaTemplate, Tenant

logger = logging.getLogger("aduan.provisioning")

TEMPLATE_SCHEMA = "_aduan_template"
# Scratch schema where a migration plan is recorded (rebuilt from the older template).
PLAN_SCHEMA = "_aduan_plan"
# Scratch schema where a freshly captured template proves itself (always rolled back).
VERIFY_SCHEMA = "_aduan_verify"
# First statement of a template read from the catalog (tenants.schema_ddl): a SQL comment.
COMPACT_MARK = "-- aduan compact template v1"
# Serialises template captures across processes (any constant bigint would do).
CAPTURE_LOCK_KEY = 0x616475616E01

# What a migration run executes that belongs in the replay. SELECTs (introspection),
# savepoints and search_path changes are the runner's own business.
_KEPT = re.compile(
    r"^\s*(CREATE|ALTER|DROP|COMMENT|INSERT|UPDATE|DELETE|SET\s+CONSTRAINTS)\b", re.I
)
_DML = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)


def _tenant_app_labels() -> set[str]:
    tenant_apps = set(settings.TENANT_APPS)
    return {
        config.label
        for config in apps.get_app_configs()
        if config.name in tenant_apps
        or f"{type(config).__module__}.{type(config).__qualname__}" in tenant_apps
    }


def current_state() -> str:
    """A digest of the tenant apps' latest migrations: what a fully migrated tenant schema
    looks like. Shared apps are left out: their migrations never touch a tenant schema, so a
    deploy that only changes the public schema leaves every tenant current.

    Computed once per process (loading the migration graph costs milliseconds on every new
    tenant otherwise): a process serves the migrations it started with. Keyed by
    MIGRATION_MODULES, which tests and the bench override.
    """
    key = repr(sorted(getattr(settings, "MIGRATION_MODULES", {}).items()))
    state = _states.get(key)
    if state is None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        labels = _tenant_app_labels()
        leaves = sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes() if app in labels)
        state = _states[key] = hashlib.sha256("\n".join(leaves).encode()).hexdigest()
    return state


_states: dict[str, str] = {}
# Templates never change once captured (the state is their key): each process reads one once.
_templates: dict[str, SchemaTemplate] = {}


def _tenant_tables() -> set[str]:
    tables = {"django_migrations"}
    for label in _tenant_app_labels():
        config = apps.get_app_config(label)
        tables.update(
            model._meta.db_table for model in config.get_models(include_auto_created=True)
        )
    return tables


class _Recorder:
    """An execute wrapper that keeps the statements a migration run sends to the server."""

    def __init__(self, tenant_tables: set[str]) -> None:
        self.tenant_tables = tenant_tables
        self.statements: list[str] = []

    def __call__(
        self,
        execute: Callable[..., Any],
        sql_text: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        rendered = self._render(sql_text, params, many, context)
        result = execute(sql_text, params, many, context)
        self.statements.extend(rendered)
        return result

    def _render(self, sql_text: str, params: Any, many: bool, context: dict[str, Any]) -> list[str]:
        if not _KEPT.match(sql_text):
            return []
        dml = _DML.match(sql_text)
        # post_migrate handlers write content types and permissions to the public schema.
        if dml and dml.group(1) not in self.tenant_tables:
            return []
        # Rendered before executing: mogrify resets the cursor's result. Then in the shape
        # both engines replay (aduan.ddl): one statement each, constraints apart.
        raw_cursor = context["cursor"].cursor
        return [
            statement
            for one in (params if many else [params])
            for statement in ddl.for_both_engines(
                raw_cursor.mogrify(sql_text, one) if one else sql_text
            )
        ]


@contextmanager
def _capture_lock() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [CAPTURE_LOCK_KEY])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [CAPTURE_LOCK_KEY])


def _relation_count(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s",
            [schema_name],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def run_migrations(schema_name: str) -> None:
    """Run the real migrations on one schema (what django-tenants does per tenant)."""
    tenant_db.set_schema(schema_name, include_public=False)
    MigrationRecorder(connection).ensure_schema()
    tenant_db.set_schema(schema_name)
    try:
        call_command(
            get_tenant_base_migrate_command_class()(),
            database="default",
            interactive=False,
            verbosity=0,
            skip_checks=True,
        )
    finally:
        tenant_db.set_schema_to_public()


def ensure_template() -> SchemaTemplate:
    """The template for the current migration state, capturing it first if needed."""
    state = current_state()
    found = _templates.get(state) or SchemaTemplate.objects.filter(state=state).first()
    # Templates captured before compact templates replay a whole migration history: recapture.
    if found is None or not _is_compact(found):
        with _capture_lock():
            found = SchemaTemplate.objects.filter(state=state).first()
            if found is None or not _is_compact(found):
                found = _capture(state)
    _templates[state] = found
    return found


def _is_compact(template: SchemaTemplate) -> bool:
    return bool(template.statements) and template.statements[0] == COMPACT_MARK


def _capture(state: str) -> SchemaTemplate:
    logger.info("capturing the tenant schema template for state %s", state[:12])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
            .format(sql.Identifier(TEMPLATE_SCHEMA))
            .as_string()
        )
        with schemas_kept_local(cursor):
            cursor.execute(
                sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(TEMPLATE_SCHEMA)).as_string()
            )
    run_migrations(TEMPLATE_SCHEMA)
    statements = [COMPACT_MARK, *schema_ddl.compact_script(TEMPLATE_SCHEMA)]
    _verify(statements)
    template, _created = SchemaTemplate.objects.update_or_create(
        state=state,
        defaults={"statements": statements, "relation_count": _relation_count(TEMPLATE_SCHEMA)},
    )
    return template


def _verify(statements: list[str]) -> None:
    """Prove the compact script rebuilds what the migrations built: replay it into a scratch
    schema, compare the two catalogs, roll the scratch schema back."""
    with transaction.atomic():
        build_schema(VERIFY_SCHEMA, SchemaTemplate(statements=statements), local=True)
        built, migrated = (
            schema_ddl.fingerprint(VERIFY_SCHEMA),
            schema_ddl.fingerprint(TEMPLATE_SCHEMA),
        )
        transaction.set_rollback(True)
    if built != migrated:
        differences = [repr(item) for item in migrated if item not in built][:3] or [
            repr(item) for item in built if item not in migrated
        ][:3]
        raise schema_ddl.UnsupportedSchemaError(
            "the compact template differs from the migrated one: " + "; ".join(differences)
        )


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


def build_schema(schema_name: str, template: SchemaTemplate, *, local: bool = False) -> None:
    """CREATE SCHEMA plus the template's SQL inside the caller's transaction (no savepoint of
    its own: a failure fails the caller's transaction, so no half-built schema is left behind,
    nor the tenant row it was built for). One statement per execute, the only way a Citus
    distributed schema takes DDL (its cost on plain PostgreSQL is measured by bench_citus:
    README), sent in one pipeline: the client neither waits for each statement's answer nor
    makes the server wait for the next statement. A failing statement's error is raised when
    the pipeline ends, as Django's DatabaseError.
    `local`: a scratch schema that stays on a Citus coordinator, undistributed."""
    create = sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema_name)).as_string()
    with (
        transaction.atomic(savepoint=False),
        schema_context(schema_name),
        connection.cursor() as cursor,
    ):
        if local:
            with schemas_kept_local(cursor):
                cursor.execute(create)
        with connection.wrap_database_errors, pipeline():
            if not local:
                cursor.execute(create)
            for statement in template.statements:
                if statement != COMPACT_MARK:
                    cursor.execute(statement)


def provision(tenant: Tenant, template: SchemaTemplate) -> None:
    """Build the schema of a tenant whose row was just inserted with `schema_state` set to
    the template's state, in the same transaction (onboarding's one writer does both)."""
    if tenant.schema_state != template.state:
        raise ValueError(f"{tenant.schema_name} is not marked with the template's state")
    build_schema(tenant.schema_name, template)


# Fleet migrations -------------------------------------------------------------------------
#
# A deploy that moves the tenant apps from state S1 to S2 records the SQL of that step once, on
# a scratch schema rebuilt from S1's template, and stores it as a SchemaMigrationPlan. Each
# tenant behind then replays the plan and moves its `schema_state` in ONE transaction: a tenant
# is either at S1 or at S2, never in between. Tenants at a state without a template (older than
# this mechanism) or whose step runs Python get a real migration run instead, also atomic.


class Outcome(StrEnum):
    REPLAYED = "replayed"
    MIGRATION_RUN = "migration_run"
    CURRENT = "current"
    FAILED = "failed"


@dataclass
class FleetResult:
    """What a fleet migration did, per schema name."""

    to_state: str
    replayed: list[str] = field(default_factory=list)
    migration_runs: list[str] = field(default_factory=list)
    already_current: list[str] = field(default_factory=list)
    # The first line of the error of each tenant that failed (and was rolled back).
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def migrated(self) -> int:
        return len(self.replayed) + len(self.migration_runs)

    def add(self, schema_name: str, outcome: Outcome, error: str) -> None:
        if outcome is Outcome.REPLAYED:
            self.replayed.append(schema_name)
        elif outcome is Outcome.MIGRATION_RUN:
            self.migration_runs.append(schema_name)
        elif outcome is Outcome.CURRENT:
            self.already_current.append(schema_name)
        else:
            self.failed[schema_name] = error


def _behind(state: str) -> Q:
    # Two ranges instead of `<> state`: a btree on schema_state serves both; "" (public row,
    # or a schema not built yet) sorts first and is left out.
    return (Q(schema_state__gt="") & Q(schema_state__lt=state)) | Q(schema_state__gt=state)


def outdated_tenants(state: str) -> list[tuple[int, str, str]]:
    """(id, schema name, state) of every tenant whose schema is behind `state`: one query."""
    return list(
        Tenant.objects.filter(_behind(state))
        .exclude(schema_name=get_public_schema_name())
        .order_by("pk")
        .values_list("pk", "schema_name", "schema_state")
    )


def _drop_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
            .format(sql.Identifier(schema_name))
            .as_string()
        )


def _pending_migrations(schema_name: str) -> list[Migration]:
    """The migrations a real run would apply to this schema, in order."""
    tenant_db.set_schema(schema_name)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        return [migration for migration, _backwards in plan]
    finally:
        tenant_db.set_schema_to_public()


def _runs_python(migration: Migration, tenant_labels: set[str]) -> bool:
    # Shared apps' RunPython never runs in a tenant schema (the router skips it).
    return migration.app_label in tenant_labels and any(
        isinstance(operation, RunPython) for operation in migration.operations
    )


def ensure_plan(from_state: str, to_state: str) -> SchemaMigrationPlan | None:
    """The plan from `from_state` to the current state, recording it first if needed.

    None when `from_state` has no template to rebuild it from: those tenants need a real
    migration run. Plans to other states are only ever read, never recorded.
    """
    found = SchemaMigrationPlan.objects.filter(from_state=from_state, to_state=to_state).first()
    if found is not None or to_state != current_state():
        return found
    source = SchemaTemplate.objects.filter(state=from_state).first()
    if source is None:
        return None
    with _capture_lock():
        found = SchemaMigrationPlan.objects.filter(from_state=from_state, to_state=to_state).first()
        if found is not None:
            return found
        return _record_plan(source, to_state)


def _record_plan(source: SchemaTemplate, to_state: str) -> SchemaMigrationPlan:
    logger.info("recording the tenant migration plan %s -> %s", source.state[:12], to_state[:12])
    _drop_schema(PLAN_SCHEMA)
    try:
        build_schema(PLAN_SCHEMA, source, local=True)
        pending = _pending_migrations(PLAN_SCHEMA)
        recorder = _Recorder(_tenant_tables())
        with connection.execute_wrapper(recorder):
            run_migrations(PLAN_SCHEMA)
    finally:
        _drop_schema(PLAN_SCHEMA)
    labels = _tenant_app_labels()
    replayable = not any(_runs_python(migration, labels) for migration in pending)
    plan: SchemaMigrationPlan = SchemaMigrationPlan.objects.create(
        from_state=source.state,
        to_state=to_state,
        statements=recorder.statements if replayable else [],
        replayable=replayable,
    )
    return plan


def _replay(schema_name: str, plan_statements: list[str]) -> None:
    # One statement per execute, and plans recorded before the rewrite rewritten now: the
    # same plan serves plain PostgreSQL and Citus (aduan.ddl).
    with schema_context(schema_name), connection.cursor() as cursor:
        for recorded in plan_statements:
            for statement in ddl.for_both_engines(recorded):
                cursor.execute(statement)


# Django's migrate command is not meant to run in several threads of one process at once.
_migration_run_lock = threading.Lock()
_budget = threading.local()


def note_schema_touched(limit: int | None = None) -> None:
    """Count a schema against this thread's connection and close the connection after
    `limit` of them: each backend caches the catalog of every schema it touched (over 100 MB
    after 2,000 schemas), so no fleet runner may keep one connection for the whole fleet."""
    limit = limit or settings.FLEET_SCHEMAS_PER_CONNECTION
    used = getattr(_budget, "used", 0) + 1
    if used >= limit and not connection.in_atomic_block:
        connection.close()
        used = 0
    _budget.used = used


def migrate_tenant(
    tenant_id: int, to_state: str, plans: dict[str, SchemaMigrationPlan | None]
) -> tuple[str, Outcome, str]:
    """Bring one tenant to `to_state` in one transaction: the plan's SQL (or a real migration
    run) together with its new `schema_state`. Idempotent: a tenant already there is left
    alone. A failure rolls the tenant back entirely and is recorded with its error.

    Returns (schema name, outcome, first line of the error or "").
    """
    tenant_db.set_schema_to_public()
    schema_name, from_state = "", ""
    try:
        with transaction.atomic():
            row = (
                Tenant.objects.select_for_update()
                .filter(pk=tenant_id)
                .values_list("schema_name", "schema_state")
                .first()
            )
            if row is None:  # deleted since the list was made: nothing to migrate
                return str(tenant_id), Outcome.CURRENT, ""
            schema_name, from_state = row
            if from_state in (to_state, ""):
                return schema_name, Outcome.CURRENT, ""
            plan = plans.get(from_state)
            if plan is not None and plan.replayable:
                _replay(schema_name, plan.statements)
                outcome = Outcome.REPLAYED
            elif to_state == current_state():
                with _migration_run_lock:
                    run_migrations(schema_name)
                outcome = Outcome.MIGRATION_RUN
            else:
                raise LookupError(f"no plan from {from_state[:12]} to {to_state[:12]}")
            Tenant.objects.filter(pk=tenant_id).update(schema_state=to_state)
            SchemaMigrationFailure.objects.filter(tenant_id=tenant_id).delete()
        return schema_name, outcome, ""
    except Exception as exc:  # any error of this tenant's step: report it, go on with others
        error = str(exc).strip() or repr(exc)
        logger.warning("tenant schema %s failed to migrate: %s", schema_name, error)
        _record_failure(tenant_id, from_state, to_state, error)
        return schema_name or str(tenant_id), Outcome.FAILED, error.splitlines()[0]
    finally:
        tenant_db.set_schema_to_public()


def _record_failure(tenant_id: int, from_state: str, to_state: str, error: str) -> None:
    try:
        SchemaMigrationFailure.objects.update_or_create(
            tenant_id=tenant_id,
            defaults={"from_state": from_state, "to_state": to_state, "error": error},
        )
    except DatabaseError:  # the database itself is failing: the summary still reports it
        logger.exception("could not record the failure of tenant %s", tenant_id)


Progress = Callable[[str, Outcome], None]


def migrate_outdated_tenants(
    *,
    to_state: str | None = None,
    workers: int = 1,
    schemas_per_connection: int | None = None,
    progress: Progress | None = None,
    on_start: Callable[[int], None] | None = None,
) -> FleetResult:
    """Bring every tenant whose schema is behind up to `to_state` (default: the current one).

    Nothing to migrate costs one indexed query. Otherwise the plans are recorded once and the
    tenants are migrated by `workers` threads, each with its own database connection, closed
    after `schemas_per_connection` schemas. Re-running picks up only the tenants still behind
    (those that failed), so a failed deploy is resumed by running it again.
    """
    current = current_state()
    to_state = to_state or current
    result = FleetResult(to_state)
    outdated = outdated_tenants(to_state)
    if not outdated:
        return result
    if on_start is not None:
        on_start(len(outdated))
    plans = {state: ensure_plan(state, to_state) for state in sorted({o[2] for o in outdated})}
    limit = schemas_per_connection or settings.FLEET_SCHEMAS_PER_CONNECTION
    lock = threading.Lock()

    def one(tenant_id: int) -> None:
        schema_name, outcome, error = migrate_tenant(tenant_id, to_state, plans)
        note_schema_touched(limit)
        with lock:
            result.add(schema_name, outcome, error)
            if progress is not None:
                progress(schema_name, outcome)

    ids = [tenant_id for tenant_id, _schema, _state in outdated]
    if workers <= 1:
        for tenant_id in ids:
            one(tenant_id)
        return result
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for tenant_id in ids:
        todo.put(tenant_id)

    def work() -> None:
        try:
            while True:
                try:
                    tenant_id = todo.get_nowait()
                except queue.Empty:
                    return
                one(tenant_id)
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=work, name=f"aduan-migrate-{n}", daemon=True)
        for n in range(min(workers, len(ids)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result
