"""Regency pages benchmark: render time and statements of the pages that list a regency's
tenants (the authority directory, the agencies list, the triage queue: page and API) for a
regency of N villages.

    .venv/bin/python -m tests.bench.bench_regency --villages 400 --renders 30

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset),
makes a regency government and its villages through the real write path (`do_create_tenant`:
row, domain, schema, default declaration; `--rows` loads the village rows in bulk without
schemas instead, which these pages never enter), opens a triage queue as long as the regency,
signs its regency admin in, renders each page's first and last page `--renders` times through
Django's test client (in process: the request path without the network), and prints p50/p95
milliseconds and statements per page. Not part of the test suite (pytest collects test_*.py
only). Target: under 300 ms for a regency of 400 villages (issue 23).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from typing import Any

from tests.bench.bench_provision import _positive, run_in_scratch_database

TARGET_MS = 300.0
CILACAP = "33.01"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_regency", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--villages", type=_positive, default=400, help="village tenants")
    parser.add_argument("--renders", type=_positive, default=30, help="renders per page")
    parser.add_argument(
        "--rows", action="store_true", help="load village rows in bulk, without their schemas"
    )
    return parser


def _village_regions(count: int) -> list[Any]:
    from tenants.models import Region, RegionLevel

    regions = list(
        Region.objects.filter(code__startswith=CILACAP + ".", level=RegionLevel.VILLAGE).order_by(
            "code"
        )
    )
    # Cilacap has 284 villages; beyond that the same villages serve again (names differ).
    return [regions[n % len(regions)] for n in range(count)]


def build(args: argparse.Namespace) -> tuple[Any, Any]:
    from django.core.management import call_command
    from tqdm import tqdm

    from routing.models import TriageEntry, TriageStatus
    from tenants import provisioning, regions
    from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant
    from tenants.models import Role, Tenant, TenantKind
    from tests.factories import make_member

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    do_ensure_public_tenant()
    regions.load_regions(prefixes=(CILACAP,))
    provisioning.ensure_template()
    from routing.directory import ensure_catalogue

    ensure_catalogue()
    regency = do_create_tenant(
        slug="pemkab-cilacap", name="Pemerintah Kabupaten Cilacap", kind=TenantKind.PEMKAB,
        region_code=CILACAP,
    )  # fmt: skip
    villages = []
    for number, region in enumerate(
        tqdm(_village_regions(args.villages), desc="villages", unit="tenant", leave=False)
    ):
        slug = f"desa-{number}"
        name = f"Pemerintah Desa {region.name.title()} {number}"
        if args.rows:
            villages.append(
                Tenant(
                    slug=slug,
                    schema_name=slug.replace("-", "_"),
                    name=name,
                    kind=TenantKind.PEMDES,
                    region=region,
                    parent=regency,
                )
            )
        else:
            villages.append(
                do_create_tenant(
                    slug=slug,
                    name=name,
                    kind=TenantKind.PEMDES,
                    region_code=region.code,
                    parent=regency,
                )
            )
    if args.rows:
        villages = Tenant.objects.bulk_create(villages)
    TriageEntry.objects.bulk_create(
        TriageEntry(
            tracking_code=f"TRI{n:07d}",
            regency_id=CILACAP,
            holder=villages[n % len(villages)],
            subject=f"Pengaduan {n}",
            reason="Tidak ada instansi yang menyatakan kategori ini.",
            status=TriageStatus.OPEN,
        )
        for n in range(args.villages)
    )
    return regency, make_member(regency, Role.REGENCY_ADMIN)


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tenants.models import Tenant
    from tests.factories import sign_in

    regency, admin = build(args)
    # As in production (ADUAN_CONN_MAX_AGE) a connection outlives a request: keep it, so the
    # renders time the pages and the statements are counted on one connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.disconnect(reset_queries)  # the count spans one request
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    sign_in(client, admin)
    prefix = f"/{settings.TENANT_PATH_PREFIX}/{regency.slug}"
    tenants = int(Tenant.objects.filter(parent=regency).count())
    pages = {
        "directory page": f"{prefix}/directory/",
        "directory API": f"{prefix}/api/v1/directory/",
        "agencies page": f"/console/regencies/{regency.slug}/agencies/",
        "agencies API": f"/api/v1/regencies/{regency.slug}/agencies/",
        "triage page": f"{prefix}/triage/",
        "triage API": f"{prefix}/api/v1/triage/",
    }
    rows = []

    # Pages of 25: the directory lists the government and its villages, the others the villages
    # (the triage queue is as long as the regency).
    def last(label: str) -> int:
        return -(-(tenants + (1 if label.startswith("directory") else 0)) // 25)

    for label, path in pages.items():
        for page in (1, last(label)):
            url = f"{path}?page={page}"
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            statements = len(captured)  # now: the log is a window that later requests move
            times = []
            for _ in range(args.renders):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            rows.append((f"{label}, page {page}", statements, statistics.median(ordered), p95))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()
    load = os.getloadavg()
    print()
    print(
        f"PostgreSQL {version[0] if version else '?'}, {os.cpu_count()} CPU cores, load average"
        f" {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}; a regency of {tenants} villages"
        f" ({'rows without schemas' if args.rows else 'built by do_create_tenant'}),"
        f" {args.renders} renders per page."
    )
    print()
    print("| page | statements | p50 ms | p95 ms | target |")
    print("|---|---:|---:|---:|---:|")
    for label, statements, median, p95 in rows:
        verdict = "met" if p95 <= TARGET_MS else "MISSED"
        print(
            f"| {label} | {statements} | {median:.1f} | {p95:.1f} | < {TARGET_MS:.0f} ({verdict}) |"
        )
    print()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: run(args))


if __name__ == "__main__":
    raise SystemExit(main())
