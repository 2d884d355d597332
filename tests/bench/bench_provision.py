"""Provisioning and fleet-migration benchmark: Aduan's DDL replay against plain django-tenants
(a migration run per tenant, and `clone_schema`) as the number of schemas grows.

    .venv/bin/python -m tests.bench.bench_provision --tenants 10000

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset),
builds the fleet there with Aduan's real write path, times samples of each way of creating a
tenant at several fleet sizes, then a no-op deploy and a deploy adding one field across every
tenant, prints one Markdown table and drops the scratch database. Not part of the test suite
(pytest collects test_*.py only).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
PROBE_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "{leaf}")]
    operations = [
        migrations.AddField("complaint", "bench_probe", models.IntegerField(default=0)),
    ]
"""


@dataclass
class Sample:
    """Milliseconds of each timed creation."""

    times: list[float]

    def cell(self) -> str:
        if not self.times:
            return "-"
        ordered = sorted(self.times)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return f"{statistics.median(ordered):,.0f} / {p95:,.0f} ({len(ordered)})"

    def mean_cell(self) -> str:
        # /proc counts CPU in clock ticks (10 ms): only a mean over the sample means anything.
        if not self.times:
            return "-"
        return f"{statistics.mean(self.times):,.1f} ({len(self.times)})"


@dataclass
class Row:
    schemas: int
    aduan: Sample
    aduan_cpu: Sample
    migrate: Sample
    clone: Sample
    # Database growth per Aduan creation (catalog rows included), MB.
    disk_mb: float | None = None


_TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu_ms() -> float | None:
    """CPU time the server process of this thread's connection has used, when the server runs
    on this machine: unlike wall time, it barely moves with whatever else the machine runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    try:
        stat = Path(f"/proc/{row[0] if row else 0}/stat").read_text()
    except OSError:  # a remote server, or another user's process
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / _TICKS


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def template_schema() -> str:
    from tenants import provisioning

    return provisioning.TEMPLATE_SCHEMA


def empty_schema_bytes(schema: str) -> int:
    """The files of every relation of a schema (all forks), e.g. the empty template's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm')"
            " + pg_relation_size(c.oid, 'vm') + pg_relation_size(c.oid, 'init')), 0)"
            " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s",
            [schema],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _counts(text: str) -> list[int]:
    return sorted({_positive(part.strip()) for part in text.split(",") if part.strip()})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_provision", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tenants", type=_positive, default=10_000, help="fleet size (10,000)")
    parser.add_argument(
        "--counts",
        type=_counts,
        default=[100, 1000, 2000, 5000, 10_000],
        help="fleet sizes at which to time samples (100,1000,2000,5000,10000; capped at --tenants)",
    )
    parser.add_argument(
        "--sample", type=_positive, default=50, help="Aduan creations timed per size (50)"
    )
    parser.add_argument(
        "--slow-sample",
        type=_positive,
        default=20,
        help="django-tenants creations timed per size and path (20)",
    )
    parser.add_argument(
        "--slow-budget",
        type=float,
        default=60.0,
        help="seconds per size and slow path after which sampling stops (at least 3 samples)",
    )
    parser.add_argument(
        "--baseline-counts",
        type=_counts,
        default=None,
        help="fleet sizes at which django-tenants' two paths are timed (default: every size;"
        " at least 3 samples each, over a minute apiece at a few thousand schemas)",
    )
    parser.add_argument(
        "--skip-deploys",
        action="store_true",
        help="leave out the no-op deploy and the AddField across the fleet",
    )
    parser.add_argument("--workers", type=_positive, default=2, help="fleet migration workers")
    parser.add_argument(
        "--grow-workers", type=_positive, default=2, help="threads building the untimed tenants"
    )
    return parser


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    from aduan import embedded
    from aduan.paths import state_dir

    return embedded.ensure_running(state_dir())


def _with_dbname(url: str, dbname: str) -> str:
    """The same server URL naming another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{dbname}"))


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A fresh database on that server, dropped afterwards whatever happens."""
    name = f"aduan_bench_{os.getpid()}"
    maintenance = _with_dbname(server_url, "postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _with_dbname(server_url, name)
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


class Bench:
    def __init__(self, args: argparse.Namespace, out: Callable[[str], None]) -> None:
        self.args = args
        self.out = out
        self.created = 0
        self.slow_count = 0

    # Aduan's path: the real onboarding write path (row, domain, schema by DDL replay).
    def create_tenant(self, number: int) -> float:
        from tenants.actions.onboarding import do_create_tenant

        return _ms(
            lambda: do_create_tenant(
                slug=f"bench-{number}", name=f"Bench {number}", kind="PEMDES", region_code=None
            )
        )

    def timed_tenant(self) -> tuple[float, float | None]:
        """(wall ms, server CPU ms or None) of one creation."""
        from tenants.provisioning import note_schema_touched

        self.created += 1
        cpu_before = backend_cpu_ms()
        took = self.create_tenant(self.created)
        cpu_after = backend_cpu_ms()
        # Like any long-lived Aduan process: the connection is recycled after a few hundred
        # schemas (a backend caches the catalog of every schema it touched).
        note_schema_touched()
        if cpu_before is None or cpu_after is None:
            return took, None
        return took, cpu_after - cpu_before

    def grow_to(self, count: int) -> None:
        """Untimed growth, by several threads (each with its own connection) to save time."""
        from django.db import connection
        from tqdm import tqdm

        from tenants.provisioning import note_schema_touched

        missing = count - self.created
        lock = threading.Lock()
        with tqdm(total=missing, desc=f"Growing to {count:,}", unit="tenant", leave=False) as bar:

            def grow(share: int) -> None:
                try:
                    for _ in range(share):
                        with lock:
                            self.created += 1
                            number = self.created
                        self.create_tenant(number)
                        note_schema_touched()
                        bar.update()
                finally:
                    connection.close()

            workers = self.args.grow_workers
            shares = [
                missing // workers + (1 if n < missing % workers else 0) for n in range(workers)
            ]
            threads = [
                threading.Thread(target=grow, args=(share,), daemon=True)
                for share in shares
                if share
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        if self.created != count:
            raise SystemExit(f"bench: error: grew to {self.created:,} tenants, not {count:,}")

    def slow_sample(self, make: Callable[[str], None]) -> Sample:
        """Time `make(schema_name)` on fresh schema names, dropping each schema after."""
        from django.db import connection

        times: list[float] = []
        spent = 0.0
        while len(times) < self.args.slow_sample and (
            len(times) < 3 or spent < self.args.slow_budget
        ):
            self.slow_count += 1
            schema_name = f"bench_slow_{self.slow_count}"
            took = _ms(lambda: make(schema_name))  # noqa: B023 - called at once
            times.append(took)
            spent += took / 1000
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("DROP SCHEMA {} CASCADE")
                    .format(sql.Identifier(schema_name))
                    .as_string()
                )
        return Sample(times)

    def row(self, count: int) -> Row:
        from django.db import connection
        from django_tenants.clone import CloneSchema

        from tenants import provisioning

        self.grow_to(count - self.args.sample)
        connection.close()  # the timed creations start on a fresh connection
        before = database_bytes()
        timed = [self.timed_tenant() for _ in range(count - self.created)]
        disk_mb = (database_bytes() - before) / max(len(timed), 1) / 2**20
        aduan = Sample([wall for wall, _cpu in timed])
        aduan_cpu = Sample([cpu for _wall, cpu in timed if cpu is not None])

        def by_migrations(schema_name: str) -> None:
            # What TenantMixin.create_schema() does: CREATE SCHEMA, then django-tenants' own
            # migrate command on that schema. Run the way our template capture runs it
            # (django_migrations made inside the schema first), because create_schema() itself
            # trips over guardian, which Aduan installs in both the public and tenant schemas.
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema_name)).as_string()
                )
            provisioning.run_migrations(schema_name)

        def by_clone(schema_name: str) -> None:
            CloneSchema().clone_schema(provisioning.TEMPLATE_SCHEMA, schema_name)

        baseline = self.args.baseline_counts is None or count in self.args.baseline_counts
        return Row(
            count,
            aduan,
            aduan_cpu,
            self.slow_sample(by_migrations) if baseline else Sample([]),
            self.slow_sample(by_clone) if baseline else Sample([]),
            disk_mb,
        )

    def noop_deploy(self) -> float:
        from aduan import operations

        lines: list[str] = []
        started = time.perf_counter()
        operations.migrate(out=lines.append, workers=self.args.workers)
        seconds = time.perf_counter() - started
        assert lines[-1] == "Every tenant schema is current.", lines
        return seconds

    def add_field_deploy(self) -> tuple[float, float, int]:
        """(whole deploy s, fleet part s, tenants migrated) for one AddField."""
        from django.conf import settings
        from django.core.management import call_command
        from django.db.migrations.loader import MigrationLoader
        from django.test.utils import override_settings

        from tenants import provisioning

        leaf = max(n for app, n in MigrationLoader(None).graph.leaf_nodes() if app == "complaints")
        with tempfile.TemporaryDirectory(prefix="aduan-bench-") as folder:
            module = Path(folder) / "bench_probe_migrations"
            shutil.copytree(
                ROOT / "complaints" / "migrations",
                module,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            (module / "9999_bench_probe.py").write_text(PROBE_MIGRATION.format(leaf=leaf))
            sys.path.insert(0, folder)
            try:
                modules = {**settings.MIGRATION_MODULES, "complaints": module.name}
                with override_settings(MIGRATION_MODULES=modules):
                    started = time.perf_counter()
                    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
                    provisioning.ensure_template()
                    fleet_started = time.perf_counter()
                    result = provisioning.migrate_outdated_tenants(workers=self.args.workers)
                    finished = time.perf_counter()
            finally:
                sys.path.remove(folder)
        if result.failed:
            raise SystemExit(f"bench: error: tenants failed to migrate: {result.failed}")
        return finished - started, finished - fleet_started, result.migrated

    def run(self) -> None:
        from django.core.management import call_command
        from django.db import connection

        from tenants import provisioning
        from tenants.actions.onboarding import do_ensure_public_tenant

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        do_ensure_public_tenant()
        template = provisioning.ensure_template()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()
        counts = [c for c in self.args.counts if c < self.args.tenants] + [self.args.tenants]
        rows = []
        for count in counts:
            rows.append(self.row(count))
            self.out(f"  measured at {count:,} schemas")
        deploys = None if self.args.skip_deploys else (self.noop_deploy(), self.add_field_deploy())
        self._print(template.relation_count, str(version[0] if version else "?"), rows)
        self.out(f"- relations per tenant schema: {template.relation_count}")
        self.out(
            f"- disk per empty tenant: {empty_schema_bytes(template_schema()) / 2**20:.3f} MB"
            " in its relations' files; the database grew by "
            + ", ".join(f"{r.disk_mb:.3f}" for r in rows if r.disk_mb is not None)
            + " MB per timed creation at each size (catalog rows included)"
        )
        if deploys is None:
            return
        noop, (deploy, fleet, migrated) = deploys
        self.out(f"- no-op deploy (`aduan migrate` with every tenant current): {noop:.2f} s")
        self.out(
            f"- one AddField across {migrated:,} tenants: {fleet:.1f} s for the fleet with"
            f" {self.args.workers} workers ({fleet / max(migrated, 1) * 1000:.1f} ms per"
            f" tenant); the whole deploy, with the public schema and the new template:"
            f" {deploy:.1f} s"
        )

    def _print(self, relations: int, version: str, rows: Sequence[Row]) -> None:
        self.out("")
        self.out(
            f"PostgreSQL {version}, {os.cpu_count()} CPU cores, {self.args.tenants:,} tenants,"
            f" {relations} relations per tenant schema. Times in ms: median / p95 (samples)."
        )
        self.out("")
        self.out(
            "| schemas present | Aduan: DDL replay | Aduan: server CPU"
            " | django-tenants: migrations | django-tenants: clone_schema |"
        )
        self.out("|---:|---:|---:|---:|---:|")
        for row in rows:
            self.out(
                f"| {row.schemas:,} | {row.aduan.cell()} | {row.aduan_cpu.mean_cell()}"
                f" | {row.migrate.cell()} | {row.clone.cell()} |"
            )
        self.out("")
        self.out(
            "Server CPU: mean ms of CPU time the PostgreSQL backend spent per Aduan creation"
            " (from /proc, in 10 ms ticks; '-' when the server is not on this machine): unlike"
            " wall time, load on the machine barely moves it."
        )
        self.out("")


def run_in_scratch_database(body: Callable[[], None], *, media: str = "") -> int:
    """Every bench's main: our code on the path, Django set up on a scratch database that is
    dropped afterwards (a terminated bench too), a scratch media folder when `media` names
    one; prints how long the bench ran."""
    for path in (str(ROOT), str(ROOT / "platform")):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "aduan.settings.test"
    # A terminated bench still drops its scratch database (the `finally` must run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = tempfile.mkdtemp(prefix=f"aduan-bench-{media}-") if media else ""
    started = time.perf_counter()
    try:
        with scratch_database(_server_url()) as url:
            os.environ["DATABASE_URL"] = url
            import django
            from django.conf import settings

            django.setup()
            if folder:
                settings.MEDIA_ROOT = folder
            body()
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"(bench ran {time.perf_counter() - started:.0f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: Bench(args, print).run())


if __name__ == "__main__":
    raise SystemExit(main())
