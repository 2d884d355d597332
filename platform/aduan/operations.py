"""Operations behind the `aduan` command, callable from code and tests alike."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from tqdm import tqdm

from aduan.broker import broker_kind
from aduan.errors import AduanError

Out = Callable[[str], None]


def migrate(
    *, out: Out, workers: int | None = None, schemas_per_connection: int | None = None
) -> None:
    """Public schema, broker queue, tenant template, then only the tenants that are behind.

    Tenants are migrated in parallel, each in one transaction; a tenant that fails is rolled
    back and listed, and the run ends with an error once every other tenant is done.
    Running it again resumes with the tenants still behind.
    """
    from routing import directory
    from tenants import provisioning
    from tenants.actions.onboarding import do_ensure_public_tenant

    out("Migrating the public schema...")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    if broker_kind(settings.BROKER_URL) == "postgres":
        import dramatiq_postgres

        with connection.cursor() as cursor:
            dramatiq_postgres.init(cursor.cursor)
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


def load_regions(*, only: tuple[str, ...] = (), source: str | None = None, out: Out) -> int:
    from tenants import regions

    folder = Path(source) if source else regions.PACKAGED_DATA
    total = None if only else regions.count_rows(folder)
    with tqdm(total=total, desc="Loading regions", unit="region") as bar:

        def advance_by(count: int) -> None:
            bar.update(count)

        loaded = regions.load_regions(folder, prefixes=only, progress=advance_by)
    out(f"Regions loaded: {loaded:,}")
    return loaded


def load_boundaries(*, source: str, out: Out) -> int:
    from routing import boundaries  # needs the app registry: imported after django.setup()

    loaded = boundaries.load_boundaries(Path(source))
    out(f"Boundaries loaded: {loaded:,}")
    return loaded


def demo(*, out: Out) -> None:
    from tenants.demo import do_create_demo_data
    from tenants.models import Region

    if not Region.objects.exists():
        load_regions(out=out)
    tenants = do_create_demo_data()
    out(f"Demo tenants ready: {len(tenants)}")
