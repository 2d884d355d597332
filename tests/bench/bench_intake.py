"""Intake benchmark: complaints per second and what each costs, with the platform run as in
production (gunicorn from `aduan web`, PostgreSQL on loopback) and a fleet of N tenants.

    .venv/bin/python -m tests.bench.bench_intake --tenants 2000 --duration 15

It creates a scratch database on the server of DATABASE_URL (the embedded server when unset),
builds N village tenants through the real write path (`do_create_tenant`, each bound to a
village so the front door routes to it), starts `aduan web` on it, and drives intake over
HTTP with Debian's `wrk` (C, bounded: a Python load generator would eat the cores it measures;
`apt-get install wrk`) and a Lua script that picks a random tenant per request: the tenant's
own door (`POST /t/<slug>/api/v1/complaints/`) and the platform's front door
(`POST /api/v1/intake/` with the tenant's village code), at concurrency 1, 8 and 32. The same
runs again restricted to `--few` tenants (20) for the ratio. Per run it prints complaints/s,
latency p50/p95/p99, CPU ms per complaint split web (gunicorn's processes) and database (the
PostgreSQL server's processes), from /proc; statements per intake (counted in process on the
same request path, on a tenant the process had not served); and, after the run, the private
memory of the PostgreSQL backends and of the web workers. A probe touches 1..K schemas on one
connection and prints a backend's private memory, which is how ADUAN_SCHEMAS_PER_CONNECTION
was chosen. Not part of the test suite (pytest collects test_*.py only).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from tests.bench.bench_provision import ROOT, _counts, _positive, run_in_scratch_database

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
# Central and East Java: over 16,000 villages, so every tenant has a village of its own.
PROVINCES = ("33", "35")
PROFILE_LINES = 25
# deploy/ runs dramatiq on Redis; its last database, emptied of the bench's jobs afterwards.
DEFAULT_BROKER = "redis://127.0.0.1:6379/15"

FILED = {
    "name": "Budi Santoso",
    "address": "Dusun Krajan RT 01 RW 02",
    "phone": "0813 2222 3333",
    "subject": "Dana desa tidak diumumkan",
    "description": "APBDes tahun ini tidak dipasang di balai desa, warga tidak tahu anggarannya.",
}

# wrk's script: a random tenant per request; done() prints one line the bench parses.
LUA = """
local targets = {%(targets)s}
local door = "%(door)s"
local body = '%(body)s'
math.randomseed(%(seed)d)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local target = targets[math.random(#targets)]
  if door == "tenant" then
    return wrk.format(nil, "/t/" .. target .. "/api/v1/complaints/", nil, body)
  end
  return wrk.format(nil, "/api/v1/intake/", nil,
    string.sub(body, 1, -2) .. ',"village_code":"' .. target .. '"}')
end
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("BENCH requests=%%d errors=%%d duration_us=%%d p50=%%d p95=%%d p99=%%d\\n",
    summary.requests, errors, summary.duration, latency:percentile(50),
    latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Run:
    fleet: int
    door: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    p50: float
    p95: float
    p99: float
    web_cpu_ms: float
    db_cpu_ms: float

    @property
    def filed(self) -> int:
        return self.requests - self.errors

    def cells(self) -> list[str]:
        per = max(self.filed, 1)
        web, db = self.web_cpu_ms / per, self.db_cpu_ms / per
        return [
            f"{self.fleet:,}",
            self.door,
            str(self.concurrency),
            f"{self.filed / self.seconds:,.1f}",
            f"{self.p50:.0f} / {self.p95:.0f} / {self.p99:.0f}",
            f"{web + db:.1f} ({web:.1f} + {db:.1f})",
            str(self.errors),
        ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_intake", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tenants", type=_positive, default=10_000, help="fleet size (10,000)")
    parser.add_argument("--few", type=_positive, default=20, help="the small fleet (20)")
    parser.add_argument(
        "--concurrency", type=_counts, default=[1, 8, 32], help="wrk connections (1,8,32)"
    )
    parser.add_argument("--duration", type=_positive, default=15, help="seconds per run (15)")
    parser.add_argument(
        "--grow-workers", type=_positive, default=2, help="threads building the fleet (2)"
    )
    parser.add_argument(
        "--probe", type=_counts, default=[1, 100, 200, 400], help="schemas the memory probe touches"
    )
    parser.add_argument(
        "--profile-web",
        action="store_true",
        help="after the big fleet's runs, one more c=8 run a door with py-spy (pip install"
        " py-spy) sampling the web workers, and print where their CPU goes",
    )
    parser.add_argument(
        "--broker",
        default=DEFAULT_BROKER,
        help=f"the job queue, as deploy/ runs it ({DEFAULT_BROKER}; 'postgresql' for the"
        " PostgreSQL-backed queue of a set-up without one)",
    )
    return parser


# --- /proc --------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def tree_cpu_ms(root: int) -> float:
    """CPU of a process and its children, the exited ones included (a parent's cutime and
    cstime count the children it reaped: recycled gunicorn workers, closed backends)."""
    total = 0
    fields = _stat(root)
    if fields is not None:
        total += sum(int(fields[n]) for n in (11, 12, 13, 14))
    for child in _children(root):
        child_fields = _stat(child)
        if child_fields is not None:
            total += sum(int(child_fields[n]) for n in (11, 12, 13, 14))
    return total * 1000 / _TICKS


def private_mb(pid: int) -> float | None:
    """Private memory (clean + dirty) of a process, in MB."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kb = sum(int(m[1]) for m in re.finditer(r"^Private_(?:Clean|Dirty):\s+(\d+) kB", text, re.M))
    return kb / 1024


# --- the fleet ----------------------------------------------------------------------------


def build(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(slug, village code) of every tenant built."""
    from django.core.management import call_command
    from django.db import connection
    from django_tenants.utils import schema_context
    from tqdm import tqdm

    from aduan.envelope import forget_cached_keys, tenant_keys
    from complaints.actions.sop import do_ensure_sop_version
    from routing.directory import ensure_catalogue
    from tenants import provisioning, regions
    from tenants.actions.onboarding import do_create_tenant, do_ensure_public_tenant
    from tenants.models import Region, RegionLevel, TenantKind
    from tenants.provisioning import note_schema_touched

    forget_cached_keys()  # keys opened here are not what the web process has
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    do_ensure_public_tenant()
    regions.load_regions(prefixes=PROVINCES)
    provisioning.ensure_template()
    ensure_catalogue()
    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE)
        .order_by("code")
        .values_list("code", "name")[: args.tenants]
    )
    if len(villages) < args.tenants:
        raise SystemExit(f"bench: error: only {len(villages):,} villages for {args.tenants:,}")
    fleet = [(f"desa-{n}", code) for n, (code, _name) in enumerate(villages)]
    lock = threading.Lock()
    queue = list(enumerate(villages))
    with tqdm(total=len(queue), desc="tenants", unit="tenant", leave=False) as bar:

        def grow() -> None:
            try:
                while True:
                    with lock:
                        if not queue:
                            return
                        number, (code, name) = queue.pop()
                    tenant = do_create_tenant(
                        slug=f"desa-{number}",
                        name=f"Pemerintah Desa {name.title()}",
                        kind=TenantKind.PEMDES,
                        region_code=code,
                    )
                    # What a tenant's first complaint makes once (its SOP version 1, its
                    # key), so the runs measure the steady state, not first complaints.
                    with schema_context(tenant.schema_name):
                        do_ensure_sop_version(tenant=tenant)
                        tenant_keys(tenant.schema_name)
                    note_schema_touched()
                    bar.update()
            finally:
                connection.close()

        threads = [threading.Thread(target=grow, daemon=True) for _ in range(args.grow_workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    # The public tables' statistics, as autovacuum gives a live database in time: right after
    # building thousands of schemas it is still busy with the catalog, and the router's
    # directory read planned on empty statistics scans every declaration (3 ms at 3,000).
    with connection.cursor() as cursor:
        for table in ("tenants_authority", "tenants_authority_categories", "tenants_tenant"):
            cursor.execute(f"ANALYZE {table}")  # our own table names
    return fleet


def statements_per_intake(fleet: list[tuple[str, str]], profiles: dict[str, str]) -> dict[str, int]:
    """Statements of one intake at each door, in process, on tenants not served before (the
    first request of each door warms the process's caches, as a long-running worker has)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from aduan.db import public_connection
    from complaints.selectors import forget_parsed_sops

    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    prefix = settings.TENANT_PATH_PREFIX
    public = public_connection()  # the public schema's statements: counted too
    picks = random.Random(7).sample(fleet, 4)
    # One client address sends everything: no limit, but the limiter still counts (its
    # statement is on the request path).
    rates = dict.fromkeys(settings.ADUAN_RATE_LIMITS, "100000000/hour")
    counts = {}
    with override_settings(ADUAN_RATE_LIMITS=rates):
        for door, (warm, cold) in (("tenant", picks[:2]), ("front door", picks[2:])):
            for (slug, code), counted in ((warm, False), (cold, True)):
                path, body = _request(prefix, door, slug, code)
                with (
                    CaptureQueriesContext(connection) as captured,
                    CaptureQueriesContext(public) as shared,
                ):
                    response = client.post(path, json.dumps(body), content_type="application/json")
                assert response.status_code == 201, (path, response.content[:300])
                if counted:
                    counts[door] = len(captured) + len(shared)
                else:
                    # The next one is as at a large fleet: its SOP not among the process's
                    # parsed ones (a bounded cache); opened keys stay (one per tenant, kept).
                    forget_parsed_sops()
        # Where a request's time goes: cProfile over intakes at random tenants, in process.
        for door in ("tenant", "front door"):
            profile = cProfile.Profile()
            for slug, code in random.Random(11).sample(fleet, min(len(fleet), 40)):
                path, body = _request(prefix, door, slug, code)
                profile.runcall(
                    client.post, path, json.dumps(body), content_type="application/json"
                )
            text = io.StringIO()
            stats = pstats.Stats(profile, stream=text)
            stats.strip_dirs().sort_stats("tottime").print_stats(PROFILE_LINES)
            profiles[door] = text.getvalue()
    connection.close()
    public.close()
    return counts


# A statement's kind: its verb and the table it names first (the register statement by name).
_KIND = re.compile(
    r'^\s*(?:(WITH) taken AS \(INSERT INTO "?(\w+)|(INSERT) INTO (?:\w+\.)?"?(\w+)'
    r'|(SELECT) .*? FROM (?:\w+\.)?"?(\w+)|(UPDATE) (?:\w+\.)?"?(\w+)|(SET) (\w+))',
    re.S,
)


_READS = re.compile(r'(?:FROM|JOIN) \(?(?:\w+\.)?"?(\w+)')


def _statement_kind(sql: str) -> str:
    found = _KIND.match(sql)
    if found is None:
        return sql.split(None, 1)[0] if sql.strip() else "?"
    verb, table = [g for g in found.groups() if g][:2]
    if verb == "WITH":
        return "INSERT … RETURNING (register number, SOP)"
    if verb == "SELECT":  # a join: every table it reads
        return "SELECT " + ", ".join(dict.fromkeys(_READS.findall(sql)))
    return f"{verb} {table}"


REST = "BEGIN, COMMIT and its foreign-key checks"


def server_cpu_by_statement(
    fleet: list[tuple[str, str]], sizes: Sequence[int], intakes: int = 150
) -> dict[str, dict[tuple[int, str], float]]:
    """The PostgreSQL backends' CPU per intake, statement by statement, in process: intakes at
    random tenants of the first `size` of the fleet, each statement timed by its backend's own
    run time (/proc/<pid>/schedstat, ns; the server must be on this machine): the default
    connection's and the public schema's (aduan.db.public_connection). What no statement
    holds is BEGIN, COMMIT and the foreign keys' checks it runs (psycopg sends BEGIN with the
    first statement; Django's commit is not a statement it wraps): the rest of the backends'
    time over the request. {door: {(size, kind): µs per intake}}."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from aduan.db import public_connection

    def runtime_ns(wrapper: Any) -> int:
        pid = wrapper.connection.info.backend_pid if wrapper.connection else 0
        try:
            return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return 0

    spent: dict[str, float] = {}

    def timer(wrapper: Any) -> Any:
        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            before = runtime_ns(wrapper)
            try:
                return execute(sql, params, many, context)
            finally:
                kind = _statement_kind(sql)
                spent[kind] = spent.get(kind, 0.0) + (runtime_ns(wrapper) - before) / 1000

        return timed

    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    rates = dict.fromkeys(settings.ADUAN_RATE_LIMITS, "100000000/hour")
    table: dict[str, dict[tuple[int, str], float]] = {}
    public = public_connection()
    # One backend a connection for the whole measurement (no recycling after N schemas): their
    # time is read before and after each request; a new backend's start-up is not an intake's.
    with override_settings(ADUAN_RATE_LIMITS=rates, SCHEMAS_PER_CONNECTION=10**9):
        for door in ("tenant", "front door"):
            for size in sizes:
                # Other tenants at each door: the first door's did not warm the second's.
                picks = random.Random(f"{door} {size}").choices(fleet[:size], k=intakes)
                spent.clear()
                whole = 0.0
                for slug, code in picks:
                    path, body = _request(settings.TENANT_PATH_PREFIX, door, slug, code)
                    connection.ensure_connection()
                    public.ensure_connection()
                    before = runtime_ns(connection) + runtime_ns(public)
                    with (
                        connection.execute_wrapper(timer(connection)),
                        public.execute_wrapper(timer(public)),
                    ):
                        response = client.post(
                            path, json.dumps(body), content_type="application/json"
                        )
                    whole += (runtime_ns(connection) + runtime_ns(public) - before) / 1000
                    assert response.status_code == 201, (path, response.content[:300])
                rows = table.setdefault(door, {})
                for kind, micros in spent.items():
                    rows[(size, kind)] = micros / intakes
                rows[(size, REST)] = max(0.0, (whole - sum(spent.values())) / intakes)
    connection.close()
    public.close()
    return table


def _request(prefix: str, door: str, slug: str, code: str) -> tuple[str, dict[str, str]]:
    if door == "tenant":
        return f"/{prefix}/{slug}/api/v1/complaints/", FILED
    return "/api/v1/intake/", {**FILED, "village_code": code}


def memory_probe(fleet: list[tuple[str, str]], counts: Sequence[int]) -> list[tuple[int, float]]:
    """A backend's private memory after it touched k schemas (a read of each's register)."""
    import psycopg

    from tenants.provisioning import schema_name_for

    url = os.environ["DATABASE_URL"]
    rows = []
    for count in counts:
        with psycopg.connect(url, autocommit=True) as conn:
            for slug, _code in fleet[:count]:
                schema = schema_name_for(slug)
                conn.execute(f'SET search_path = "{schema}", public')  # our own slugs
                conn.execute("SELECT count(*) FROM complaints_complaint").fetchone()
            pid_row = conn.execute("SELECT pg_backend_pid()").fetchone()
            found = private_mb(int(pid_row[0])) if pid_row else None
            rows.append((count, found if found is not None else float("nan")))
    return rows


# --- the server and the load ---------------------------------------------------------------


class Server:
    """`aduan web` (gunicorn with the production settings) on the scratch database."""

    def __init__(self, args: argparse.Namespace, port: int, state: Path) -> None:
        from django.conf import settings

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aduan.settings.production",
            "ADUAN_MEDIA_ROOT": str(state / "media"),
            "ADUAN_INTAKE_RATE": "100000000/hour",  # one client address sends everything
            "ADUAN_LOG_LEVEL": "WARNING",
            # The key that wrapped the fleet's tenant keys (the in-process build's).
            "ADUAN_MASTER_KEYS": settings.ADUAN_MASTER_KEYS,
            # Jobs sent after each commit go where deploy/ sends them (no worker takes them).
            "BROKER_URL": "" if args.broker == "postgresql" else args.broker,
        }
        self.url = f"http://127.0.0.1:{port}"
        self.base_domain = settings.BASE_DOMAIN
        aduan = Path(sys.executable).parent / "aduan"
        self.process = subprocess.Popen(
            [str(aduan), "web", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310
                    return
            except urllib.error.HTTPError:
                return  # answering (503: no worker running, as expected here)
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit("bench: error: aduan web died") from None
                time.sleep(0.5)
        raise SystemExit("bench: error: aduan web did not answer in 90 s")

    def workers(self) -> list[int]:
        return _children(self.process.pid)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def postmaster_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        row = cursor.fetchone()
    return int(Path(str(row[0] if row else ""), "postmaster.pid").read_text().split()[0])


def backend_memory(database: str) -> list[float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type ="
            " 'client backend' AND pid <> pg_backend_pid()",
            [database],
        )
        pids = [int(pid) for (pid,) in cursor.fetchall()]
    return [mb for mb in (private_mb(pid) for pid in pids) if mb is not None]


def drive(
    server: Server, script: Path, concurrency: int, duration: int
) -> tuple[int, int, float, float, float, float]:
    done = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            # The platform's own host name, as a citizen's browser sends it behind the load
            # balancer (a bare address would reach the platform by the fallback, not its domain).
            "-H",
            f"Host: {server.base_domain}",
            "-s",
            str(script),
            server.url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(
        r"BENCH requests=(\d+) errors=(\d+) duration_us=(\d+) p50=(\d+) p95=(\d+) p99=(\d+)",
        done.stdout,
    )
    if found is None:
        raise SystemExit(f"bench: error: wrk said {done.stdout} {done.stderr}")
    requests, errors, duration, p50, p95, p99 = (int(g) for g in found.groups())
    return requests, errors, duration / 1e6, p50 / 1000, p95 / 1000, p99 / 1000


def _bin_path() -> str:
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


class WebSampler:
    """py-spy sampling gunicorn's workers for one run: only samples holding the GIL, so time
    spent waiting on the database or the network (psycopg and redis release it) is left out
    and what remains is the workers' Python CPU."""

    LINES = 30

    def __init__(self, server: Server, target: Path, duration: int) -> None:
        self.server, self.target, self.duration = server, target, duration
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        spy = shutil.which("py-spy", path=_bin_path()) or "py-spy"
        self.process = subprocess.Popen(
            [spy, "record", "--pid", str(self.server.process.pid), "--subprocesses",
             "--rate", "250", "--duration", str(self.duration), "--format", "raw",
             "--output", str(self.target), "--nonblocking", "--gil"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip

    def summary(self, requests: int) -> str:
        assert self.process is not None
        self.process.wait(timeout=self.duration + 60)
        own: dict[str, int] = {}
        inclusive: dict[str, int] = {}
        total = 0
        for line in self.target.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            count = int(count_text)
            frames = [_frame_name(f) for f in stack.split(";") if f]
            frames = [f for f in frames if f]
            if not frames:
                continue
            total += count
            own[frames[-1]] = own.get(frames[-1], 0) + count
            for frame in set(frames):
                inclusive[frame] = inclusive.get(frame, 0) + count
        per = 1000 / 250 / max(requests, 1)  # ms of CPU per complaint for one sample
        rows = [f"{total} samples holding the GIL at 250 Hz over {requests} complaints:"
                f" {total * per:.1f} ms of Python CPU per complaint", "",
                "| ms/complaint incl. | own | function |", "|---:|---:|---|"]  # fmt: skip
        for name, count in sorted(inclusive.items(), key=lambda item: -item[1])[: self.LINES]:
            rows.append(f"| {count * per:.2f} | {own.get(name, 0) * per:.2f} | {name} |")
        rows += ["", "| ms/complaint own | function |", "|---:|---|"]
        for name, count in sorted(own.items(), key=lambda item: -item[1])[: self.LINES]:
            rows.append(f"| {count * per:.2f} | {name} |")
        return "\n".join(rows)


def _frame_name(frame: str) -> str:
    # py-spy's raw frames: "function (path/to/file.py:line)"; shortened to package/module.
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    if not path or name.startswith("process ") or name.startswith("<module>"):
        return ""
    short = path.split("site-packages/")[-1].split("/work/main/")[-1].removesuffix(".py")
    return f"{short.replace('/', '.')}.{name}"


def write_script(folder: Path, door: str, targets: list[str]) -> Path:
    script = folder / f"{door.replace(' ', '_')}_{len(targets)}.lua"
    script.write_text(
        LUA
        % {
            "targets": ",".join(json.dumps(t) for t in targets),
            "door": "tenant" if door == "tenant" else "front",
            "body": json.dumps(FILED),
            "seed": 23,
        }
    )
    return script


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.db import connection

    if shutil.which("wrk") is None:
        raise SystemExit("bench: error: wrk is missing (apt-get install wrk)")
    check_broker(args.broker)
    started = time.perf_counter()
    fleet = build(args)
    built = time.perf_counter() - started
    profiles: dict[str, str] = {}
    statements = statements_per_intake(fleet, profiles)
    server_cpu = server_cpu_by_statement(fleet, sorted({len(fleet), min(args.few, len(fleet))}))
    probe = memory_probe(fleet, [c for c in args.probe if c <= len(fleet)])
    database = str(connection.settings_dict["NAME"])
    postmaster = postmaster_pid()
    runs: list[Run] = []
    memory: list[tuple[int, list[float], list[float]]] = []
    web_profiles: dict[str, str] = {}
    if args.profile_web and shutil.which("py-spy", path=_bin_path()) is None:
        raise SystemExit("bench: error: py-spy is missing (pip install py-spy)")
    folder = Path(tempfile.mkdtemp(prefix="aduan-bench-intake-"))
    try:
        for size in (len(fleet), min(args.few, len(fleet))):
            server = Server(args, port=_free_port(), state=folder / f"state-{size}")
            try:
                chosen = fleet[:size]
                scripts = {
                    door: write_script(
                        folder, door, [slug if door == "tenant" else code for slug, code in chosen]
                    )
                    for door in ("tenant", "front door")
                }
                for script in scripts.values():  # warm-up, not measured: imports, first pages
                    drive(server, script, 2, 3)
                for door, script in scripts.items():
                    for concurrency in args.concurrency:
                        web0, db0 = tree_cpu_ms(server.process.pid), tree_cpu_ms(postmaster)
                        requests, errors, seconds, p50, p95, p99 = drive(
                            server, script, concurrency, args.duration
                        )
                        web1, db1 = tree_cpu_ms(server.process.pid), tree_cpu_ms(postmaster)
                        runs.append(
                            Run(size, door, concurrency, requests, errors, seconds, p50, p95,
                                p99, web1 - web0, db1 - db0)
                        )  # fmt: skip
                        print(f"  {size:,} tenants, {door}, c={concurrency}: {requests} requests")
                if args.profile_web and size == len(fleet):
                    # Extra runs, not in the table: the sampler takes CPU of its own.
                    for door, script in scripts.items():
                        spy = WebSampler(server, folder / f"{door}.spy", args.duration)
                        spy.start()
                        requests, *_rest = drive(server, script, 8, args.duration)
                        web_profiles[door] = spy.summary(requests)
                web_memory = [mb for mb in map(private_mb, server.workers()) if mb is not None]
                memory.append((size, backend_memory(database), web_memory))
            finally:
                server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        drop_queued_jobs(args.broker)
    report(args, fleet, built, statements, probe, runs, memory, settings)
    report_server_cpu(server_cpu)
    for door, text in profiles.items():
        print(f"Profile of 40 intakes at the {_door(door)} (in process, by own time):")
        print(text)
    for door, text in web_profiles.items():
        print(f"Where the web workers' CPU went at the {_door(door)}, c=8 (py-spy samples):")
        print(text)


def check_broker(broker: str) -> None:
    if broker == "postgresql":
        return
    try:
        redis.Redis.from_url(broker).ping()
    except redis.RedisError as error:
        raise SystemExit(f"bench: error: the broker {broker} does not answer ({error})") from None


def drop_queued_jobs(broker: str) -> None:
    """The jobs the runs sent (no worker took them): the bench's keys only."""
    if broker == "postgresql":
        return
    client = redis.Redis.from_url(broker)
    keys = list(client.scan_iter("dramatiq:*"))
    if keys:
        client.delete(*keys)


def report(
    args: argparse.Namespace,
    fleet: list[tuple[str, str]],
    built: float,
    statements: dict[str, int],
    probe: list[tuple[int, float]],
    runs: list[Run],
    memory: list[tuple[int, list[float], list[float]]],
    settings: Any,
) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()
    load = os.getloadavg()
    print()
    print(
        f"PostgreSQL {version[0] if version else '?'} on loopback, {os.cpu_count()} CPU cores,"
        f" load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} (the machine is shared: CPU"
        f" per complaint is the honest figure, rates and latency move with the load);"
        f" {len(fleet):,} tenants built by do_create_tenant in {built:.0f} s; gunicorn"
        f" (`aduan web`, its 2 workers); jobs queued on {args.broker}; wrk, {args.duration} s"
        f" per run, a random tenant per request."
    )
    print()
    print("| tenants | door | concurrency | complaints/s | p50 / p95 / p99 ms"
          " | CPU ms per complaint (web + db) | errors |")  # fmt: skip
    print("|---:|---|---:|---:|---:|---:|---:|")
    for one in runs:
        print("| " + " | ".join(one.cells()) + " |")
    print()
    print(
        "Statements per intake on the request path (in process, after another tenant's, its SOP"
        " not among the process's parsed ones):"
        + ", ".join(f" {door} {count}" for door, count in statements.items())
        + " (target <= 12)."
    )
    print()
    limit = settings.SCHEMAS_PER_CONNECTION
    for size, backends, workers in memory:
        print(
            f"After the runs at {size:,} tenants: PostgreSQL backends {len(backends)}, private"
            f" MB max {max(backends, default=0):.1f}, sum {sum(backends):.1f}; web workers"
            f" {len(workers)}, private MB max {max(workers, default=0):.1f}"
            f" (connections recycled after {limit} schemas; workers after ~2,000 requests)."
        )
    print()
    print("| schemas touched by one connection | backend private MB |")
    print("|---:|---:|")
    for count, mb in probe:
        print(f"| {count:,} | {mb:.1f} |")
    print()


def _door(door: str) -> str:
    return door if door.endswith("door") else f"{door} door"


def report_server_cpu(table: dict[str, dict[tuple[int, str], float]]) -> None:
    """The backend's CPU per intake by statement, at each fleet size side by side."""
    for door, rows in table.items():
        sizes = sorted({size for size, _kind in rows}, reverse=True)
        kinds = sorted({kind for _size, kind in rows}, key=lambda k: -rows.get((sizes[0], k), 0))
        print(f"PostgreSQL's CPU per intake at the {_door(door)}, by statement (µs, in process):")
        print()
        print("| statement | " + " | ".join(f"{size:,} tenants" for size in sizes) + " |")
        print("|---|" + "---:|" * len(sizes))
        for kind in kinds:
            cells = " | ".join(f"{rows.get((size, kind), 0):,.0f}" for size in sizes)
            print(f"| {kind} | {cells} |")
        totals = " | ".join(
            f"**{sum(v for (s, _k), v in rows.items() if s == size):,.0f}**" for size in sizes
        )
        print(f"| all | {totals} |")
        print()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_in_scratch_database(lambda: run(args), media="intake")


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["ROOT", "main"]
