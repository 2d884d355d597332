"""Aduan's flows on the database of DATABASE_URL, in a process of their own: on a Citus
coordinator (ADUAN_CITUS=1) or on plain PostgreSQL, through the same code path.

    DATABASE_URL=... ADUAN_CITUS=1 python -m tests.citus.flows check
    DATABASE_URL=... ADUAN_CITUS=1 python -m tests.citus.flows bench --tenants 40 --complaints 30

`check` (tests/citus/test_citus.py) runs the release step, provisioning, intake, an SOP step,
forwarding between tenants on two workers, a schema move, a fleet migration adding
constrained columns and the regency roll-up, asserting each; `bench`
(tests/bench/bench_citus.py) times provisioning, intake and forwarding. Both print one JSON
object as their last line. A process of its own because Django's settings (the database, the
engine) are chosen once per process.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONSTRAINED_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("complaints", "{leaf}")]
    operations = [
        migrations.AddField(
            "complaint", "citus_code", models.CharField(max_length=12, null=True, unique=True)
        ),
        migrations.AddField("complaint", "citus_count", models.PositiveIntegerField(null=True)),
        migrations.AddField(
            "complaint", "citus_team",
            models.ForeignKey("complaints.team", null=True, on_delete=models.SET_NULL),
        ),
    ]
"""


def _setup() -> None:
    for path in (str(ROOT), str(ROOT / "platform")):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings.test")
    os.environ.setdefault("BROKER_URL", "stub://")
    import django

    django.setup()


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _one(query: str, params: Sequence[Any] = ()) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, list(params))
        row = cursor.fetchone()
    return row[0] if row else None


def release() -> dict[str, Any]:
    """The real release step (`aduan migrate`), plus the queue's schema made as the
    PostgreSQL broker makes it; returns what it printed and how long it took."""
    from django.db import connection, transaction

    from aduan import operations
    from aduan.broker import init_queue_schema
    from aduan.db import citus

    lines: list[str] = []
    took = _ms(lambda: operations.migrate(out=lines.append))
    with transaction.atomic(), connection.cursor() as cursor:
        init_queue_schema(cursor.cursor, citus=citus())
    return {"release_ms": took, "release_output": lines}


def _photo() -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("jalan.png", buffer.getvalue(), content_type="image/png")


def _file(tenant: Any, photo: bool = False) -> Any:
    from django_tenants.utils import schema_context

    from complaints.actions.intake import do_file_complaint

    with schema_context(tenant.schema_name):
        return do_file_complaint(
            tenant=tenant,
            channel="web",
            name="Siti Aminah",
            address="RT 02 RW 03",
            phone="081234567890",
            subject="Jembatan kabupaten putus",
            description="Jembatan di perbatasan desa putus sejak Senin.",
            attachments=[_photo()] if photo else [],
        )


def _placement(schema_name: str) -> str:
    from aduan import citus

    return {p.schema_name: p.node for p in citus.status().placements}[schema_name]


def _public_sequences_behind() -> list[str]:
    """Public sequences whose next value is a key their table already holds."""
    from django.db import connection

    from aduan import citus

    with connection.cursor() as cursor:
        cursor.execute(citus._PUBLIC_SEQUENCES)
        found = cursor.fetchall()
        behind = []
        for sequence, table, column in found:
            cursor.execute(f'SELECT max("{column}")::bigint FROM {table}')
            top = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last, called = cursor.fetchone()
            if top is not None and (last < top or (last == top and not called)):
                behind.append(sequence)
    return behind


def check() -> dict[str, Any]:
    """Every flow the issue names, asserted; returns what was observed."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django_tenants.utils import schema_context

    from aduan import citus
    from aduan.db import citus as on_citus
    from complaints.actions.forward import do_forward_complaint
    from complaints.actions.statistics import do_publish_statistics
    from complaints.actions.workflow import do_transition_complaint
    from complaints.models import Complaint
    from routing.models import Hop
    from tenants import provisioning, regions
    from tenants.actions.onboarding import do_create_tenant
    from tenants.models import Role
    from tests.factories import make_member, sign_in

    report: dict[str, Any] = {"citus": on_citus()}
    report.update(release())
    regions.load_regions(prefixes=("33.01",))
    if on_citus():
        # The queue and the template stay on the coordinator; every public table is a
        # reference table; no public sequence hands out a key its table holds.
        distributed = {row[0] for row in _rows("SELECT schema_name::text FROM citus_schemas")}
        assert not distributed & set(citus.LOCAL_SCHEMAS), distributed
        assert _one("SELECT to_regclass('dramatiq.queue')") is not None
        report["reference_tables"] = citus.status().reference_tables
        assert report["reference_tables"] >= 30, report["reference_tables"]
    assert _public_sequences_behind() == []
    # Provisioning
    timings: dict[str, float] = {}
    started = time.perf_counter()
    regency = do_create_tenant(
        slug="kab-cilacap", name="Pemkab Cilacap", kind="PEMKAB", region_code="33.01"
    )
    village = do_create_tenant(
        slug="desa-babakan", name="Desa Babakan", kind="PEMDES", region_code="33.01.09.2014"
    )
    pupr = do_create_tenant(slug="pupr", name="Dinas PUPR", kind="OPD", region_code="33.01")
    timings["three_tenants_ms"] = (time.perf_counter() - started) * 1000
    if on_citus():
        # Forwarding across workers: the village and the agency on two different workers,
        # the agency moved there by citus_schema_move() (the `aduan citus move` path).
        workers = [f"{h}:{p}" for _i, h, p, _r, _a in citus.status().nodes][1:]
        assert len(workers) >= 2, workers
        lines: list[str] = []
        for tenant in (regency, pupr):
            # The regency always moves; the agency moves away from the village's worker.
            avoid = _placement((regency if tenant is regency else village).schema_name)
            other = next(w for w in workers if w != avoid)
            citus.move(slug=tenant.slug, to=other, out=lines.append)
            assert _placement(tenant.schema_name) == other, lines
        report["move_output"] = lines
        assert _placement(pupr.schema_name) != _placement(village.schema_name)
        report["placements"] = {t.slug: _placement(t.schema_name) for t in (regency, village, pupr)}
    # Intake, twice (one to forward, one to keep), and the sequences of the public rows
    # (tracking codes, deadlines, outbox) it writes keep going
    kept = _file(village)
    moving = _file(village, photo=True)
    assert kept.tracking_code != moving.tracking_code
    # An SOP step by an officer
    officer = make_member(village, Role.OFFICER)
    with schema_context(village.schema_name):
        stepped = do_transition_complaint(complaint=kept, transition="give_receipt", actor=officer)
    report["stepped_state"] = stepped.state
    assert stepped.state != kept.state or stepped.state == "receipt_given", stepped.state
    # Forwarding to the agency (two workers on Citus: one two-phase commit)
    moved = do_forward_complaint(
        tenant=village, complaint_id=moving.pk, to=pupr, reason="Jembatan", actor=None
    )
    with schema_context(pupr.schema_name):
        arrived = Complaint.objects.get(tracking_code=moving.tracking_code)
        assert arrived.attachments.count() == 1
    with schema_context(village.schema_name):
        assert not Complaint.objects.filter(pk=moving.pk).exists()
        assert Complaint.objects.filter(pk=kept.pk).exists()
    hops = list(Hop.objects.filter(tracking_code=moving.tracking_code).values_list(
        "from_tenant_id", "to_tenant_id"))  # fmt: skip
    assert hops == [(village.pk, pupr.pk)], hops
    report["forwarded_to"] = moved.complaint.pk if hasattr(moved, "complaint") else arrived.pk
    # The roll-up: each tenant's statistics published (public rows), the regency's page
    for tenant in (regency, village, pupr):
        do_publish_statistics(tenant=tenant)
    admin = make_member(regency, "regency_admin")
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    sign_in(client, admin)
    response = client.get(f"/api/v1/regencies/{regency.slug}/statistics/")
    assert response.status_code == 200, response.content[:300]
    body = json.dumps(response.json())
    report["rollup_bytes"] = len(body)
    assert "pupr" in body or "Dinas PUPR" in body, body[:500]
    # A fleet migration adding UNIQUE, CHECK and FOREIGN KEY columns, replayed everywhere
    with _constrained_deploy() as modules, override_settings(MIGRATION_MODULES=modules):
        from django.core.management import call_command

        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        provisioning.ensure_template()
        result = provisioning.migrate_outdated_tenants(workers=1)
    assert result.failed == {}, result.failed
    assert sorted(result.replayed) == sorted(
        [regency.schema_name, village.schema_name, pupr.schema_name]
    ), result
    for tenant in (regency, village, pupr):
        columns = {
            row[0]
            for row in _rows(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s"
                " AND table_name = 'complaints_complaint' AND column_name LIKE 'citus_%%'",
                [tenant.schema_name],
            )
        }
        assert columns == {"citus_code", "citus_count", "citus_team_id"}, columns
    # And intake still works after it (the new columns are nullable)
    after = _file(pupr)
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{pupr.schema_name}".complaints_complaint SET citus_code = %s WHERE id = %s',
            ["K-1", after.pk],
        )
    report["timings"] = timings
    report["ok"] = True
    return report


def _rows(query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, list(params))
        return list(cursor.fetchall())


class _constrained_deploy:  # noqa: N801 - used as a context manager
    """The complaints app's migrations plus one adding constrained columns, as a migration
    module of its own in a temporary folder; yields MIGRATION_MODULES for it."""

    def __enter__(self) -> dict[str, str]:
        from django.conf import settings
        from django.db.migrations.loader import MigrationLoader

        leaf = max(n for app, n in MigrationLoader(None).graph.leaf_nodes() if app == "complaints")
        self.folder = tempfile.mkdtemp(prefix="aduan-citus-deploy-")
        module = Path(self.folder) / "citus_probe_migrations"
        shutil.copytree(
            ROOT / "complaints" / "migrations", module, ignore=shutil.ignore_patterns("__pycache__")
        )
        (module / "9999_citus_probe.py").write_text(CONSTRAINED_MIGRATION.format(leaf=leaf))
        sys.path.insert(0, self.folder)
        return {**settings.MIGRATION_MODULES, "complaints": module.name}

    def __exit__(self, *exc: object) -> None:
        sys.path.remove(self.folder)
        shutil.rmtree(self.folder, ignore_errors=True)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
    }


def _public_writes(action: Callable[[], object], tenant_schema: str) -> dict[str, int]:
    """Statements writing each public table while `action` runs (data-modifying CTEs of the
    forward's combined statements counted by the tables they name)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def tables(schema: str) -> set[str]:
        query = "SELECT tablename::text FROM pg_tables WHERE schemaname = %s"
        return {row[0] for row in _rows(query, [schema])}

    # A name also in the tenant's schema (guardian's, django_migrations) resolves there.
    public = tables("public") - tables(tenant_schema)
    with CaptureQueriesContext(connection) as captured:
        action()
    counts: dict[str, int] = {}
    for query in captured:
        text = query["sql"]
        for found in re.finditer(
            r'(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+((?:"?\w+"?\.)?"?(\w+)"?)', text
        ):
            qualified, table = found.group(1), found.group(2)
            schema = qualified.split(".")[0].strip('"') if "." in qualified else "public"
            if table in public and schema == "public":
                counts[table] = counts.get(table, 0) + 1
    return counts


def _execute_shapes(count: int) -> tuple[dict[str, float], dict[str, float]]:
    """What one statement per execute costs on plain PostgreSQL: a tenant schema built from the
    template as one execute of the joined script (the shape before issue 24) and as one
    execute per statement (today's), alternately, each rolled back."""
    from django.db import connection, transaction
    from django_tenants.utils import schema_context
    from psycopg import sql

    from tenants import provisioning

    template = provisioning.ensure_template()
    body = [s for s in template.statements if s != provisioning.COMPACT_MARK]
    joined: list[float] = []
    each: list[float] = []
    for number in range(count):
        for shape, times in (("joined", joined), ("each", each)):
            name = f"t_shape_{shape}_{number}"
            create = sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)).as_string()
            with transaction.atomic():
                started = time.perf_counter()
                with schema_context(name), connection.cursor() as cursor:
                    if shape == "joined":
                        cursor.execute(";\n".join([create, *body]))
                    else:
                        cursor.execute(create)
                        for statement in body:
                            cursor.execute(statement)
                times.append((time.perf_counter() - started) * 1000)
                transaction.set_rollback(True)
    return _summary(joined), _summary(each)


def _node_relations() -> dict[str, tuple[int, int]]:
    """Each node's (relations in its catalog, database bytes), named by node id and role."""
    return {
        f"{node}{' (coordinator)' if coordinator else ''}": (int(relations), int(size))
        for node, coordinator, relations, size in _rows(
            "SELECT r.nodeid::text, r.nodeid = (SELECT nodeid FROM pg_dist_node"
            " WHERE groupid = 0), r.result, s.result"
            " FROM run_command_on_all_nodes('SELECT count(*) FROM pg_class') r"
            " JOIN run_command_on_all_nodes("
            "'SELECT pg_database_size(current_database())') s USING (nodeid)"
        )
    }


def bench(tenants: int, complaints: int) -> dict[str, Any]:
    """Times provisioning, intake and forwarding; counts what bounds a node."""
    from django.db import connection

    from aduan import citus
    from aduan.db import citus as on_citus
    from complaints.actions.forward import do_forward_complaint
    from tenants import regions
    from tenants.actions.onboarding import do_create_tenant

    report: dict[str, Any] = {"citus": on_citus()}
    report.update(release())
    regions.load_regions(prefixes=("33.01",))
    size_before = _one("SELECT pg_database_size(current_database())")
    relations_before = _node_relations() if on_citus() else {}
    created = []
    times = []
    for number in range(tenants):
        started = time.perf_counter()
        created.append(
            do_create_tenant(
                slug=f"bench-{number}", name=f"Bench {number}", kind="PEMDES", region_code=None
            )
        )
        times.append((time.perf_counter() - started) * 1000)
    report["provision_ms"] = _summary(times)
    village = do_create_tenant(
        slug="desa-babakan", name="Desa Babakan", kind="PEMDES", region_code="33.01.09.2014"
    )
    pupr = do_create_tenant(slug="pupr", name="Dinas PUPR", kind="OPD", region_code="33.01")
    if on_citus():
        workers = [f"{h}:{p}" for _i, h, p, _r, _a in citus.status().nodes][1:]
        if _placement(pupr.schema_name) == _placement(village.schema_name):
            other = next(w for w in workers if w != _placement(village.schema_name))
            citus.move(slug="pupr", to=other, out=lambda _line: None)
    filed = [_file(village)]  # the first intake warms the caches, as a running server has them
    intake = []
    for _ in range(complaints):
        started = time.perf_counter()
        filed.append(_file(village))
        intake.append((time.perf_counter() - started) * 1000)
    report["intake_ms"] = _summary(intake)
    forward = [
        _ms(lambda c=c: do_forward_complaint(  # type: ignore[misc]
            tenant=village, complaint_id=c.pk, to=pupr, reason="Jembatan", actor=None))
        for c in filed[1:]
    ]  # fmt: skip
    report["forward_ms"] = _summary(forward)
    # The public (reference, on Citus: written on every node) tables one intake and one
    # forward write
    extra = _file(village)
    report["public_writes_intake"] = _public_writes(lambda: _file(village), village.schema_name)
    report["public_writes_forward"] = _public_writes(
        lambda: do_forward_complaint(
            tenant=village, complaint_id=extra.pk, to=pupr, reason="Jembatan", actor=None
        ),
        village.schema_name,
    )
    report["tenants"] = tenants + 2
    report["relations_per_tenant"] = _one(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s",
        [village.schema_name],
    )
    if not on_citus():
        report["one_execute_ms"], report["per_statement_ms"] = _execute_shapes(tenants)
        report["disk_per_tenant_kB"] = (
            (_one("SELECT pg_database_size(current_database())") - size_before)
            / (tenants + 2)
            / 1024
        )
    else:
        found = citus.status()
        report["schemas_per_node"] = {
            node: sum(1 for p in found.placements if p.node == node)
            for node in found.shards_per_node
        }
        report["shards_per_node"] = found.shards_per_node
        report["coordinator_metadata_rows"] = {
            table: _one(f"SELECT count(*) FROM {table}")
            for table in ("pg_dist_partition", "pg_dist_shard", "pg_dist_placement")
        }
        # Every node's catalog and disk: with Citus' metadata sync every node keeps a shell
        # of every distributed table, so each catalog grows with the whole fleet.
        after = _node_relations()
        report["nodes"] = {
            node: {
                "pg_class": relations,
                "relations_per_tenant": (relations - relations_before.get(node, (0, 0))[0])
                / (tenants + 2),
                "database_MB": size / 1024 / 1024,
            }
            for node, (relations, size) in after.items()
        }
        report["tenant_schema_kB_median"] = statistics.median(
            p.size_bytes / 1024 for p in found.placements
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        report["backend_memory_kB"] = int(cursor.fetchone()[0]) / 1024
    report["load"] = os.getloadavg()
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.citus.flows")
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("check")
    timed = sub.add_parser("bench")
    timed.add_argument("--tenants", type=int, default=30)
    timed.add_argument("--complaints", type=int, default=20)
    args = parser.parse_args(argv)
    _setup()
    report = check() if args.mode == "check" else bench(args.tenants, args.complaints)
    print(json.dumps(report, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
