"""One tenant's backup and restore, the database side (needs Django set up; aduan.backups
holds the file and tool side, which the platform restore uses before anything is started)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q
from psycopg.conninfo import make_conninfo

from aduan import backups
from aduan.backups import BackupError, Out, PublicRows
from aduan.db import tenant_db
from tenants.models import Tenant

# Per-object permissions live in each tenant's schema; the rest of these apps are public.
_NOT_COPIED_APPS = {"guardian", "contenttypes", "auth", "sessions", "axes", "django_dramatiq"}


def _public_models() -> list[type[models.Model]]:
    shared = set(settings.SHARED_APPS) - set(settings.TENANT_APPS)
    found: list[type[models.Model]] = []
    for config in apps.get_app_configs():
        path = f"{type(config).__module__}.{type(config).__name__}"
        if (config.name in shared or path in shared) and config.label not in _NOT_COPIED_APPS:
            found.extend(config.get_models())
    return found


def _tenant_fields(model: type[models.Model]) -> list[models.ForeignKey[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is Tenant
    ]


def collect_public_rows(tenant: Tenant) -> PublicRows:
    """The tenant's row, every public row that points at it, and the users they name.
    A row that also points at another tenant is left out (or that link emptied when it may
    be): the other tenant is not in the backup."""
    rows: list[models.Model] = []
    skipped = 0
    for model in _public_models():
        fields = _tenant_fields(model)
        if model is Tenant or not fields:
            continue
        linked = Q()
        for field in fields:
            linked |= Q(**{field.name: tenant})
        for row in model._default_manager.filter(linked).order_by("pk"):
            foreign = [f for f in fields if getattr(row, f.attname) not in (None, tenant.pk)]
            if any(not f.null for f in foreign):
                skipped += 1
                continue
            for field in foreign:
                setattr(row, field.attname, None)
            rows.append(row)
    user_model = get_user_model()
    user_ids = {
        getattr(row, field.attname)
        for row in rows
        for field in row._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is user_model
    } - {None}
    users = list(user_model._default_manager.filter(pk__in=user_ids).order_by("pk"))
    own = Tenant.objects.get(pk=tenant.pk)
    own.parent = None  # the parent tenant is not in the backup
    objects = serializers.serialize("python", [*users, own, *rows])
    return PublicRows(objects=[_jsonable(o) for o in objects], skipped=skipped)


def _jsonable(value: Any) -> Any:
    """Serialized rows as JSON types (dates, decimals and UUIDs as strings)."""
    return json.loads(DjangoJSONEncoder().encode(value))


def backup_tenant(*, slug: str, target: Path, out: Out) -> None:
    tenant_db.set_schema_to_public()
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise BackupError("backup.no_tenant", f"no tenant {slug!r} here")
    backups.backup_tenant(
        database_url=database_url(), schema_name=tenant.schema_name,
        public_rows=collect_public_rows(tenant), media_root=Path(settings.MEDIA_ROOT),
        target=target, slug=slug, out=out,
    )  # fmt: skip


def restore_tenant(*, source: Path, out: Out) -> None:
    manifest = backups.read_manifest(source)
    if manifest["kind"] != backups.TENANT:
        raise BackupError("backup.wrong_kind", f"{source} is a platform backup: leave out --tenant")
    slug, schema_name = manifest["slug"], manifest["schema_name"]
    if Tenant.objects.filter(Q(slug=slug) | Q(schema_name=schema_name)).exists():
        raise BackupError("backup.tenant_exists", f"tenant {slug!r} already exists here")
    loaded = list(serializers.deserialize("python", backups.public_rows_file(source)))
    taken = [
        f"{item.object._meta.label} {item.object.pk}"
        for item in loaded
        if type(item.object)._default_manager.filter(pk=item.object.pk).exists()
    ]
    if taken:
        raise BackupError(
            "backup.ids_taken",
            f"{len(taken)} row id(s) are taken here (first: {taken[0]}):"
            " restore a tenant into a fresh deployment",
        )
    out(f"Restoring tenant {slug}: {len(loaded):,} platform rows...")
    with transaction.atomic():
        for item in loaded:
            item.save()
        _reset_sequences({type(item.object) for item in loaded})
    try:
        out(f"Restoring schema {schema_name} (pg_restore)...")
        backups.restore_tenant_schema(database_url=database_url(), source=source)
    except BackupError:
        # Leave nothing of a half-restored tenant: its platform rows go again.
        with transaction.atomic():
            for item in reversed(loaded):
                type(item.object)._default_manager.filter(pk=item.object.pk).delete()
        raise
    backups.restore_tenant_files(
        source=source, media_root=Path(settings.MEDIA_ROOT), schema_name=schema_name
    )
    out(f"Tenant {slug} restored.")


def _reset_sequences(model_set: set[type[models.Model]]) -> None:
    tenant_db.set_schema_to_public()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(model_set)):
            cursor.execute(statement)


def database_url() -> str:
    """The libpq connection string of Django's own connection (pg_dump and pg_restore take it)."""
    params = connection.get_connection_params()
    keys = ("dbname", "user", "password", "host", "port")
    return make_conninfo("", **{key: params[key] for key in keys if params.get(key)})
