"""Search benchmark: the register's search (`complaints.selectors.register(query=...)`, the
count and the first page, as the register page and `GET api/v1/register/?q=` read them) in
one tenant holding 100,000 complaints.

    .venv/bin/python -m tests.bench.bench_search --complaints 100000 --runs 50

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset)
and loads the register faithfully but in bulk (`tests.bulk.copy_complaints`): 100 complaints go
through the real intake action (`do_file_complaint`: number, tracking code, SOP state,
timeline, search document, blind indexes), then the rest are copied from them in SQL with
their numbers, tracking codes and texts varied, and every search document and the vocabulary
are rebuilt with the statements the timeline writer uses. Then ANALYZE, and each typical query
(words, a typo, a name by blind index, a number) is timed `--runs` times: the page of 25 and
the count capped at 1000 (`selectors.RegisterPaginator`); prints p50/p95 ms and the load
average (the machine is shared). `--explain` prints each page query's plan. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence

from tests.bench.bench_provision import _positive, run_in_scratch_database

TARGET_MS = 100.0
FILED = 100  # complaints filed through the real action; the rest copied from them

QUERIES = [
    "jembatan",
    "jalan berlubang",
    "jembtan",
    "sampah dusun krajan",
    "pungutan liar",
    "posyandu tutup",
    "aminah",
    "000123/adu",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_search", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--complaints", type=_positive, default=100_000, help="in the register")
    parser.add_argument("--runs", type=_positive, default=50, help="timed runs per query")
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    return parser


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from complaints import selectors
    from complaints.actions.intake import do_file_complaint
    from tenants import provisioning, regions
    from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant
    from tenants.models import Role
    from tests.bulk import PLACES, PROBLEMS, copy_complaints

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    do_ensure_public_tenant()
    regions.load_regions(prefixes=("33.01",))
    provisioning.ensure_template()
    village = do_create_tenant(
        slug="desa-babakan", name="Desa Babakan", kind="PEMDES", region_code="33.01.09.2014"
    )
    viewer = selectors.Viewer(frozenset({Role.OFFICER}))
    rows: list[tuple[str, float, float, str]] = []
    with schema_context(village.schema_name):
        for i in tqdm(range(min(FILED, args.complaints)), desc="filing", leave=False):
            do_file_complaint(
                tenant=village, channel="web", name="Siti Aminah", address="RT 02 RW 03",
                phone="081234567890", subject=PROBLEMS[i % len(PROBLEMS)].capitalize(),
                description=f"{PROBLEMS[i % len(PROBLEMS)]} di {PLACES[i % len(PLACES)]}.",
            )  # fmt: skip
        copy_complaints(args.complaints)
        for query in QUERIES:
            times = []
            count, capped = 0, False
            for _ in range(args.runs):
                started = time.perf_counter()
                found = selectors.register(viewer, query=query)
                pages = selectors.RegisterPaginator(found, searched=True)
                list(pages.get_page(1).object_list)
                count = pages.count
                capped = pages.capped
                times.append((time.perf_counter() - started) * 1000)
            if args.explain:
                found = selectors.register(viewer, query=query)
                cap = selectors.SEARCH_COUNT_CAP
                ids = found.order_by().values_list("pk", flat=True)[: cap + 1]
                for label, part in (("count (ids)", ids), ("page", found[:25])):
                    sql, params = part.query.sql_with_params()
                    with connection.cursor() as cursor:
                        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
                        plan = "\n".join(row[0] for row in cursor.fetchall())
                    print(f"-- {query}: {label}\n{plan}")
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            rows.append((query, statistics.median(ordered), p95, f"{count}{'+' if capped else ''}"))
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM complaints_complaint")
            held = cursor.fetchone()
    print()
    print(
        f"PostgreSQL {version[0] if version else '?'}, {os.cpu_count()} CPU cores,"
        f" {held[0] if held else '?'} complaints in the tenant, {args.runs} runs a query,"
        f" load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)."
    )
    print()
    print("| query | found | p50 ms | p95 ms | target |")
    print("|---|---:|---:|---:|---:|")
    for query, median, p95, matches in rows:
        verdict = "met" if p95 <= TARGET_MS else "MISSED"
        print(f"| {query} | {matches} | {median:.1f} | {p95:.1f} | < {TARGET_MS:.0f} ({verdict}) |")
    print()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: run(args), media="search")


if __name__ == "__main__":
    raise SystemExit(main())
