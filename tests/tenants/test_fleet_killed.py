"""A fleet migration killed half-way (SIGKILL of the `aduan migrate` process) leaves every
tenant at the old state or the new one, never in between, and a rerun finishes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tenants.models import SchemaMigrationPlan, Tenant
from tests.aduan.test_cli import ROOT
from tests.factories import TenantFactory
from tests.services import wait_for
from tests.tenants.test_fleet import _columns, _state

TARGET = "killed-probe-state"
MIGRATE = (
    "import django, sys; django.setup();"
    "from tenants import provisioning;"
    f"provisioning.migrate_outdated_tenants(to_state={TARGET!r}, workers=1)"
)


def _migrate() -> subprocess.Popen[bytes]:
    """The fleet step of `aduan migrate`, as its own process on the test database."""
    database = urlsplit(os.environ["DATABASE_URL"])._replace(
        path="/" + str(connection.settings_dict["NAME"])
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aduan.settings.test",
        "DATABASE_URL": database.geturl(),
    }
    return subprocess.Popen(
        [sys.executable, "-c", MIGRATE], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _where(tenants: list[Tenant]) -> dict[str, tuple[str, bool, bool]]:
    found = {}
    for tenant in tenants:
        columns = _columns(tenant.schema_name)
        found[tenant.schema_name] = (_state(tenant), "probe_one" in columns, "probe_two" in columns)
    return found


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_fleet_migration_killed_half_way_resumes_and_leaves_no_tenant_half_migrated(
    committed: None, tenant_factory: TenantFactory
) -> None:
    # Given ten tenants and a step of two columns with a slow statement between them
    tenants = [tenant_factory() for _ in range(10)]
    old_state = _state(tenants[0])
    SchemaMigrationPlan.objects.create(
        from_state=old_state,
        to_state=TARGET,
        statements=[
            'ALTER TABLE "complaints_complaint" ADD COLUMN "probe_one" integer',
            "SELECT pg_sleep(0.3)",
            'ALTER TABLE "complaints_complaint" ADD COLUMN "probe_two" integer',
        ],
    )
    # When the migration process is killed after a few tenants
    first = _migrate()
    try:
        wait_for(
            lambda: True if Tenant.objects.filter(schema_state=TARGET).count() >= 3 else None,
            timeout=120,
        )
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=20)
    # Then each tenant is wholly at one state: new with both columns, or old with neither
    killed = _where(tenants)
    assert set(killed.values()) == {(TARGET, True, True), (old_state, False, False)}, killed
    # When it is run again
    second = _migrate()
    assert second.wait(timeout=120) == 0
    # Then every tenant is migrated, each once
    assert set(_where(tenants).values()) == {(TARGET, True, True)}
