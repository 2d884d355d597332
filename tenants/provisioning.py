"""Tenant schemas built by replaying captured SQL, never by a migration run per tenant.

django-tenants offers two ways to make a schema: run every migration (seconds, and slower as
the catalog grows) or `clone_schema` (scans the whole catalog, so it slows with every tenant).
Aduan instead migrates one template schema, records every statement that migration executes,
and stores them as a `SchemaTemplate` keyed by the migration state. A new tenant is then one
transaction: CREATE SCHEMA plus that SQL, whose cost does not depend on how many schemas exist.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import (
    get_public_schema_name,
    get_tenant_base_migrate_command_class,
    schema_context,
)
from psycopg import sql

from aduan.db import tenant_db
from tenants.models import SchemaTemplate, Tenant

logger = logging.getLogger("aduan.provisioning")

TEMPLATE_SCHEMA = "_aduan_template"
# Serialises template captures across processes (any constant bigint would do).
CAPTURE_LOCK_KEY = 0x616475616E01

# What a migration run executes that belongs in the replay. SELECTs (introspection),
# savepoints and search_path changes are the runner's own business.
_KEPT = re.compile(
    r"^\s*(CREATE|ALTER|DROP|COMMENT|INSERT|UPDATE|DELETE|SET\s+CONSTRAINTS)\b", re.I
)
_DML = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)


def current_state() -> str:
    """A digest of every app's latest migrations: what a fully migrated schema looks like."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes())
    return hashlib.sha256("\n".join(leaves).encode()).hexdigest()


def _tenant_tables() -> set[str]:
    tables = {"django_migrations"}
    for app_name in settings.TENANT_APPS:
        config = apps.get_app_config(app_name.split(".apps.")[0].rsplit(".", 1)[-1])
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
        # Rendered before executing: mogrify resets the cursor's result.
        raw_cursor = context["cursor"].cursor
        return [
            raw_cursor.mogrify(sql_text, one) if one else sql_text
            for one in (params if many else [params])
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


def _migrate_schema(schema_name: str) -> None:
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
    found = SchemaTemplate.objects.filter(state=state).first()
    if found is not None:
        return found
    with _capture_lock():
        found = SchemaTemplate.objects.filter(state=state).first()
        if found is not None:
            return found
        return _capture(state)


def _capture(state: str) -> SchemaTemplate:
    logger.info("capturing the tenant schema template for state %s", state[:12])
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE")
            .format(sql.Identifier(TEMPLATE_SCHEMA))
            .as_string()
        )
        cursor.execute(
            sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(TEMPLATE_SCHEMA)).as_string()
        )
    recorder = _Recorder(_tenant_tables())
    with connection.execute_wrapper(recorder):
        _migrate_schema(TEMPLATE_SCHEMA)
    template = SchemaTemplate.objects.create(
        state=state,
        statements=recorder.statements,
        relation_count=_relation_count(TEMPLATE_SCHEMA),
    )
    return template


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


def build_schema(schema_name: str, template: SchemaTemplate) -> None:
    """CREATE SCHEMA plus the template's SQL, in one round trip, inside the caller's
    transaction: a failure leaves no half-built schema behind."""
    script = ";\n".join(
        [
            sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema_name)).as_string(),
            *template.statements,
        ]
    )
    with transaction.atomic(), schema_context(schema_name), connection.cursor() as cursor:
        cursor.execute(script)


def provision(tenant: Tenant, template: SchemaTemplate | None = None) -> None:
    """Build the schema of a tenant whose row exists, and record its migration state."""
    template = template or ensure_template()
    with transaction.atomic():
        build_schema(tenant.schema_name, template)
        Tenant.objects.filter(pk=tenant.pk).update(schema_state=template.state)
        tenant.schema_state = template.state


def migrate_outdated_tenants(progress: Callable[[Tenant], None] | None = None) -> int:
    """Bring every tenant whose schema is behind the current state up to date.

    A deploy with nothing to migrate costs one indexed query, not a pass over every tenant.
    """
    state = current_state()
    outdated = (
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .exclude(schema_state=state)
        .exclude(schema_state="")
    )
    count = 0
    for tenant in outdated.iterator():
        _migrate_schema(tenant.schema_name)
        Tenant.objects.filter(pk=tenant.pk).update(schema_state=state)
        count += 1
        if progress is not None:
            progress(tenant)
    return count
