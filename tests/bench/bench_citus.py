"""Citus benchmark: provisioning, intake and forwarding on a three-node Citus cluster (a
coordinator and two workers) against plain PostgreSQL, side by side in one run, and what bounds
a node.

    .venv/bin/python -m tests.bench.bench_citus --tenants 30 --complaints 20

It starts the cluster and a plain PostgreSQL instance of the same build (Debian's PostgreSQL
15) and settings (fsync off) as local instances (tests/citus/cluster.py), runs the same flows
(`python -m tests.citus.flows bench`, one process per engine: Django picks its database once)
on each, prints one Markdown table with the load average, stops and removes the instances.
Not part of the test suite (pytest collects test_*.py only).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

from tests.bench.bench_provision import _positive
from tests.citus.cluster import ROOT_FOR_FLOWS, Instance, missing_reason, running_cluster


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.bench_citus", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tenants", type=_positive, default=30, help="tenants created, timed")
    parser.add_argument(
        "--complaints", type=_positive, default=20, help="intakes and forwards timed"
    )
    return parser


def _flows(instance: Instance, *, citus: bool, args: argparse.Namespace) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": instance.url(),
        "ADUAN_CITUS": "1" if citus else "0",
        "DJANGO_SETTINGS_MODULE": "aduan.settings.test",
        "BROKER_URL": "stub://",
    }
    command = [sys.executable, "-m", "tests.citus.flows", "bench", "--tenants",
               str(args.tenants), "--complaints", str(args.complaints)]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT_FOR_FLOWS, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: error: flows failed:\n{(done.stdout + done.stderr)[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _cell(summary: dict[str, float]) -> str:
    return f"{summary['median']:.1f} / {summary['p95']:.1f} ({int(summary['n'])})"


def _writes(counts: dict[str, int]) -> str:
    return ", ".join(f"{table} {n}" for table, n in sorted(counts.items())) or "-"


def run(args: argparse.Namespace) -> None:
    reason = missing_reason()
    if reason is not None:
        raise SystemExit(f"bench: error: {reason}")
    with running_cluster(workers=2, plain=True) as cluster:
        assert cluster.plain_instance is not None
        load_before = os.getloadavg()
        started = time.perf_counter()
        plain = _flows(cluster.plain_instance, citus=False, args=args)
        citus = _flows(cluster.coordinator, citus=True, args=args)
        seconds = time.perf_counter() - started
        load_after = os.getloadavg()
    print()
    print(
        f"PostgreSQL 15 (Debian) + Citus 13.2.2, {os.cpu_count()} CPU cores shared with other"
        f" work, fsync off; {plain['tenants']} tenants per engine. Load average (1, 5, 15 min)"
        f" before: {', '.join(f'{x:.1f}' for x in load_before)}; after:"
        f" {', '.join(f'{x:.1f}' for x in load_after)}. Times in ms: median / p95 (samples)."
    )
    print()
    print("| measure | plain PostgreSQL | Citus: coordinator + 2 workers | ratio (medians) |")
    print("|---|---:|---:|---:|")
    for name, key in (
        ("tenant creation (`do_create_tenant`)", "provision_ms"),
        ("intake (`do_file_complaint`)", "intake_ms"),
        ("forward (on Citus: to a tenant on another worker)", "forward_ms"),
    ):
        ratio = citus[key]["median"] / max(plain[key]["median"], 0.001)
        print(f"| {name} | {_cell(plain[key])} | {_cell(citus[key])} | {ratio:.1f}x |")
    print(
        f"| a tenant schema built as one execute of the whole script (before issue 24) |"
        f" {_cell(plain['one_execute_ms'])} | refused | - |"
    )
    print(
        f"| the same, one execute per statement (both engines now) |"
        f" {_cell(plain['per_statement_ms'])} | (as tenant creation) | - |"
    )
    print(
        f"| the release step (`aduan migrate` on an empty database) | {plain['release_ms']:,.0f}"
        f" | {citus['release_ms']:,.0f} | - |"
    )
    print(
        f"| public-table writes per intake | {_writes(plain['public_writes_intake'])}"
        f" | {_writes(citus['public_writes_intake'])} | - |"
    )
    print(
        f"| public-table writes per forward | {_writes(plain['public_writes_forward'])}"
        f" | {_writes(citus['public_writes_forward'])} | - |"
    )
    print(
        f"| backend memory after the run, kB | {plain['backend_memory_kB']:,.0f}"
        f" | {citus['backend_memory_kB']:,.0f} (coordinator) | - |"
    )
    print()
    print("What bounds a node (Citus run):")
    print(f"- relations per tenant schema: {citus['relations_per_tenant']}")
    print(f"- tenant schemas per node: {citus['schemas_per_node']}")
    print(f"- shards per node (tenant tables + reference tables): {citus['shards_per_node']}")
    print(f"- coordinator metadata rows: {citus['coordinator_metadata_rows']}")
    for node, facts in citus["nodes"].items():
        print(
            f"- node #{node}: {facts['pg_class']:,} relations in its catalog"
            f" ({facts['relations_per_tenant']:.1f} more per tenant of the whole cluster),"
            f" database {facts['database_MB']:,.1f} MB"
        )
    print(
        f"- a new tenant schema on a worker: {citus['tenant_schema_kB_median']:,.0f} kB"
        f" (plain PostgreSQL: {plain['disk_per_tenant_kB']:,.0f} kB per tenant, database"
        " growth over the run)"
    )
    print(f"(bench ran {seconds:.0f} s)")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
