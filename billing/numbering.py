"""Gapless numbers per series and year: the counter row is locked FOR UPDATE inside the
issuing transaction, so a concurrent issue waits and a rolled-back one gives its number back."""

from __future__ import annotations

from django.db import connection

from billing.models import DocumentCounter


def next_number(series: str, year: int) -> str:
    """Call inside the issuing transaction."""
    table = DocumentCounter._meta.db_table
    with connection.cursor() as cursor:
        # The row may not exist yet: two first issues of a year must not both create it.
        cursor.execute(
            f"INSERT INTO {table} (series, year, last) VALUES (%s, %s, 0)"  # noqa: S608
            " ON CONFLICT (series, year) DO NOTHING",
            [series, year],
        )
        cursor.execute(
            f"UPDATE {table} SET last = last + 1 WHERE series = %s AND year = %s"  # noqa: S608
            " RETURNING last",
            [series, year],
        )
        row = cursor.fetchone()
    assert row is not None
    return f"{series}-{year}-{row[0]:06d}"
