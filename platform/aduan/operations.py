"""Operations behind the `aduan` command, callable from code and tests alike.

Imported only once Django is set up (aduan.cli and aduan.supervisor load it after
django.setup()), so it imports the apps at the top like any other module."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_context
from tqdm import tqdm

from aduan import citus as aduan_citus
from aduan import envelope
from aduan.broker import broker_kind, init_queue_schema
from aduan.db import citus
from aduan.errors import AduanError
from aduan.periods import Month
from billing.actions.invoices import do_run_invoices, previous_period
from complaints import statistics
from complaints.actions.exports import do_request_export, do_run_export
from complaints.actions.keys import do_rotate_tenant_key
from complaints.actions.privacy import do_apply_retention
from complaints.actions.statistics import (
    do_request_statistics_refresh,
    do_run_statistics_refresh,
    refresh_plan,
)
from complaints.exports import file_name, open_export
from complaints.public.models import ExportStatus
from routing import boundaries, directory
from tenants import provisioning, regions
from tenants.actions.onboarding import AgencyRow, do_ensure_public_tenant, do_import_agencies
from tenants.demo import DEMO_PASSWORD, DEMO_TENANTS, DEMO_USERS, do_create_demo_data
from tenants.errors import OnboardingErrorCode
from tenants.models import Region, Tenant, TenantKind, User

Out = Callable[[str], None]


def migrate(
    *, out: Out, workers: int | None = None, schemas_per_connection: int | None = None
) -> None:
    """The release step: static files, public schema, broker queue, tenant template, then
    only the tenants that are behind.

    Static files first: the web process serves them through a manifest
    (CompressedManifestStaticFilesStorage) and answers 500 on every page while it is missing,
    so a deploy cannot forget it. Tenants are migrated in parallel, each in one transaction;
    a tenant that fails is rolled back and listed, and the run ends with an error once every
    other tenant is done. Running it again resumes with the tenants still behind.
    """
    collect_static(out=out)

    out("Migrating the public schema...")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    if citus():
        aduan_citus.prepare(out=out)
    if broker_kind(settings.BROKER_URL) == "postgres":
        with transaction.atomic(), connection.cursor() as cursor:
            init_queue_schema(cursor.cursor, citus=citus())
    do_ensure_public_tenant()
    report = directory.ensure_directory()
    if report.categories_written or report.tenants_declared:
        out(
            f"Authority directory: {report.categories_written:,} categories updated,"
            f" {report.tenants_declared:,} tenants declared with their kind's defaults."
        )
    template = provisioning.ensure_template()
    out(f"Tenant schema template: {template.relation_count} relations per schema.")
    started = time.monotonic()
    with tqdm(desc="Migrating tenants", unit="tenant", leave=False) as bar:

        def advance(_schema_name: str, _outcome: provisioning.Outcome) -> None:
            bar.update()

        result = provisioning.migrate_outdated_tenants(
            workers=workers or settings.FLEET_WORKERS,
            schemas_per_connection=schemas_per_connection,
            progress=advance,
            on_start=lambda total: bar.reset(total=total),
        )
    if not result.migrated and not result.failed:
        out("Every tenant schema is current.")
        return
    seconds = time.monotonic() - started
    out(
        f"Tenants migrated: {result.migrated:,} ({len(result.replayed):,} by plan,"
        f" {len(result.migration_runs):,} by a migration run) in {seconds:.1f} s."
    )
    if result.failed:
        out(f"Tenants failed and rolled back: {len(result.failed):,}")
        for schema_name, error in sorted(result.failed.items()):
            out(f"  {schema_name}: {error}")
        raise AduanError(
            "aduan.migrate_failed",
            f"{len(result.failed):,} tenant schema(s) failed to migrate; fix the cause and run"
            " `aduan migrate` again to resume with them.",
            {"failed": result.failed},
        )


def collect_static(*, out: Out) -> None:
    """Collect the static files and their manifest into STATIC_ROOT (idempotent)."""
    if settings.STATIC_ROOT is None:  # served from the app folders (tests)
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    out(f"Static files collected in {settings.STATIC_ROOT}.")


def load_regions(*, only: tuple[str, ...] = (), source: str | None = None, out: Out) -> int:
    folder = Path(source) if source else regions.PACKAGED_DATA
    total = None if only else regions.count_rows(folder)
    with tqdm(total=total, desc="Loading regions", unit="region") as bar:

        def advance_by(count: int) -> None:
            bar.update(count)

        loaded = regions.load_regions(folder, prefixes=only, progress=advance_by)
    out(f"Regions loaded: {loaded:,}")
    return loaded


def load_boundaries(*, source: str, out: Out) -> int:
    loaded = boundaries.load_boundaries(Path(source))
    out(f"Boundaries loaded: {loaded:,}")
    return loaded


def demo(*, out: Out) -> None:
    if not Region.objects.exists():
        load_regions(out=out)
    tenants = do_create_demo_data()
    out(f"Demo tenants ready: {len(tenants)}")


def export_register(
    *, tenant: str, user: str, kind: str, filters: dict[str, str], output: Path | None, out: Out
) -> Path:
    """`aduan export`: a register export asked for as `user` (their roles decide what is in
    it), written here with a progress bar, saved to `output` (default: the export's name in
    the current folder). A large export is taken from the queue and run in this process; the
    job finds it done and leaves it (idempotent)."""
    found = Tenant.objects.filter(slug=tenant).first()
    member = User.objects.filter(username=user).first()
    if found is None or member is None:
        raise AduanError("exports.unknown", f"unknown tenant {tenant!r} or user {user!r}")
    with schema_context(found.schema_name):
        export = do_request_export(tenant=found, actor=member, kind=kind, filters=filters)
        if export.status != ExportStatus.DONE:
            with tqdm(total=export.total, desc="export", unit="row") as bar:

                def advance(done: int, total: int) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                export = do_run_export(export_id=export.pk, progress=advance)
    if export.status != ExportStatus.DONE:
        raise AduanError("exports.failed", f"export {export.pk} failed")
    target = output or Path(file_name(export))
    target.write_bytes(open_export(export))
    out(f"{export.total} rows written to {target}")
    return target


def import_agencies(
    *, regency_slug: str | None, file: str, dry_run: bool, out: Out, err: Out
) -> int:
    """`aduan tenants import`: validate every row first; create all of them in one
    transaction, or none. Returns the exit status."""
    if not regency_slug:
        err("aduan: error: Sebutkan kabupaten tujuan dengan --regency SLUG.")
        return 1
    regency = Tenant.objects.filter(slug=regency_slug, kind=TenantKind.PEMKAB).first()
    if regency is None:
        err(f"aduan: error: Kabupaten {regency_slug} tidak ditemukan.")
        return 1
    with open(file, "rb") as handle:
        content = handle.read()
    try:
        if dry_run:
            plan = do_import_agencies(regency=regency, content=content, actor=None, dry_run=True)
            for row in plan.rows:
                out(f"OK baris {row.line}: {row.slug} ({row.kind}, {row.region_code}) {row.name}")
            out(f"Uji coba: {len(plan.rows)} instansi valid, tidak ada yang dibuat.")
            return 0
        bars: list[Any] = []

        def advance(row: AgencyRow, total: int) -> None:
            # The bar starts once every row is valid: errors print alone.
            if not bars:
                bars.append(tqdm(desc="Membuat instansi", unit="instansi", total=total))
            bars[0].update()

        try:
            plan = do_import_agencies(
                regency=regency, content=content, actor=None, progress=advance
            )
        finally:
            for bar in bars:
                bar.close()
    except AduanError as exc:
        if exc.code == OnboardingErrorCode.CSV_ROWS:
            for error in exc.extra["errors"]:
                err(f"aduan: error: baris {error['row']} ({error['field']}): {error['message']}")
        raise
    out(f"{len(plan.rows)} instansi dibuat di bawah {regency.name}.")
    return 0


def demo_banner(host: str, port: int) -> str:
    """What `aduan up` prints once everything runs: where to go and how to sign in."""
    shown = "localhost" if host in {"127.0.0.1", "0.0.0.0", "localhost"} else host  # noqa: S104
    base = f"http://{shown}:{port}"
    sub_base = settings.BASE_DOMAIN
    width = max(len(t.name) for t in DEMO_TENANTS)
    lines = [
        "",
        "Aduan is running.",
        f"  Front door (platform):  {base}/",
        f"  Health:                 {base}/healthz",
        f"  API schema (OpenAPI):   {base}/api/schema/",
        "  Demo tenants (by path, and by subdomain):",
    ]
    for demo_tenant in DEMO_TENANTS:
        lines.append(
            f"    {demo_tenant.name:<{width}}  {base}/t/{demo_tenant.slug}/"
            f"   http://{demo_tenant.slug}.{sub_base}:{port}/"
        )
    lines.append(
        f"  Demo logins (password: {DEMO_PASSWORD}), staff console at <tenant URL>console/:"
    )
    for username, role in DEMO_USERS:
        lines.append(f"    {username:<16} {role.label}")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def rotate_master_key(*, out: Callable[[str], None]) -> int:
    """`aduan keys rotate`: every tenant key re-wrapped under the first of ADUAN_MASTER_KEYS
    (keep the old key listed after it until this has run); no row is touched."""
    done = envelope.rotate_master(
        progress=lambda items: tqdm(items, desc="Re-wrapping tenant keys", unit="key")
    )
    out(f"{done} tenant key(s) re-wrapped under master key {envelope.master_keys()[0][0]!r}")
    return 0


def rotate_tenant_key(*, slug: str, out: Callable[[str], None]) -> int:
    """`aduan keys rotate --tenant SLUG`: a new tenant key, its complaints' data keys re-wrapped."""
    tenant = Tenant.objects.get(slug=slug)
    done = do_rotate_tenant_key(
        tenant=tenant,
        actor=None,
        progress=lambda items: tqdm(items, desc=f"Re-wrapping {slug}", unit="complaint"),
    )
    out(f"{slug}: tenant key rotated, {done} data key(s) re-wrapped")
    return 0


def apply_retention(*, slug: str, dry_run: bool, out: Callable[[str], None]) -> int:
    """`aduan retention SLUG [--dry-run]`: what the tenant's retention period removes now."""
    tenant = Tenant.objects.get(slug=slug)
    with schema_context(tenant.schema_name):
        run = do_apply_retention(tenant=tenant, dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    out(f"{len(run.anonymised)} identities {verb} anonymised: {' '.join(run.anonymised)}")
    out(f"{len(run.purged)} WBS reports {verb} purged: {' '.join(run.purged)}")
    return 0


def publish_statistics(*, tenant_slug: str = "", regency_slug: str = "", months: int = 2,
                       out: Out, bar: bool = False) -> int:  # fmt: skip
    """`aduan statistics refresh`: publish the last `months` of one tenant's statistics, or
    of every tenant of a regency (a re-run after a holiday was added, say), here, through the
    same refresh the page asks the job for (its progress on its row, so the page shows this
    run too), printing each step and, with `bar`, a progress bar. Returns 0, or 1 when the
    tenant or regency is unknown."""
    found = (
        Tenant.objects.filter(slug=tenant_slug).first()
        if tenant_slug
        else Tenant.objects.filter(slug=regency_slug, kind=TenantKind.PEMKAB).first()
    )
    if found is None:
        out(f"no tenant {tenant_slug or regency_slug!r}")
        return 1
    refresh = do_request_statistics_refresh(
        tenant=found, actor=None, regency=not tenant_slug, months=_last_months(found, months)
    )
    started = time.monotonic()
    with tqdm(total=refresh.total, desc="statistics", unit="month", disable=not bar) as shown:

        def progress(done: int, total: int, slug: str) -> None:
            shown.total = total
            shown.update(done - shown.n)
            out(f"[{done}/{total}] {slug} ({time.monotonic() - started:.1f} s)")

        refresh = do_run_statistics_refresh(refresh_id=refresh.pk, progress=progress)
    out(f"published {refresh.done} months of {len(refresh_plan(refresh))} tenants")
    return 0


def run_invoices(*, period: date | None, dry_run: bool, out: Out, err: Out) -> int:
    """`aduan billing invoice-run [--period YYYY-MM] [--dry-run]`: the closed month's invoices,
    each account once, e-mailed with the PDF (the job `run_invoices` does the same daily).
    Returns 1 when something failed (it is retried by the next run), else 0."""
    run = do_run_invoices(period=period or previous_period(), dry_run=dry_run)
    month = f"{run.period:%Y-%m}"
    if dry_run:
        out(f"{month}: {len(run.issued)} invoice(s) would be issued (dry run, nothing stored)")
        for line in run.issued:
            out(f"  {line}")
        return 0
    out(f"{month}: {len(run.issued)} issued {' '.join(run.issued)}".rstrip())
    out(f"{month}: {len(run.emailed)} e-mailed {' '.join(run.emailed)}".rstrip())
    out(f"{month}: {len(run.skipped)} account(s) already invoiced or with nothing to bill")
    for line in run.failed:
        err(f"failed: {line}")
    return 1 if run.failed else 0


def _last_months(tenant: Tenant, count: int) -> list[Month]:
    """The last `count` months up to the current one (the regency's tenants may be older
    than the regency: no lower bound here, each tenant's life clips them)."""
    months = [statistics.current_month(tenant)]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months
