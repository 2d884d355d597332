"""Regency roll-up benchmark: the roll-up page over a regency's tenants, each with a year of
complaints, and the publishing job's time per tenant.

    .venv/bin/python -m tests.bench.bench_rollup --tenants 500 --per-year 40 --views 30

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset),
the regency and its tenants with the real write path (`do_create_tenant`), then loads a year of
complaints per tenant with a faithful bulk loader: rows as intake and the SOP steps write them
(register numbers, channel, category, urgency, the SLA's case clock and its end, closing,
ratings, a reopen now and then) and the timeline each leaves (filed, each state entered, an
escalation where the case ran late), in one INSERT per table and tenant. It then times the
publishing job (`do_publish_statistics`, this month and the last) for every tenant, and the
roll-up API and page as the regency admin, and prints p50/p95. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
from collections.abc import Sequence
from typing import Any

from tests.bench.bench_provision import _ms, _positive, run_in_scratch_database

TARGET_PAGE_MS = 1000.0
CHANNELS = ("web", "whatsapp", "sms", "email", "desk", "lapor")
CATEGORIES = ("jalan", "adminduk", "kesehatan", "pendidikan", "")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_rollup", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tenants", type=_positive, default=500, help="tenants of the regency")
    parser.add_argument("--per-year", type=_positive, default=40, help="complaints per tenant")
    parser.add_argument("--views", type=_positive, default=30, help="roll-up views timed")
    parser.add_argument(
        "--real",
        type=_positive,
        default=None,
        help="build only this many tenants with schemas and complaints; the others get their "
        "row and a copy of a real tenant's published statistics (the roll-up reads only "
        "those public rows), so a loaded machine can time a 500-tenant page in minutes",
    )
    parser.add_argument("--seed", type=int, default=20, help="random seed")
    return parser


def load_year(tenant: object, count: int, now: dt.datetime, rng: random.Random) -> None:
    """A year of complaints of one tenant, as intake and the SOP leave them."""
    from django_tenants.utils import schema_context

    from complaints.models import Complaint, ComplaintEvent, RegisterCounter, new_tracking_code

    complaints: list[Complaint] = []
    plans: list[tuple[dt.datetime, dt.datetime | None, bool, bool]] = []
    for seq in range(1, count + 1):
        created = now - dt.timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 8))
        days = rng.choice((1, 2, 3, 4, 5, 6, 8, 12, 20))
        closed: dt.datetime | None = created + dt.timedelta(days=days)
        if (closed is not None and closed > now) or rng.random() < 0.08:
            closed = None
        late = days > 7
        reopened = closed is not None and rng.random() < 0.03
        complaints.append(
            Complaint(
                number=f"{seq:04d}/PGD/{created:%m}/{created.year}",
                register_year=created.year, register_seq=seq,
                tracking_code=new_tracking_code(), channel=rng.choice(CHANNELS),
                name="Warga", address="RT 01", phone="+6281234567890",
                subject="Pengaduan layanan", description="Uraian pengaduan.",
                category=rng.choice(CATEGORIES), urgency=rng.choice(("high", "medium", "low", "")),
                state="closed" if closed else "distributed", is_complete=rng.random() > 0.05,
                is_wbs=rng.random() < 0.01, created_at=created,
                case_started_at=created, case_limit={"working_days": 5},
                case_ended_at=closed, closed_at=closed,
                rating=rng.randint(1, 5) if closed and rng.random() < 0.4 else None,
                rated_at=closed + dt.timedelta(days=1) if closed else None,
            )
        )  # fmt: skip
        plans.append((created, closed, late, reopened))
    with schema_context(tenant.schema_name):  # type: ignore[attr-defined]
        made = Complaint.objects.bulk_create(complaints)
        events: list[ComplaintEvent] = []
        for complaint, (created, closed, late, reopened) in zip(made, plans, strict=True):
            events.append(ComplaintEvent(complaint=complaint, at=created, kind="filed",
                                         after={"state": "received"}))  # fmt: skip
            events.append(ComplaintEvent(
                complaint=complaint, at=created + dt.timedelta(hours=20), kind="transition",
                before={"state": "received"}, after={"state": "distributed",
                                                      "transition": "distribute", "inputs": {}},
            ))  # fmt: skip
            if late:
                events.append(ComplaintEvent(complaint=complaint, kind="sla_escalated",
                                             at=created + dt.timedelta(days=7),
                                             after={"scope": "case"}))  # fmt: skip
            if closed is not None:
                events.append(ComplaintEvent(
                    complaint=complaint, at=closed, kind="transition",
                    before={"state": "distributed"},
                    after={"state": "closed", "transition": "close", "inputs": {}},
                ))  # fmt: skip
                if reopened:
                    events.append(ComplaintEvent(complaint=complaint, kind="reopened",
                                                 at=closed + dt.timedelta(hours=2),
                                                 after={"state": "received"}))  # fmt: skip
        ComplaintEvent.objects.bulk_create(events)
        years = {c.register_year for c in complaints}
        RegisterCounter.objects.bulk_create(
            RegisterCounter(year=year, last=count) for year in sorted(years)
        )


def copy_published(regency: Any, built: list[Any], count: int) -> None:
    """`count` more tenants of the regency as rows only, each with a copy of a built tenant's
    published months (headline numbers, figures, the overdue list)."""
    from complaints.public.models import MonthlyStatistic
    from tenants.models import Tenant

    made = Tenant.objects.bulk_create(
        Tenant(schema_name=f"t_copy_{n}", slug=f"salinan-{n}", name=f"Salinan {n:04d}",
               kind="OPD", region_id=regency.region_id)
        for n in range(count)
    )  # fmt: skip
    sources = list(MonthlyStatistic.objects.filter(tenant__in=built))
    by_tenant: dict[int, list[MonthlyStatistic]] = {}
    for row in sources:
        by_tenant.setdefault(row.tenant_id, []).append(row)
    patterns = list(by_tenant.values())
    copies = []
    for n, tenant in enumerate(made):
        for row in patterns[n % len(patterns)]:
            row.pk = None
            row.tenant = tenant
            copies.append(MonthlyStatistic(**{
                f.attname: getattr(row, f.attname) for f in MonthlyStatistic._meta.concrete_fields
            }))  # fmt: skip
    MonthlyStatistic.objects.bulk_create(copies, batch_size=500)


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from tqdm import tqdm

    from complaints import statistics as statistics_module
    from complaints.actions.statistics import do_publish_statistics
    from complaints.statistics import ROLLUP_PAGE_SIZE
    from tenants import provisioning, regions
    from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant
    from tests.factories import make_member, sign_in

    rng = random.Random(args.seed)
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    do_ensure_public_tenant()
    regions.load_regions(prefixes=("33.01",))
    provisioning.ensure_template()
    regency = do_create_tenant(
        slug="kab-cilacap", name="Pemkab Cilacap", kind="PEMKAB", region_code="33.01"
    )
    tenants = [regency]
    real = min(args.real or args.tenants, args.tenants)
    for number in tqdm(range(real - 1), desc="fleet", unit="tenant", leave=False):
        tenants.append(do_create_tenant(slug=f"instansi-{number}", name=f"Instansi {number:04d}",
                                        kind="OPD", region_code="33.01"))  # fmt: skip
    now = timezone.now()
    for tenant in tqdm(tenants, desc="a year of complaints", unit="tenant", leave=False):
        load_year(tenant, args.per_year, now, rng)
    refresh = [
        _ms(lambda t=tenant: do_publish_statistics(tenant=t))  # type: ignore[misc]
        for tenant in tqdm(tenants, desc="publishing", unit="tenant", leave=False)
    ]
    if real < args.tenants:
        copy_published(regency, tenants, args.tenants - real)
        tenants = list(statistics_module.regency_tenants(regency))
    admin = make_member(regency, "regency_admin")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    sign_in(client, admin)
    api = f"/api/v1/regencies/{regency.slug}/statistics/"
    page = f"/console/regencies/{regency.slug}/statistik/"

    def view(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]

    whole = f"{page}?sort=-received&page_size={len(tenants)}"
    view(api)  # warm the caches once, as a running server has them
    api_times = [_ms(lambda: view(api)) for _ in range(args.views)]
    page_times = [_ms(lambda: view(page)) for _ in range(args.views)]
    whole_times = [_ms(lambda: view(whole)) for _ in range(args.views)]
    load = os.getloadavg()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()

    def p95(values: list[float]) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    print()
    print(f"PostgreSQL {version[0] if version else '?'}, {os.cpu_count()} CPU cores,"
          f" {len(tenants)} tenants in the regency, {args.per_year} complaints each"
          f" over the last year; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
          f" (1/5/15 min) when the views were timed.")  # fmt: skip
    print()
    print("| measure | n | p50 ms | p95 ms | target |")
    print("|---|---:|---:|---:|---:|")
    for name, values, target in (
        ("roll-up API", api_times, f"≤ {TARGET_PAGE_MS:.0f}"),
        (f"roll-up page ({ROLLUP_PAGE_SIZE} rows a page)", page_times, f"≤ {TARGET_PAGE_MS:.0f}"),
        (f"roll-up page, all {len(tenants)} rows on one page", whole_times, "-"),
        ("publish one tenant (2 months)", refresh, "-"),
    ):
        print(f"| {name} | {len(values)} | {statistics.median(values):.1f} |"
              f" {p95(values):.1f} | {target} |")  # fmt: skip
    print()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: run(args))


if __name__ == "__main__":
    raise SystemExit(main())
