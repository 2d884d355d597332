"""A tenant's life after onboarding: suspend, reactivate, archive (with a complete export),
delete.

- Suspended: staff may read but not write (tenants.middleware refuses unsafe requests);
  citizens see a notice and new complaints go to the parent (selectors.intake_tenant).
- Archived: read-only like suspended, and an archive of all its data exists.
- Deleted: only after an archive. The schema is dropped and the tenant's row deleted (with its
  domains and memberships); the audit trail (`TenantEvent`, which copies slug and name) and the
  archive file stay, so the deletion is accounted for and the data can still be handed over.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import schema_context

from tenants.actions.onboarding import record_event
from tenants.errors import OnboardingErrorCode, TenantError
from tenants.models import Tenant, TenantEvent, TenantEventKind, TenantStatus, User

ARCHIVE_DIR = "archives"


def _locked(tenant: Tenant) -> Tenant:
    locked: Tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    return locked


def _refuse(tenant: Tenant, message: str) -> TenantError:
    """`message` takes %(name)s and %(status)s."""
    return TenantError(
        OnboardingErrorCode.BAD_TRANSITION,
        message % {"name": tenant.name, "status": tenant.get_status_display().lower()},
        {"status": tenant.status},
    )


def _set_status(
    tenant: Tenant,
    status: TenantStatus,
    kind: TenantEventKind,
    *,
    actor: User,
    reason: str,
    detail: dict[str, Any] | None = None,
) -> Tenant:
    Tenant.objects.filter(pk=tenant.pk).update(status=status)
    tenant.status = status
    record_event(tenant, kind, actor=actor, reason=reason.strip(), detail=detail)
    return tenant


def _require_reason(reason: str) -> None:
    # Every lasting change says why: the audit trail is read years later.
    if not reason.strip():
        raise TenantError(
            OnboardingErrorCode.REASON_REQUIRED, _("Alasan wajib diisi."), {"field": "reason"}
        )


def do_suspend_tenant(*, tenant: Tenant, reason: str, actor: User) -> Tenant:
    """Staff read-only, citizens see a notice, new complaints go to the parent."""
    _require_reason(reason)
    with transaction.atomic():
        locked = _locked(tenant)
        if locked.status != TenantStatus.ACTIVE:
            raise _refuse(
                locked, _("%(name)s tidak dapat ditangguhkan karena berstatus %(status)s.")
            )
        _set_status(locked, TenantStatus.SUSPENDED, TenantEventKind.SUSPENDED, actor=actor,
                    reason=reason)  # fmt: skip
    tenant.status = locked.status
    return tenant


def do_reactivate_tenant(*, tenant: Tenant, actor: User, reason: str = "") -> Tenant:
    with transaction.atomic():
        locked = _locked(tenant)
        if locked.status != TenantStatus.SUSPENDED:
            raise _refuse(
                locked,
                _("%(name)s tidak dapat diaktifkan kembali karena berstatus %(status)s."),
            )
        _set_status(locked, TenantStatus.ACTIVE, TenantEventKind.REACTIVATED, actor=actor,
                    reason=reason)  # fmt: skip
    tenant.status = locked.status
    return tenant


def tenant_models() -> list[Any]:
    """Every model whose table lives in a tenant schema (the TENANT_APPS), generically."""
    models: list[Any] = []
    for app_name in settings.TENANT_APPS:
        label = app_name.split(".apps.")[0].rsplit(".", 1)[-1]
        models.extend(apps.get_app_config(label).get_models())
    return models


def media_root_of(tenant: Tenant) -> Path:
    """Where the tenant's uploaded files live: MEDIA_ROOT/<schema>/."""
    return Path(settings.MEDIA_ROOT) / str(tenant.schema_name)


def write_export(tenant: Tenant, target: Path) -> dict[str, Any]:
    """A zip with every tenant-schema table as Django-serialized JSON, the tenant's own
    public record, and its media files. Returns the manifest."""
    manifest: dict[str, Any] = {
        "tenant": {
            "slug": tenant.slug,
            "name": tenant.name,
            "kind": tenant.kind,
            "region": tenant.region_id,
            "parent": tenant.parent.slug if tenant.parent else None,
            "schema": tenant.schema_name,
            "schema_state": tenant.schema_state,
            "created_at": tenant.created_at.isoformat(),
        },
        "exported_at": timezone.now().isoformat(),
        "tables": {},
        "media": [],
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with schema_context(tenant.schema_name):
            for model in tenant_models():
                label = model._meta.label_lower
                with archive.open(f"data/{label}.json", "w") as raw:
                    text = io.TextIOWrapper(raw, encoding="utf-8")
                    queryset = model._default_manager.order_by("pk")
                    serializers.serialize("json", queryset.iterator(), stream=text)
                    text.flush()
                    text.detach()
                manifest["tables"][label] = model._default_manager.count()
        events = TenantEvent.objects.filter(tenant=tenant).order_by("created_at", "pk")
        archive.writestr("data/tenants.tenantevent.json", serializers.serialize("json", events))
        media = media_root_of(tenant)
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                relative = path.relative_to(media).as_posix()
                archive.write(path, f"media/{relative}")
                manifest["media"].append(relative)
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


CANNOT_ARCHIVE = gettext_lazy("%(name)s tidak dapat diarsipkan karena berstatus %(status)s.")


def do_archive_tenant(*, tenant: Tenant, actor: User, reason: str) -> TenantEvent:
    """Export everything into MEDIA_ROOT/archives/<slug>-<time>.zip, then mark it archived."""
    _require_reason(reason)
    if tenant.status not in {TenantStatus.ACTIVE, TenantStatus.SUSPENDED}:
        raise _refuse(tenant, str(CANNOT_ARCHIVE))
    folder = Path(settings.MEDIA_ROOT) / ARCHIVE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    relative = f"{ARCHIVE_DIR}/{tenant.slug}-{stamp}.zip"
    final = Path(settings.MEDIA_ROOT) / relative
    partial = final.with_suffix(".zip.part")
    try:
        manifest = write_export(tenant, partial)
        os.replace(partial, final)
        with transaction.atomic():
            locked = _locked(tenant)
            if locked.status not in {TenantStatus.ACTIVE, TenantStatus.SUSPENDED}:
                raise _refuse(locked, str(CANNOT_ARCHIVE))
            Tenant.objects.filter(pk=tenant.pk).update(status=TenantStatus.ARCHIVED)
            tenant.status = TenantStatus.ARCHIVED
            return record_event(
                tenant,
                TenantEventKind.ARCHIVED,
                actor=actor,
                reason=reason.strip(),
                detail={
                    "archive": relative,
                    "bytes": final.stat().st_size,
                    "tables": manifest["tables"],
                    "media_files": len(manifest["media"]),
                },
            )
    except BaseException:
        partial.unlink(missing_ok=True)
        if tenant.status != TenantStatus.ARCHIVED:
            final.unlink(missing_ok=True)
        raise


def latest_archive(tenant: Tenant) -> Path | None:
    """The newest archive file of a tenant, when one exists on disk."""
    event = (
        TenantEvent.objects.filter(tenant=tenant, kind=TenantEventKind.ARCHIVED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None or "archive" not in event.detail:
        return None
    path = Path(settings.MEDIA_ROOT) / str(event.detail["archive"])
    return path if path.is_file() else None


def do_delete_tenant(*, tenant: Tenant, actor: User, reason: str) -> TenantEvent:
    """Drop the schema and delete the row; allowed only for an archived tenant whose archive
    is on disk, and without tenants under it."""
    _require_reason(reason)
    with transaction.atomic():
        locked = _locked(tenant)
        archive = latest_archive(locked)
        if locked.status != TenantStatus.ARCHIVED or archive is None:
            raise TenantError(
                OnboardingErrorCode.NOT_ARCHIVED,
                _("%(name)s harus diarsipkan sebelum dihapus.") % {"name": locked.name},
                {"status": locked.status},
            )
        if Tenant.objects.filter(parent=locked).exists():
            raise TenantError(
                OnboardingErrorCode.HAS_CHILDREN,
                _("%(name)s masih membawahi instansi lain; hapus atau pindahkan dulu.")
                % {"name": locked.name},
            )
        event = record_event(
            locked,
            TenantEventKind.DELETED,
            actor=actor,
            reason=reason.strip(),
            detail={"archive": archive.relative_to(settings.MEDIA_ROOT).as_posix()},
        )
        # Drops the schema in this transaction (PostgreSQL DDL is transactional). Deferred
        # foreign-key checks still queued by this transaction would refuse the drop: run them.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        locked.delete(force_drop=True)
    return event
