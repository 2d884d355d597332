"""The register (buku pengaduan): numbers sequential per tenant per year, no gaps, no doubles.

The number is taken by one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` on the year's
counter row, inside the transaction that inserts the complaint: concurrent intakes queue on
that row lock, and a rollback gives the number back, so the register has no gap.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Taken:
    """A register number and the tenant's active SOP version: its id and the digest of its
    definition (None before the SOP's first use)."""

    seq: int
    sop_id: int | None
    sop_digest: str | None


def take_number_and_active_sop(year: int, purpose: str = "") -> Taken:
    """`take_number`, and the tenant's active SOP version (None before its first use) in the
    same round trip: intake and a forward need both, and pay per round trip. With the version
    comes the digest of its definition (PostgreSQL's md5 of the stored JSON, stored with the
    row: `SopVersion.digest`), so a process that has parsed the same definition for another
    tenant need not read this one's (complaints.selectors.sop_by_id)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a register number must be taken inside the intake transaction")
    table = connection.ops.quote_name(RegisterCounter._meta.db_table)
    versions = connection.ops.quote_name(SopVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH taken AS (INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last) "
            f"SELECT taken.last, (SELECT ARRAY[id::text, digest] FROM {versions}"
            " WHERE purpose = %s ORDER BY number DESC LIMIT 1) FROM taken",
            [year, purpose],
        )
        row = cursor.fetchone()
    assert row is not None
    active = row[1]
    if active is None:
        return Taken(int(row[0]), None, None)
    return Taken(int(row[0]), int(active[0]), str(active[1]))
