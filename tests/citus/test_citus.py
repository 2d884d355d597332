"""Aduan on a Citus cluster started here: a coordinator and two workers as local PostgreSQL 15
instances (tests/citus/cluster.py), Aduan's flows run on it through the one code path both
engines share (ADUAN_CITUS=1), then the cluster is stopped and removed.

Skipped LOUDLY when Citus is missing and cannot be built (tests/citus/cluster.py builds it with
../shared/tools/build-citus.sh when it may). The flows run in a process of their own
(tests/citus/flows.py): Django's database and engine are chosen once per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator

import psycopg
import pytest

from tests.citus.cluster import ROOT_FOR_FLOWS, Cluster, missing_reason, running_cluster

# A cluster start (~30 s) and two template captures: minutes on a loaded machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    reason = missing_reason()
    if reason is not None:
        message = f"CITUS TESTS SKIPPED: {reason}"
        warnings.warn(message, stacklevel=1)
        print(f"\n*** {message} ***", file=sys.stderr)
        pytest.skip(message)
    with running_cluster(workers=2) as started:
        yield started


def _flows(cluster: Cluster, mode: str) -> dict[str, object]:
    env = {
        **os.environ,
        "DATABASE_URL": cluster.coordinator.url(),
        "ADUAN_CITUS": "1",
        "DJANGO_SETTINGS_MODULE": "aduan.settings.test",
        "BROKER_URL": "stub://",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.citus.flows", mode],
        cwd=ROOT_FOR_FLOWS, env=env, capture_output=True, text=True, timeout=1200, check=False,
    )  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_aduan_runs_on_a_citus_cluster_of_a_coordinator_and_two_workers(cluster: Cluster) -> None:
    # Given a fresh cluster; when the release step, provisioning, intake, an SOP step, a
    # forward between two workers, schema moves, a fleet migration with constrained columns
    # and the roll-up run on it (each asserted inside the flows, which exit non-zero else)
    report = _flows(cluster, "check")
    # Then it ran on Citus, with the public tables as reference tables
    assert report["citus"] is True and report["ok"] is True
    assert int(str(report["reference_tables"])) >= 30
    output = "\n".join(map(str, report["release_output"]))  # type: ignore[call-overload]
    assert "Reference tables:" in output
    # And the tenants' schemas really live on the workers: the village and the agency the
    # complaint was forwarded to on two different ones, none on the coordinator
    placements = report["placements"]
    assert isinstance(placements, dict)
    workers = {f"127.0.0.1:{node.port}" for node in cluster.worker_nodes}
    assert set(placements.values()) <= workers
    assert placements["desa-babakan"] != placements["pupr"]
    # And the forward crossed them and the schema moves reported their end
    assert report["stepped_state"] == "receipt_given"
    assert any(line.startswith("Moved ") for line in report["move_output"])  # type: ignore[attr-defined]
    # And the coordinator's own view agrees: each tenant schema's tables are on one worker
    with psycopg.connect(cluster.coordinator.url()) as conn:
        rows = conn.execute(
            "SELECT split_part(table_name::text, '.', 1), count(DISTINCT nodeport)"
            " FROM citus_shards WHERE citus_table_type = 'schema' GROUP BY 1"
        ).fetchall()
    assert rows and all(nodes == 1 for _schema, nodes in rows), rows
    # And the queue's and the template's schemas stayed local
    with psycopg.connect(cluster.coordinator.url()) as conn:
        distributed = {r[0] for r in conn.execute("SELECT schema_name::text FROM citus_schemas")}
    assert "dramatiq" not in distributed and "_aduan_template" not in distributed
