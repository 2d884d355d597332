"""What a complaint's move (complaints.forwarding) does to this app's tables, as SQL fragments
the move composes into its own statement: one round trip for every owner's rows."""

from __future__ import annotations

from django_tenants.utils import get_public_schema_name
from psycopg import sql

from complaints.public.models import Deadline, WbsReceipt


def deadlines_follow_sql(
    *, origin_id: int, complaint_id: int, target_id: int, arrived_id: int, keep: bool
) -> sql.Composed:
    """One statement for the complaint's deadline index rows: re-keyed to the receiver (its
    tenant, the complaint's new id there) when its clock runs on (`keep`), else deleted: a
    complaint that started over at the receiver has its own new deadline already. Values are
    literals (no placeholders); the table is schema-qualified."""
    table = sql.Identifier(get_public_schema_name(), Deadline._meta.db_table)
    where = sql.SQL("WHERE tenant_id = {} AND complaint_id = {}").format(
        sql.Literal(origin_id), sql.Literal(complaint_id)
    )
    if not keep:
        return sql.SQL("DELETE FROM {} {}").format(table, where)
    return sql.SQL("UPDATE {} SET tenant_id = {}, complaint_id = {} {}").format(
        table, sql.Literal(target_id), sql.Literal(arrived_id), where
    )


def receipts_follow_sql(
    *, origin_id: int, complaint_id: int, target_id: int, arrived_id: int
) -> sql.Composed:
    """One statement for a WBS report's receipt key: re-keyed to the receiver, so the
    reporter's key finds the report where it is now (a no-op for any other complaint)."""
    table = sql.Identifier(get_public_schema_name(), WbsReceipt._meta.db_table)
    return sql.SQL(
        "UPDATE {} SET tenant_id = {}, complaint_id = {} WHERE tenant_id = {} AND complaint_id = {}"
    ).format(
        table,
        sql.Literal(target_id),
        sql.Literal(arrived_id),
        sql.Literal(origin_id),
        sql.Literal(complaint_id),
    )
