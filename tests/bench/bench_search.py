"""Search benchmark: the register's search (`complaints.selectors.register(query=...)`, the
count and the first page, as the register page and `GET api/v1/register/?q=` read them) in
one tenant holding 100,000 complaints.

    .venv/bin/python -m tests.bench.bench_search --complaints 100000 --runs 50

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset)
and loads the register faithfully but in bulk: a few hundred complaints go through the real
intake action (`do_file_complaint`: number, tracking code, SOP state, timeline, search
document), then the rest are copied from them in SQL with their register numbers, tracking
codes and texts varied (subjects and descriptions drawn from an Indonesian vocabulary of
village complaints), and every search document is rebuilt with the one statement the timeline
writer uses (`complaints.search.refresh_all_sql`). Then ANALYZE, and each typical query is
timed `--runs` times; prints p50/p95 ms. Not part of the test suite.
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

PROBLEMS = [
    "jalan berlubang",
    "jembatan putus",
    "lampu jalan mati",
    "saluran air mampet",
    "sampah menumpuk",
    "pungutan liar di kantor desa",
    "bantuan sosial tidak tepat sasaran",
    "pelayanan KTP lambat",
    "air PDAM tidak mengalir",
    "pohon tumbang menutup jalan",
    "banjir di permukiman",
    "sekolah rusak",
    "posyandu tutup",
    "tanah longsor",
    "parkir liar di pasar",
    "kebisingan pabrik",
    "listrik padam berhari-hari",
    "irigasi sawah kering",
    "anjing liar berkeliaran",
    "surat keterangan tidak dilayani",
]
PLACES = [
    "Dusun Karanganyar",
    "Dusun Krajan",
    "RT 02 RW 03",
    "depan balai desa",
    "dekat masjid",
    "jalan kabupaten",
    "pasar desa",
    "perbatasan desa",
    "SD Negeri 1",
    "lapangan desa",
]
QUERIES = ["jembatan", "jalan berlubang", "jembtan", "sampah dusun krajan", "pungutan liar"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_search", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--complaints", type=_positive, default=100_000, help="in the register")
    parser.add_argument("--runs", type=_positive, default=50, help="timed runs per query")
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    return parser


def _bulk_copy(total: int) -> None:
    """Copy the filed complaints until the register holds `total`, every column carried
    (the copy is the filed row with a new number, code and text), then rebuild documents."""
    from django.db import connection

    from complaints import search
    from complaints.models import Complaint

    table = connection.ops.quote_name(Complaint._meta.db_table)
    fields = [str(f.column) for f in Complaint._meta.concrete_fields if f.column != "id"]
    varied = {"number", "register_seq", "tracking_code", "subject", "description",
              "incident_place", "created_at"}  # fmt: skip
    kept = ", ".join(f"src.{c}" for c in fields if c not in varied)
    columns = ", ".join(c for c in fields if c not in varied)
    problems = "ARRAY[" + ", ".join(f"'{p}'" for p in PROBLEMS) + "]"
    places = "ARRAY[" + ", ".join(f"'{p}'" for p in PLACES) + "]"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(register_seq), min(id), count(*) FROM {table}")
        last, first_id, filed = cursor.fetchone()
        cursor.execute(
            f"INSERT INTO {table} ({columns}, number, register_seq, tracking_code, subject,"
            " description, incident_place, created_at)"
            f" SELECT {kept}, lpad((%s + g)::text, 6, '0') || '/ADU/BENCH/' || src.register_year,"
            " %s + g, upper(substr(md5(g::text), 1, 10)),"
            f" initcap(({problems})[1 + (g * 7) %% 20]),"
            f" ({problems})[1 + (g * 7) %% 20] || ' di ' || ({places})[1 + (g * 3) %% 10]"
            " || ', dilaporkan warga sejak ' || (g %% 28 + 1) || ' hari lalu. Mohon segera'"
            f" || ' ditindaklanjuti karena ' || ({problems})[1 + (g * 11) %% 20] || ' juga.',"
            f" ({places})[1 + (g * 3) %% 10],"
            " now() - (g %% 365) * interval '1 day'"
            f" FROM generate_series(1, %s) AS g JOIN {table} AS src"
            " ON src.id = %s + (g %% %s)",
            [last, last, total - filed, first_id, filed],
        )
        cursor.execute(search.refresh_all_sql())
        cursor.execute(f"ANALYZE {table}")


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.core.paginator import Paginator
    from django.db import connection
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from complaints import selectors
    from complaints.actions.intake import do_file_complaint
    from tenants import provisioning, regions
    from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant
    from tenants.models import Role

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    do_ensure_public_tenant()
    regions.load_regions(prefixes=("33.01",))
    provisioning.ensure_template()
    village = do_create_tenant(
        slug="desa-babakan", name="Desa Babakan", kind="PEMDES", region_code="33.01.09.2014"
    )
    viewer = selectors.Viewer(frozenset({Role.OFFICER}))
    rows: list[tuple[str, float, float, int]] = []
    with schema_context(village.schema_name):
        for i in tqdm(range(min(FILED, args.complaints)), desc="filing", leave=False):
            do_file_complaint(
                tenant=village, channel="web", name="Siti Aminah", address="RT 02 RW 03",
                phone="081234567890", subject=PROBLEMS[i % len(PROBLEMS)].capitalize(),
                description=f"{PROBLEMS[i % len(PROBLEMS)]} di {PLACES[i % len(PLACES)]}.",
            )  # fmt: skip
        if args.complaints > FILED:
            _bulk_copy(args.complaints)
        for query in QUERIES:
            times = []
            count = 0
            for _ in range(args.runs):
                started = time.perf_counter()
                found = selectors.register(viewer, query=query)
                page = Paginator(found, selectors.PAGE_SIZE).get_page(1)
                list(page.object_list)
                count = page.paginator.count
                times.append((time.perf_counter() - started) * 1000)
            if args.explain:
                sql, params = selectors.register(viewer, query=query)[:25].query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
                    print("\n".join(row[0] for row in cursor.fetchall()))
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            rows.append((query, statistics.median(ordered), p95, count))
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM complaints_complaint")
            held = cursor.fetchone()
    print()
    print(
        f"PostgreSQL {version[0] if version else '?'}, {os.cpu_count()} CPU cores,"
        f" {held[0] if held else '?'} complaints in the tenant, {args.runs} runs a query."
    )
    print()
    print("| query | found | p50 ms | p95 ms | target |")
    print("|---|---:|---:|---:|---:|")
    for query, median, p95, count in rows:
        verdict = "met" if p95 <= TARGET_MS else "MISSED"
        print(f"| {query} | {count} | {median:.1f} | {p95:.1f} | < {TARGET_MS:.0f} ({verdict}) |")
    print()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: run(args), media="search")


if __name__ == "__main__":
    raise SystemExit(main())
