"""The `aduan` command: run the platform and operate it.

aduan up                      migrate, create the demo, run web + worker + scheduler
aduan migrate [--workers N]   migrate the public schema, the template and outdated tenants
aduan regions load [--only]   load the official region codes (idempotent)
aduan regions boundaries FILE.geojson   load village or regency boundaries (places coordinates)
aduan demo                    create the demo tenants and users
aduan tenants import FILE     onboard a regency's agencies from CSV [--dry-run] [--regency SLUG]
aduan backup DIR [--tenant SLUG]    the whole platform (physical), or one tenant, into DIR
aduan restore DIR [--tenant]  into a fresh deployment (see deploy/README)
aduan keys rotate [--tenant SLUG]   re-wrap tenant keys under the new master key, or rotate one
                              tenant's key (re-wraps its complaints' data keys)
aduan retention SLUG [--dry-run]   anonymise what the tenant's retention period removes
aduan statistics refresh      re-publish statistics, with a progress bar
                              (--tenant SLUG | --regency SLUG) [--months N]; "publish" too
aduan citus prepare|status    Citus: reference tables, sequences, local schemas | placements
aduan citus move SLUG HOST:PORT   move a tenant's schema to another worker, with progress
aduan billing invoice-run [--period YYYY-MM] [--dry-run]   issue and e-mail a closed month's
                              invoices, each account once (default: last month)
aduan messages                refresh and compile the translation catalogs (development)
aduan web | worker | scheduler   one process of the platform (systemd, containers)
aduan manage ARGS...          any Django management command
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from types import ModuleType

import django
from django.core.management import CommandError, execute_from_command_line
from django.db import DatabaseError
from tqdm import tqdm

from aduan import backups, paths, supervisor
from aduan.errors import AduanError

SETTINGS = "aduan.settings.production"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()


def _operations() -> ModuleType:
    """Set Django up, then load the operations (they import models, which need it first)."""
    _setup()
    # deferred import: a module that imports models can only load after django.setup().
    from aduan import operations

    return operations


def cmd_migrate(args: argparse.Namespace) -> int:
    _operations().migrate(
        out=print, workers=args.workers, schemas_per_connection=args.schemas_per_connection
    )
    return 0


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def cmd_regions(args: argparse.Namespace) -> int:
    _operations().load_regions(only=tuple(args.only or ()), source=args.source, out=print)
    return 0


def cmd_regions_boundaries(args: argparse.Namespace) -> int:
    _operations().load_boundaries(source=args.file, out=print)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _operations().demo(out=print)
    return 0


def cmd_tenants_import(args: argparse.Namespace) -> int:
    """Validate every row first; create all of them in one transaction, or none."""
    return int(
        _operations().import_agencies(
            regency_slug=args.regency,
            file=args.file,
            dry_run=args.dry_run,
            out=print,
            err=lambda line: print(line, file=sys.stderr),
        )
    )


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    operations = _operations()
    if args.tenant:
        return int(operations.rotate_tenant_key(slug=args.tenant, out=print))
    return int(operations.rotate_master_key(out=print))


def cmd_retention(args: argparse.Namespace) -> int:
    return int(_operations().apply_retention(slug=args.tenant, dry_run=args.dry_run, out=print))


def cmd_export(args: argparse.Namespace) -> int:
    filters = dict(pair.split("=", 1) for pair in args.filter if "=" in pair)
    _operations().export_register(
        tenant=args.tenant,
        user=args.user,
        kind=args.kind,
        filters=filters,
        output=Path(args.output) if args.output else None,
        out=print,
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    # deferred import: needs Django set up first (_setup above).
    from aduan import tenant_backup

    target = Path(args.dir)
    if args.tenant:
        tenant_backup.backup_tenant(slug=args.tenant, target=target, out=print)
    else:
        backups.backup_platform(
            database_url=tenant_backup.database_url(),
            media_root=Path(settings.MEDIA_ROOT),
            target=target,
            out=print,
        )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    source = Path(args.dir)
    if args.tenant:
        _setup()
        # deferred import: needs Django set up first (_setup above).
        from aduan import tenant_backup

        tenant_backup.restore_tenant(source=source, out=print)
        return 0
    # The whole platform goes into an empty data folder before any server starts: no Django.
    state = paths.state_dir()
    backups.restore_platform(
        source=source,
        pgdata=Path(args.pgdata) if args.pgdata else state / "pgdata",
        media_root=Path(os.environ.get("ADUAN_MEDIA_ROOT", state / "media")),
        out=print,
    )
    return 0


def cmd_statistics_publish(args: argparse.Namespace) -> int:
    """Publish the last months of a tenant's or a whole regency's statistics, with progress."""
    return int(
        _operations().publish_statistics(
            tenant_slug=args.tenant or "", regency_slug=args.regency or "",
            months=args.months, out=tqdm.write, bar=True,
        )
    )  # fmt: skip


def cmd_citus(args: argparse.Namespace) -> int:
    """Aduan on a Citus cluster (deploy/SCALING.md): prepare, status, move."""
    _setup()
    # deferred import: needs Django set up first (_setup above).
    from aduan import citus

    if args.citus_step == "prepare":
        citus.prepare(out=print)
    elif args.citus_step == "status":
        citus.print_status(out=print)
    else:
        citus.move(slug=args.tenant, to=args.node, mode=args.mode, out=print)
    return 0


def _month(text: str) -> date:
    try:
        parsed = datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 - a calendar month
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a month as YYYY-MM, got {text!r}") from None
    return parsed


def cmd_billing_invoice_run(args: argparse.Namespace) -> int:
    return int(
        _operations().run_invoices(
            period=args.period,
            dry_run=args.dry_run,
            out=print,
            err=lambda line: print(line, file=sys.stderr),
        )
    )


def cmd_messages(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.test")
    # deferred import: the catalogs' tool (polib) is a development dependency only.
    from aduan import messages

    return 1 if messages.refresh() else 0


def cmd_up(args: argparse.Namespace) -> int:
    return supervisor.up(host=args.host, port=args.port, web_workers=args.web_workers)


def cmd_process(args: argparse.Namespace) -> int:
    command = supervisor.process_command(args.command, host=args.host, port=args.port)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    os.execv(command[0], command)  # noqa: S606 - our own process, argv built above
    return 0  # not reached


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    execute_from_command_line(["aduan manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aduan", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    up = sub.add_parser("up", help="run the whole platform locally")
    up.add_argument("--host", default=os.environ.get("ADUAN_HOST", "127.0.0.1"))
    up.add_argument("--port", type=int, default=int(os.environ.get("ADUAN_PORT", "8000")))
    up.add_argument("--web-workers", type=int, default=2)
    up.set_defaults(func=cmd_up)

    migrate = sub.add_parser("migrate", help="migrate every schema")
    migrate.add_argument(
        "--workers", type=_positive, help="tenants migrated in parallel (ADUAN_FLEET_WORKERS)"
    )
    migrate.add_argument(
        "--schemas-per-connection",
        type=_positive,
        help="close a worker's database connection after this many tenant schemas"
        " (ADUAN_FLEET_SCHEMAS_PER_CONNECTION)",
    )
    migrate.set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="create the demo tenants and users").set_defaults(func=cmd_demo)
    export = sub.add_parser("export", help="export a tenant's register, with a progress bar")
    export.add_argument("--tenant", metavar="SLUG", required=True)
    export.add_argument("--user", metavar="USERNAME", required=True, help="exports as this user")
    export.add_argument("--kind", choices=["csv", "xlsx", "book"], default="csv")
    export.add_argument(
        "--filter", action="append", default=[], metavar="NAME=VALUE",
        help="a register filter, e.g. --filter q=jembatan --filter year=2026",
    )  # fmt: skip
    export.add_argument("--output", metavar="FILE")
    export.set_defaults(func=cmd_export)
    backup = sub.add_parser("backup", help="back up the whole platform, or one tenant")
    backup.add_argument("dir", help="a new or empty folder to write the backup into")
    backup.add_argument("--tenant", metavar="SLUG", help="only this tenant")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into a fresh deployment")
    restore.add_argument("dir", help="a folder written by `aduan backup`")
    restore.add_argument(
        "--tenant", action="store_true", help="the backup is one tenant's (the deployment runs)"
    )
    restore.add_argument(
        "--pgdata", help="the empty data folder of your own server (default: the embedded one's)"
    )
    restore.set_defaults(func=cmd_restore)
    sub.add_parser(
        "messages", help="refresh and compile the translation catalogs (development)"
    ).set_defaults(func=cmd_messages)

    tenants = sub.add_parser("tenants", help="tenants: onboarding")
    tenants_sub = tenants.add_subparsers(dest="action", required=True)
    tenants_import = tenants_sub.add_parser(
        "import", help="onboard a regency's agencies from a CSV file (name,kind,region_code,slug)"
    )
    tenants_import.add_argument("file", help="CSV file, UTF-8")
    tenants_import.add_argument(
        "--dry-run", action="store_true", help="validate every row, create nothing"
    )
    tenants_import.add_argument("--regency", help="slug of the regency's PEMKAB tenant")
    tenants_import.set_defaults(func=cmd_tenants_import)

    keys = sub.add_parser("keys", help="encryption keys of personal data")
    keys_sub = keys.add_subparsers(dest="action", required=True)
    rotate = keys_sub.add_parser(
        "rotate", help="re-wrap every tenant key under the first of ADUAN_MASTER_KEYS"
    )
    rotate.add_argument("--tenant", help="rotate this tenant's own key instead (slug)")
    rotate.set_defaults(func=cmd_keys_rotate)

    retention = sub.add_parser("retention", help="UU 27/2022 retention of one tenant, now")
    retention.add_argument("tenant", help="the tenant's slug")
    retention.add_argument("--dry-run", action="store_true", help="list only, change nothing")
    retention.set_defaults(func=cmd_retention)

    stats = sub.add_parser("statistics", help="reports and statistics")
    stats_sub = stats.add_subparsers(dest="action", required=True)
    for action in ("refresh", "publish"):
        publish = stats_sub.add_parser(
            action, help="re-publish monthly statistics, with a progress bar"
        )
        which = publish.add_mutually_exclusive_group(required=True)
        which.add_argument("--tenant", help="one tenant's slug")
        which.add_argument("--regency", help="every tenant of this regency (its slug)")
        publish.add_argument("--months", type=_positive, default=12, help="how many months back")
        publish.set_defaults(func=cmd_statistics_publish)
    citus = sub.add_parser("citus", help="Aduan on a Citus cluster (ADUAN_CITUS=1)")
    citus_sub = citus.add_subparsers(dest="citus_step", required=True)
    citus_sub.add_parser(
        "prepare",
        help="public tables as reference tables, sequences past their maximum, queue and"
        " template schemas local (idempotent; `aduan migrate` runs it)",
    ).set_defaults(func=cmd_citus)
    citus_sub.add_parser(
        "status", help="nodes, where each tenant's schema lives, shards per node"
    ).set_defaults(func=cmd_citus)
    move = citus_sub.add_parser(
        "move", help="move a tenant's schema to another worker (citus_schema_move), with progress"
    )
    move.add_argument("tenant", help="the tenant's slug")
    move.add_argument("node", help="the target worker as host:port")
    move.add_argument(
        "--mode", choices=["block_writes", "auto", "force_logical"], default="block_writes",
        help="Citus' shard_transfer_mode (auto/force_logical need wal_level=logical)",
    )  # fmt: skip
    move.set_defaults(func=cmd_citus)
    billing = sub.add_parser("billing", help="billing: the monthly invoices")
    billing_sub = billing.add_subparsers(dest="action", required=True)
    invoice_run = billing_sub.add_parser(
        "invoice-run", help="issue and e-mail a closed month's invoices (idempotent)"
    )
    invoice_run.add_argument("--period", type=_month, default=None, help="YYYY-MM (last month)")
    invoice_run.add_argument("--dry-run", action="store_true", help="show, issue nothing")
    invoice_run.set_defaults(func=cmd_billing_invoice_run)
    regions = sub.add_parser("regions", help="region reference data")
    regions_sub = regions.add_subparsers(dest="action", required=True)
    load = regions_sub.add_parser("load", help="load the official region codes")
    load.add_argument("--source", help="folder with provinces/regencies/districts/villages.csv")
    load.add_argument("--only", nargs="*", help="region code prefixes to load (a slice)")
    load.set_defaults(func=cmd_regions)
    boundaries = regions_sub.add_parser(
        "boundaries",
        help="load village or regency boundaries (GeoJSON keyed by region code)"
        " so that coordinates are routed like a village code",
    )
    boundaries.add_argument("file", help="a GeoJSON FeatureCollection of (Multi)Polygons")
    boundaries.set_defaults(func=cmd_regions_boundaries)

    for name in ("web", "worker", "scheduler"):
        one = sub.add_parser(name, help=f"run the {name} process")
        one.add_argument("--host", default=os.environ.get("ADUAN_HOST", "127.0.0.1"))
        one.add_argument("--port", type=int, default=int(os.environ.get("ADUAN_PORT", "8000")))
        one.set_defaults(func=cmd_process)

    manage = sub.add_parser("manage", help="a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except AduanError as exc:
        print(f"aduan: error: {exc.message}", file=sys.stderr)
        return 1
    except (CommandError, DatabaseError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        print(f"aduan: error: {first_line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    raise SystemExit(main())
