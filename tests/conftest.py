"""Shared fixtures: a migrated template captured once per session, fast tenants from it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker

from aduan import envelope
from aduan.db import close_public_connections
from complaints.calendar import forget_calendars
from complaints.selectors import forget_parsed_sops
from routing.selectors import forget_catalogue
from tenants.regions import forget_regions
from tenants.selectors import forget_platform
from tests.client import TenantClient
from tests.factories import (
    PlatformData,
    TenantFactory,
    capture_platform_data,
    ensure_reference_data,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """pytest-django's, and then the public schema's connections that transactional tests
    opened (aduan.db.public_connection) are closed before the test database is dropped."""
    yield
    close_public_connections()


@pytest.fixture(scope="session")
def platform_data(django_db_setup: None, django_db_blocker: Any) -> PlatformData:
    with django_db_blocker.unblock():
        data = capture_platform_data()
        # Committed once: each test's rollback keeps it (only a transactional test's flush
        # empties it, and then `reference_data` puts it back).
        ensure_reference_data(data)
        return data


@pytest.fixture
def reference_data(platform_data: PlatformData, db: None) -> PlatformData:
    ensure_reference_data(platform_data)
    return platform_data


@pytest.fixture
def tenant_factory(reference_data: PlatformData) -> Iterator[TenantFactory]:
    factory = TenantFactory()
    yield factory
    factory.drop_all()


@pytest.fixture
def tenant_client() -> TenantClient:
    return TenantClient()


@pytest.fixture
def committed(transactional_db: None) -> None:
    """For tests whose data must be visible to other connections (workers, live server)."""


@pytest.fixture(autouse=True)
def _fresh_sop_cache() -> None:
    """Parsed SOPs are cached per process by (schema, version id); tests drop schemas and make
    them again under the same names, so each test starts with none (and with no calendars).
    A transactional test's flush empties the catalogue and the regions until they are loaded
    again, and the platform's row: no test starts with them kept either."""
    forget_parsed_sops()
    forget_calendars()
    forget_catalogue()
    forget_regions()
    forget_platform()


@pytest.fixture(autouse=True)
def _empty_stub_queues() -> None:
    """The test settings' stub broker lives for the whole process: a job an earlier test sent
    names a tenant schema that test has dropped since, and `run_jobs` would run it in the
    schema's absence (its queries then fall through to the public schema). Each test starts
    with empty queues."""
    broker = dramatiq.get_broker()
    if isinstance(broker, StubBroker):
        broker.flush_all()


@pytest.fixture(autouse=True)
def _fresh_key_cache() -> None:
    """Opened keys are cached per process; a transactional test's flush empties the key
    tables, so a later test would seal with keys no other process (a worker) can find."""
    envelope.forget_cached_keys()
