"""The production topology in deploy/ (issue 23): the Compose file and the Kubernetes manifests
run every process (web, worker, scheduler), the release step (migrations + static files) before
them, PostgreSQL with a streaming replica, PgBouncer in session mode and the broker, each
process with the environment it needs. No container runtime here: the files are parsed."""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

import yaml

from tests.aduan.test_cli import ROOT

DEPLOY = ROOT / "deploy"
# What every Aduan process needs from its environment to run against this topology.
NEEDED = {"DATABASE_URL", "DATABASE_REPLICA_URL", "BROKER_URL", "ADUAN_SECRET_KEY"}
PROCESSES = {"web": ["aduan", "web"], "worker": ["aduan", "worker"],
             "scheduler": ["aduan", "scheduler"]}  # fmt: skip


def _pooling(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",))
    parser.read_string(text)
    return parser["pgbouncer"]


def test_the_compose_file_runs_every_process_after_the_release_step() -> None:
    compose: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "db-replica", "pgbouncer", "redis", "release", *PROCESSES} <= services.keys()
    # the release step: static files and migrations, straight to the primary, once
    release = services["release"]
    assert release["command"] == ["aduan", "migrate"]
    assert release["environment"]["DATABASE_URL"].endswith("@db:5432/aduan")
    assert release["restart"] == "no"
    for name, command in PROCESSES.items():
        service = services[name]
        assert service["command"][:2] == command
        assert service["environment"].keys() >= NEEDED, name
        # through PgBouncer; reports from the replica (through PgBouncer's replica database)
        assert "@pgbouncer:6432/aduan" in service["environment"]["DATABASE_URL"]
        assert service["environment"]["DATABASE_REPLICA_URL"].endswith("/aduan_replica")
        assert service["environment"]["BROKER_URL"].startswith("redis://redis:")
        # and only once the release step succeeded
        condition = service["depends_on"]["release"]["condition"]
        assert condition == "service_completed_successfully"
    assert services["scheduler"]["deploy"]["replicas"] == 1
    # PostgreSQL streams to a hot standby that PgBouncer also serves
    assert "wal_level=replica" in services["db"]["command"]
    replica_script = (DEPLOY / "postgres" / "replica-entrypoint.sh").read_text()
    assert "pg_basebackup" in replica_script and " -R " in replica_script
    pooling = (DEPLOY / "pgbouncer" / "pgbouncer.ini").read_text()
    assert _pooling(pooling)["pool_mode"] == "session"
    assert "aduan_replica = host=db-replica" in pooling
    assert "apt-get install" in (DEPLOY / "pgbouncer" / "Dockerfile").read_text()


def _manifests() -> list[dict[str, Any]]:
    folder = DEPLOY / "kubernetes"
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    documents: list[dict[str, Any]] = []
    for resource in kustomization["resources"]:
        documents += [d for d in yaml.safe_load_all((folder / resource).read_text()) if d]
    listed = {p.name for p in folder.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == set(kustomization["resources"])  # no manifest left out of the kustomization
    return documents


def _one(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [d for d in documents if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def _environment(documents: list[dict[str, Any]], container: dict[str, Any]) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= _one(documents, "ConfigMap", source["configMapRef"]["name"])["data"].keys()
        if "secretRef" in source:
            names |= _one(documents, "Secret", source["secretRef"]["name"])["stringData"].keys()
    return names


def test_the_kubernetes_manifests_run_every_process_and_the_release_job() -> None:
    documents = _manifests()
    for name, command in PROCESSES.items():
        deployment = _one(documents, "Deployment", f"aduan-{name}")
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["image"] == "aduan" and container["command"][:2] == command
        assert _environment(documents, container) >= NEEDED, name
    scheduler = _one(documents, "Deployment", "aduan-scheduler")["spec"]
    assert scheduler["replicas"] == 1 and scheduler["strategy"]["type"] == "Recreate"
    job = _one(documents, "Job", "aduan-release")
    (release,) = job["spec"]["template"]["spec"]["containers"]
    assert release["command"] == ["aduan", "migrate"]
    assert _environment(documents, release) >= NEEDED
    (primary,) = [e for e in release["env"] if e["name"] == "DATABASE_URL"]
    assert primary["valueFrom"]["secretKeyRef"]["key"] == "DATABASE_PRIMARY_URL"
    secrets = _one(documents, "Secret", "aduan-secrets")["stringData"]
    assert "@pgbouncer:6432/" in secrets["DATABASE_URL"]
    assert "@postgres-primary:5432/" in secrets["DATABASE_PRIMARY_URL"]
    # the database: a primary and a streaming replica, PgBouncer in session mode, the broker
    for name in ("postgres-primary", "postgres-replica"):
        _one(documents, "StatefulSet", name)
        _one(documents, "Service", name)
    for name in ("pgbouncer", "redis", "aduan-web"):
        _one(documents, "Service", name)
    pooling = _one(documents, "ConfigMap", "pgbouncer-config")["data"]["pgbouncer.ini"]
    assert _pooling(pooling)["pool_mode"] == "session"
    assert _pooling(pooling)["server_reset_query"] == "DISCARD ALL"
    scripts = _one(documents, "ConfigMap", "postgres-scripts")["data"]
    assert "pg_basebackup" in scripts["replica-entrypoint.sh"]


def test_the_settings_read_what_the_topology_sets() -> None:
    settings = (ROOT / "platform" / "aduan" / "settings" / "base.py").read_text()
    for name in NEEDED:
        assert f'"{name}"' in settings, name
    assert Path(DEPLOY / "Dockerfile").read_text().count("collectstatic") == 1
