"""The register (buku pengaduan): numbers sequential per tenant per year, no gaps, no doubles.

The number is taken by one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on the year's
counter row, inside the transaction that inserts the complaint: concurrent intakes queue on
that row lock, and a rollback gives the number back, so the register has no gap.
"""

from __future__ import annotations

from django.db import connection, transaction

from complaints.models import RegisterCounter, SopVersion
from tenants.models import Tenant


def tenant_code(tenant: Tenant) -> str:
    return tenant.slug.upper()


def format_number(seq: int, code: str, year: int) -> str:
    return f"{seq:04d}/ADU/{code}/{year}"


def take_number(year: int) -> int:
    """The next number of `year`'s register; call inside the transaction that uses it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a register number must be taken inside the intake transaction")
    table = connection.ops.quote_name(RegisterCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 (table name is ours)
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def take_number_and_active_sop(year: int, purpose: str = "") -> tuple[int, int | None]:
    """`take_number`, and the id of the tenant's active SOP version (None before its first
    use) in the same round trip: a forward needs both, and pays per round trip."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a register number must be taken inside the intake transaction")
    table = connection.ops.quote_name(RegisterCounter._meta.db_table)
    versions = connection.ops.quote_name(SopVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH taken AS (INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last) "
            f"SELECT taken.last, (SELECT id FROM {versions} WHERE purpose = %s "
            "ORDER BY number DESC LIMIT 1) FROM taken",
            [year, purpose],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0]), row[1]
