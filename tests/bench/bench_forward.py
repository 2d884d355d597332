"""Forwarding benchmark: how long one forward takes (the complaint, its timeline and its
attachment moved to another tenant's schema with the stub, in one transaction) with a fleet
of tenants present.

    .venv/bin/python -m tests.bench.bench_forward --tenants 1000 --forwards 200

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset),
builds the fleet with the real write path, files complaints (each with a photo) at one
village, forwards each to the regency's agency through `do_forward_complaint`, prints median
and p95 milliseconds, and drops the scratch database and its files. Not part of the test suite
(pytest collects test_*.py only).
"""

from __future__ import annotations

import argparse
import functools
import io
import os
import statistics
from collections.abc import Sequence

from tests.bench.bench_provision import _ms, _positive, run_in_scratch_database

TARGET_P95_MS = 50.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_forward", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tenants", type=_positive, default=1000, help="tenants present")
    parser.add_argument("--forwards", type=_positive, default=200, help="forwards timed")
    parser.add_argument(
        "--queries",
        action="store_true",
        help="also list the statements of one forward (after the timed ones) with their times",
    )
    return parser


def _photo() -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("jalan.png", buffer.getvalue(), content_type="image/png")


def explain_reads(village: object, statements: list[str]) -> None:
    """EXPLAIN ANALYZE the reads of a forward, in a transaction rolled back (the rows are gone
    by now, but the plans, index or sequential scan, are what matter at fleet size)."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    reads = [s for s in statements if s.startswith("SELECT")]
    with schema_context(village.schema_name):  # type: ignore[attr-defined]
        for statement in reads:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {statement}")
                plan = [row[0] for row in cursor.fetchall()]
                transaction.set_rollback(True)
            print(f"\nEXPLAIN {statement[:120]}...")
            for line in plan:
                print(f"    {line}")


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from complaints.actions.forward import do_forward_complaint
    from complaints.actions.intake import do_file_complaint
    from tenants import provisioning, regions
    from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    do_ensure_public_tenant()
    regions.load_regions(prefixes=("33.01",))
    provisioning.ensure_template()
    for number in tqdm(range(args.tenants - 2), desc="fleet", unit="tenant", leave=False):
        do_create_tenant(
            slug=f"bench-{number}", name=f"Bench {number}", kind="PEMDES", region_code=None
        )
    village = do_create_tenant(
        slug="desa-babakan", name="Desa Babakan", kind="PEMDES", region_code="33.01.09.2014"
    )
    pupr = do_create_tenant(slug="pupr", name="Dinas PUPR", kind="OPD", region_code="33.01")
    complaints = []
    with schema_context(village.schema_name):
        for _ in tqdm(range(args.forwards), desc="filing", unit="complaint", leave=False):
            complaints.append(
                do_file_complaint(
                    tenant=village,
                    channel="web",
                    name="Siti Aminah",
                    address="RT 02 RW 03",
                    phone="081234567890",
                    subject="Jembatan kabupaten putus",
                    description="Jembatan di perbatasan desa putus sejak Senin.",
                    attachments=[_photo()],  # type: ignore[list-item]
                )
            )

    def forward(complaint_id: int) -> None:
        do_forward_complaint(
            tenant=village, complaint_id=complaint_id, to=pupr, reason="Jembatan", actor=None
        )

    times = [_ms(functools.partial(forward, c.pk)) for c in complaints[:-1]]
    if args.queries:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            times.append(_ms(functools.partial(forward, complaints[-1].pk)))
        print(f"\n{len(captured)} statements in one forward:")
        for query in captured:
            print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:300]}")
        explain_reads(village, [q["sql"] for q in captured])
    else:
        times.append(_ms(functools.partial(forward, complaints[-1].pk)))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM tenants_tenant")
        present = cursor.fetchone()
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    median = statistics.median(ordered)
    print()
    print(
        f"PostgreSQL {version[0] if version else '?'}, {os.cpu_count()} CPU cores,"
        f" {present[0] if present else '?'} tenants present (public included)."
    )
    print()
    print("| forwards | median ms | p95 ms | target p95 |")
    print("|---:|---:|---:|---:|")
    verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
    print(f"| {len(times)} | {median:.1f} | {p95:.1f} | ≤ {TARGET_P95_MS:.0f} ({verdict}) |")
    print()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: run(args), media="forward")


if __name__ == "__main__":
    raise SystemExit(main())
