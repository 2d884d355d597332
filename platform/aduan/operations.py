"""Operations behind the `aduan` command, callable from code and tests alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from tqdm import tqdm

from aduan.broker import broker_kind

Out = Callable[[str], None]


def migrate(*, out: Out) -> None:
    """Public schema, broker queue, tenant template, then only the tenants that are behind."""
    from tenants import provisioning
    from tenants.actions import do_ensure_public_tenant

    out("Migrating the public schema...")
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    if broker_kind(settings.BROKER_URL) == "postgres":
        import dramatiq_postgres

        with connection.cursor() as cursor:
            dramatiq_postgres.init(cursor.cursor)
    do_ensure_public_tenant()
    template = provisioning.ensure_template()
    out(f"Tenant schema template: {template.relation_count} relations per schema.")
    with tqdm(desc="Migrating tenants", unit="tenant", leave=False) as bar:

        def advance(_tenant: object) -> None:
            bar.update()

        count = provisioning.migrate_outdated_tenants(progress=advance)
    out(f"Tenants migrated: {count}" if count else "Every tenant schema is current.")


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


def demo(*, out: Out) -> None:
    from tenants.demo import do_create_demo_data
    from tenants.models import Region

    if not Region.objects.exists():
        load_regions(out=out)
    tenants = do_create_demo_data()
    out(f"Demo tenants ready: {len(tenants)}")
