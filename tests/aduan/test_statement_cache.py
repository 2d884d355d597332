"""psycopg keeps the parsed form of the request path's statements, a complaint's INSERT (59
parameters) included (`aduan.postgresql.base.STATEMENT_PARAMS_CACHED`)."""

from __future__ import annotations

import pytest
from django.db import connection
from psycopg import _queries as psycopg_queries

from aduan.postgresql.base import STATEMENT_PARAMS_CACHED
from complaints.models import Complaint


def test_the_complaint_insert_is_within_the_kept_statements() -> None:
    written = [f for f in Complaint._meta.concrete_fields if not f.primary_key]
    assert len(written) > 50  # psycopg's own bound: why ours is raised
    assert len(written) <= STATEMENT_PARAMS_CACHED
    assert psycopg_queries.MAX_CACHED_STATEMENT_PARAMS >= STATEMENT_PARAMS_CACHED


@pytest.mark.django_db
def test_a_statement_of_sixty_parameters_is_parsed_once() -> None:
    sql = "SELECT " + ", ".join(["%s::int"] * 60)
    parsed = psycopg_queries._query2pg_client.cache_info
    with connection.cursor() as cursor:
        cursor.execute(sql, list(range(60)))
        before = parsed()
        cursor.execute(sql, list(range(1, 61)))
        assert cursor.fetchone() == tuple(range(1, 61))
    after = parsed()
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)
