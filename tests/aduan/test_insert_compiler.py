"""A few rows are inserted as a VALUES list, many as Django's UNNEST of arrays
(aduan/postgresql/compiler.py): the front door's two timeline entries cost the client half as
much that way, and a large batch still spares the server planning a long list."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.postgresql.compiler import UNNEST_FROM_ROWS
from tenants.models import Region, RegionLevel


def _insert(prefix: str, count: int) -> str:
    rows = [
        Region(code=f"{prefix}.{n:02d}", name=f"Uji {n}", level=RegionLevel.REGENCY)
        for n in range(count)
    ]
    with CaptureQueriesContext(connection) as captured:
        Region.objects.bulk_create(rows)
    # (a SET search_path may come first: the connection may be in a tenant's schema still)
    (statement,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    return statement


def test_a_few_rows_go_as_values_and_many_as_unnest(db: None) -> None:
    # When two rows are inserted in one statement
    few = _insert("98", 2)
    # Then as a VALUES list of two rows
    assert "UNNEST" not in few and few.count("'98.0") == 2, few
    # When as many rows as the threshold are
    many = _insert("97", UNNEST_FROM_ROWS)
    # Then as Django's UNNEST of arrays
    assert "UNNEST" in many, many
    # and every row of both is stored as given
    stored = dict(Region.objects.filter(code__regex=r"^9[78]\.").values_list("code", "name"))
    assert stored == {
        **{f"98.{n:02d}": f"Uji {n}" for n in range(2)},
        **{f"97.{n:02d}": f"Uji {n}" for n in range(UNNEST_FROM_ROWS)},
    }
