"""Storage metering benchmark (issue 21): the metering job over a fleet's file ledger.

    .venv/bin/python -m tests.bench.bench_storage_metering --tenants 2000 --files 50000

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset),
migrates the public schema only (the ledger and billing live there; no tenant schema is
entered, which is the point), adds the tenant rows, a plan covering every tenant, and
`--files` ledger rows (complaints.public.StoredFileEvent: files stored, a tenth of them
removed again) spread over the tenants and two months. It then times one metering run
(`do_meter_usage`: collect the ledger, fold the storage deltas, rewrite the entitlements of
the tenants touched) and a second run with nothing new (its steady cost), and prints the
counts of queries, with the load average. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from collections.abc import Sequence

from tests.bench.bench_provision import _positive, run_in_scratch_database


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_storage_metering", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tenants", type=_positive, default=2000, help="tenant rows")
    parser.add_argument("--files", type=_positive, default=50000, help="ledger rows")
    parser.add_argument("--seed", type=int, default=21, help="random seed")
    return parser


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from billing.actions.accounts import do_create_account
    from billing.actions.plans import do_create_plan
    from billing.actions.usage import do_meter_usage
    from billing.models import Coverage, UsageCounter, UsageKind
    from complaints.public.models import StoredFileEvent
    from tenants.actions.onboarding import do_ensure_public_tenant
    from tenants.models import Tenant, TenantKind

    rng = random.Random(args.seed)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    do_ensure_public_tenant()
    # Tenant rows only: the ledger is read without entering any tenant schema.
    tenants = Tenant.objects.bulk_create(
        Tenant(schema_name=f"bench_{n}", slug=f"bench-{n}", name=f"Desa {n}", kind=TenantKind.OPD)
        for n in range(args.tenants)
    )
    plan = do_create_plan(code="desa", name="Desa", monthly_price=150_000, features=[],
                          storage_mb=5, actor=None)  # fmt: skip
    account = do_create_account(name="Kabupaten", address="Jl. 1", npwp="001234567890100",
                                holder=None, actor=None)  # fmt: skip
    Coverage.objects.bulk_create(
        Coverage(account=account, tenant=t, plan=plan, starts_on=dt.date(2026, 1, 1))
        for t in tenants
    )
    now = timezone.now()
    rows = []
    for n in range(args.files):
        tenant = rng.choice(tenants)
        size = rng.randint(20_000, 900_000)
        rows.append(StoredFileEvent(tenant=tenant, attachment_id=n, size=size))
        if rng.random() < 0.1:
            rows.append(StoredFileEvent(tenant=tenant, attachment_id=n, size=-size))
    StoredFileEvent.objects.bulk_create(rows, batch_size=5000)
    # Settled: half last month, half this month.
    month = now - dt.timedelta(days=31)
    StoredFileEvent.objects.filter(id__lte=rows[len(rows) // 2].pk).update(
        created_at=month - dt.timedelta(minutes=30)
    )
    StoredFileEvent.objects.filter(id__gt=rows[len(rows) // 2].pk).update(
        created_at=now - dt.timedelta(minutes=30)
    )
    print(f"{args.tenants} tenants, {len(rows)} ledger rows; load {os.getloadavg()}")
    print(f"{'run':<22}{'seconds':>10}{'queries':>10}{'rows/s':>12}")
    for label in ("first (all new)", "second (nothing new)"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            do_meter_usage()
            took = time.perf_counter() - started
        rate = len(rows) / took if label.startswith("first") else 0.0
        print(f"{label:<22}{took:>10.2f}{len(queries):>10}{rate:>12.0f}")
    total = sum(r.size for r in rows)
    counted = sum(
        UsageCounter.objects.filter(kind=UsageKind.STORAGE_BYTES)
        .order_by("tenant_id", "-period")
        .distinct("tenant_id")
        .values_list("quantity", flat=True)
    )
    same = "equal" if total == counted else "DIFFERENT"
    print(f"bytes in the ledger {total}, bytes metered {counted}: {same}")
    print(f"load average after: {os.getloadavg()}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: run(args))


if __name__ == "__main__":
    raise SystemExit(main())
