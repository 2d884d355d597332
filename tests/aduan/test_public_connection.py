"""Statements of the public schema's tables outside a transaction (the request's tenant, the
front door's village and authorities, the rate counters) run on a connection of their own
(`aduan.db.public_connection`): its search_path never leaves the public schema, so the
statements psycopg prepares keep their plans; on the default connection, whose search_path
moves to each request's tenant, PostgreSQL drops a kept plan at every change (issue 23).
Inside a transaction they stay on the default connection, seeing what it wrote."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection, transaction

from aduan.db import close_obsolete_public_connection, close_public_connections, public_connection
from aduan.ratelimit import Scope, hit
from tests.client import TenantClient
from tests.factories import TenantFactory

FILED = {
    "name": "Budi Santoso",
    "address": "Dusun Krajan RT 01 RW 02",
    "phone": "0813 2222 3333",
    "subject": "Jalan desa berlubang",
    "description": "Jalan di depan balai desa berlubang besar sejak musim hujan.",
}


def _one(wrapper: Any, sql: str) -> Any:
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    assert row is not None
    return row[0]


def test_public_statements_of_a_request_keep_their_plans_on_a_connection_of_their_own(
    committed: None, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given two villages
    villages = [tenant_factory(slug="umum-satu"), tenant_factory(slug="umum-dua")]
    public = public_connection()
    assert public is not connection
    # When citizens file at each in turn, six times (psycopg prepares what repeats five times)
    for village in villages * 3:
        response = tenant_client.post(
            "/api/v1/complaints/", json.dumps(FILED), content_type="application/json",
            tenant=village,
        )  # fmt: skip
        assert response.status_code == 201, response.content
    # Then the filings ran in the villages' schemas on the default connection
    assert _one(connection, "SELECT current_schema()") == villages[1].schema_name
    # while the tenant reads and the rate counters ran on the public connection, another
    # backend, which never left the public schema
    assert _one(public, "SELECT pg_backend_pid()") != _one(connection, "SELECT pg_backend_pid()")
    assert _one(public, "SHOW search_path") == "public"
    # and kept both statements prepared there, each with one generic plan (PostgreSQL left to
    # choose planned some anew on every run)
    assert _one(public, "SHOW plan_cache_mode") == "force_generic_plan"
    with public.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        plans = [(str(sql), generic, custom) for sql, generic, custom in cursor.fetchall()]
    assert plans and all(generic > 0 and custom == 0 for _sql, generic, custom in plans), plans
    prepared = [sql for sql, _generic, _custom in plans]
    assert any("FROM tenants_tenant AS t" in sql for sql in prepared), prepared
    assert any("public.aduan_ratecounter" in sql for sql in prepared), prepared
    # and nothing of a tenant's schema was ever prepared on it
    assert not [sql for sql in prepared if "complaints_" in sql], prepared


def _hits(key: str) -> Any:
    with public_connection().cursor() as cursor:
        cursor.execute("SELECT hits FROM public.aduan_ratecounter WHERE key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


def test_inside_a_transaction_public_statements_stay_on_its_connection(committed: None) -> None:
    # Given no transaction open: the public connection
    assert public_connection() is not connection
    # When a rate counter is bumped inside a transaction that is then rolled back
    try:
        with transaction.atomic():
            # Then the public schema's statements run in that transaction, seeing its writes
            assert public_connection() is connection
            assert hit(Scope.LOOKUP, "umum-dalam").hits == 1
            assert _hits("umum-dalam") == 1
            raise RuntimeError("undone")
    except RuntimeError:
        pass
    # and are undone with it
    assert _hits("umum-dalam") is None
    # while outside one, a bump is kept at once
    assert hit(Scope.LOOKUP, "umum-luar").hits == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT hits FROM public.aduan_ratecounter WHERE key = 'umum-luar'")
        assert cursor.fetchone() == (1,)


def test_the_public_connection_is_closed_past_its_age_and_before_a_database_is_dropped(
    committed: None, settings: Any
) -> None:
    public = public_connection()
    public.ensure_connection()
    # A connection past CONN_MAX_AGE is closed where a request ends
    public.close_at = 0.0
    close_obsolete_public_connection()
    assert public.connection is None
    # Used again it opens a new one; closing every thread's closes it (before a test database
    # is dropped)
    assert _one(public_connection(), "SELECT 1") == 1
    close_public_connections()
    assert public.connection is None
