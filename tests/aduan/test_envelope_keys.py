"""A process reads every schema's wrapped keys in one query (issue 23: a web worker at 10,000
tenants would otherwise read one key row at its first intake of nearly every tenant)."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aduan import envelope
from complaints.actions.keys import do_rotate_tenant_key
from tests.factories import TenantFactory


def _key_reads(captured: CaptureQueriesContext) -> list[dict[str, Any]]:
    return [q for q in captured.captured_queries if "aduan_tenantkey" in q["sql"]]


def test_a_process_reads_all_wrapped_keys_once_and_a_later_or_rotated_one_alone(
    committed: None, tenant_factory: TenantFactory
) -> None:
    # Given three keyed tenants and a process that has opened none of their keys
    first, second, third = (tenant_factory() for _ in range(3))
    for tenant in (first, second, third):
        envelope.tenant_keys(tenant.schema_name)
    opened = {t.schema_name: envelope.tenant_keys(t.schema_name) for t in (first, second)}
    envelope.forget_cached_keys()
    # When it needs the first one's keys: one query reads every schema's
    with CaptureQueriesContext(connection) as reads:
        assert envelope.tenant_keys(first.schema_name) == opened[first.schema_name]
    assert len(_key_reads(reads)) == 1
    # Then the second one's open with no query at all
    with CaptureQueriesContext(connection) as reads:
        assert envelope.tenant_keys(second.schema_name) == opened[second.schema_name]
    assert _key_reads(reads) == []
    # A schema keyed after that read is read alone
    fourth = tenant_factory()
    with transaction.atomic():
        made = envelope.tenant_keys(fourth.schema_name)
    envelope.forget_cached_keys()
    envelope.tenant_keys(first.schema_name)  # the process reads them all again
    with CaptureQueriesContext(connection) as reads:
        assert envelope.tenant_keys(fourth.schema_name) == made
    assert _key_reads(reads) == []
    # A key rotated by another process since is read alone when data sealed with it comes
    rotated_before = envelope.tenant_keys(third.schema_name)
    assert envelope._wrapped is not None
    stale = envelope._wrapped[third.schema_name]
    do_rotate_tenant_key(tenant=third, actor=None)
    # (this process as another one sees it: its read of all keys predates the rotation)
    envelope._wrapped[third.schema_name] = stale
    envelope._cache.pop(third.schema_name, None)
    with CaptureQueriesContext(connection) as reads:
        newer = envelope.tenant_keys(third.schema_name, version=rotated_before.version + 1)
    assert len(_key_reads(reads)) == 1
    assert newer.version == rotated_before.version + 1 and newer.kek != rotated_before.kek


def test_keys_read_inside_a_transaction_that_rolls_back_are_not_kept(
    committed: None, tenant_factory: TenantFactory
) -> None:
    # Given a process that reads all wrapped keys first inside a transaction that rolls back
    tenant = tenant_factory()
    envelope.tenant_keys(tenant.schema_name)
    envelope.forget_cached_keys()
    try:
        with transaction.atomic():
            envelope.tenant_keys(tenant.schema_name)
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass
    # Then nothing read there was kept: the next use reads again
    with CaptureQueriesContext(connection) as reads:
        envelope.tenant_keys(tenant.schema_name)
    assert len(_key_reads(reads)) == 1


def test_a_transaction_reads_all_wrapped_keys_once_however_often_it_asks(
    committed: None, tenant_factory: TenantFactory
) -> None:
    # Given two keyed tenants and a process that has opened none of their keys (a new worker)
    first, second = tenant_factory(), tenant_factory()
    opened = {t.schema_name: envelope.tenant_keys(t.schema_name) for t in (first, second)}
    envelope.forget_cached_keys()
    # When its first transaction asks for keys again and again (as a worker's first intake
    # does: the tenant's, the platform's blind index, each sealed field)
    with CaptureQueriesContext(connection) as reads, transaction.atomic():
        for _ in range(3):
            for tenant in (first, second):
                assert envelope.tenant_keys(tenant.schema_name) == opened[tenant.schema_name]
        with transaction.atomic():  # a savepoint that is released keeps what was read in it
            assert envelope.tenant_keys(first.schema_name) == opened[first.schema_name]
    # Then every schema's rows were read once, and kept once it committed
    assert len(_key_reads(reads)) == 1
    with CaptureQueriesContext(connection) as reads, transaction.atomic():
        assert envelope.tenant_keys(second.schema_name) == opened[second.schema_name]
    assert _key_reads(reads) == []


def test_keys_read_inside_a_rolled_back_savepoint_are_read_again(
    committed: None, tenant_factory: TenantFactory
) -> None:
    # Given a new process whose first read of the keys is inside a savepoint that rolls back
    tenant = tenant_factory()
    envelope.tenant_keys(tenant.schema_name)
    envelope.forget_cached_keys()
    with CaptureQueriesContext(connection) as reads, transaction.atomic():
        try:
            with transaction.atomic():
                envelope.tenant_keys(tenant.schema_name)
                raise RuntimeError("the step failed")
        except RuntimeError:
            pass
        # Then the same transaction reads them again after the rollback, not what it undid
        envelope.tenant_keys(tenant.schema_name)
    assert len(_key_reads(reads)) == 2


def test_a_key_made_in_a_savepoint_that_rolls_back_is_never_kept(
    committed: None, tenant_factory: TenantFactory
) -> None:
    # Given a transaction that has already read the keys (a worker's first intake)
    tenant = tenant_factory()
    envelope.tenant_keys(tenant.schema_name)
    envelope.forget_cached_keys()
    with transaction.atomic():
        envelope.tenant_keys(tenant.schema_name)
        # When a step makes a schema's first key in a savepoint, then fails and is undone
        try:
            with transaction.atomic():
                undone = envelope.tenant_keys("t_keyless_step")
                raise RuntimeError("the step failed")
        except RuntimeError:
            pass
        # Then the transaction makes the key again rather than reuse the one undone
        made = envelope.tenant_keys("t_keyless_step")
    assert made != undone
    # and the process keeps the key that was stored (read back from the database), not the
    # one rolled back
    assert envelope.tenant_keys("t_keyless_step") == made
    envelope.forget_cached_keys()
    assert envelope.tenant_keys("t_keyless_step") == made
