"""Metering (pemakaian): events stored once by key, folded into monthly counters by a job in
batches; no request path pays a query for it. Sources: the WhatsApp/SMS messages sent (read
through integrations.notify's query), the active staff seats (memberships) and the bytes of
complaint files stored and freed (the public ledger complaints.public.StoredFileEvent)."""

from __future__ import annotations

import logging
from datetime import date as date_type
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from billing import periods
from billing.actions.entitlements import refresh_entitlements
from billing.models import GAUGES, Coverage, UsageCounter, UsageEvent, UsageKind, Watermark
from complaints.public.models import StoredFileEvent
from integrations.notify import metered_messages_sql
from tenants.models import Membership, Role, Tenant

logger = logging.getLogger("aduan.billing")

BATCH = 5000
# A message unsent this long (failed for good) no longer holds the outbox watermark back.
STALE = timedelta(days=7)
# Ledger rows get their ids at insert but become visible at commit, so a lower id can appear
# after a higher one: the storage watermark stays behind the last SETTLE of rows, which are
# read again each run (their keys make the replay count nothing).
SETTLE = timedelta(minutes=10)


def record_usage(
    *, key: str, tenant_id: int, kind: str, quantity: int, at: datetime | None = None
) -> bool:
    """Store one usage event once; returns False for a replay (its key already stored)."""
    table = UsageEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, tenant_id, kind, quantity, occurred_at, counted)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s, false) ON CONFLICT (key) DO NOTHING",
            [key, tenant_id, kind, quantity, at or timezone.now()],
        )
        return bool(cursor.rowcount == 1)


def collect_sent_messages() -> int:
    """Usage events for the WhatsApp/SMS messages sent since the last run."""
    mark, _created = Watermark.objects.get_or_create(name="outbox")
    query, params = metered_messages_sql(since_id=mark.last)
    with connection.cursor() as cursor:
        cursor.execute(query, params)  # type: ignore[arg-type]  # psycopg params
        rows = cursor.fetchall()
    recorded = 0
    stale_before = timezone.now() - STALE
    watermark = mark.last
    held = False
    for message_id, tenant_id, created_at, sent_at in rows:
        if sent_at is not None:
            recorded += record_usage(
                key=f"outbox:{message_id}", tenant_id=tenant_id,
                kind=UsageKind.OUTBOUND_MESSAGES, quantity=1, at=sent_at,
            )  # fmt: skip
        elif created_at > stale_before:
            held = True  # still on its way: read it again next time
        if not held:
            watermark = message_id
    Watermark.objects.filter(name="outbox").update(last=watermark)
    return recorded


def collect_stored_files(now: datetime | None = None) -> int:
    """Usage events for the complaint files stored (+bytes) and freed (-bytes), from the
    public ledger in id order: one statement per batch of BATCH rows (read, stored once by
    key, the watermark's edge computed in the database), never one per tenant or per row."""
    now = now or timezone.now()
    mark, _created = Watermark.objects.get_or_create(name="stored_files")
    ledger, events = StoredFileEvent._meta.db_table, UsageEvent._meta.db_table
    since, watermark, recorded, settled = mark.last, mark.last, 0, True
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH batch AS (
                    SELECT id, tenant_id, size, created_at FROM {ledger}
                    WHERE id > %s ORDER BY id LIMIT %s
                ), stored AS (
                    INSERT INTO {events} (key, tenant_id, kind, quantity, occurred_at, counted)
                    SELECT 'file:' || id, tenant_id, %s, size, created_at, false FROM batch
                    ON CONFLICT (key) DO NOTHING RETURNING 1
                ), edge AS (
                    SELECT min(id) AS unsettled FROM batch WHERE created_at >= %s
                )
                SELECT (SELECT count(*) FROM stored), (SELECT count(*) FROM batch),
                       (SELECT max(id) FROM batch),
                       (SELECT max(id) FROM batch, edge
                        WHERE edge.unsettled IS NULL OR batch.id < edge.unsettled),
                       (SELECT unsettled FROM edge)
                """,  # noqa: S608
                [since, BATCH, str(UsageKind.STORAGE_BYTES), now - SETTLE],
            )
            row = cursor.fetchone()
        assert row is not None
        stored, read, last, settled_up_to, unsettled = row
        recorded += stored
        if settled and settled_up_to is not None:
            watermark = settled_up_to
        settled = settled and unsettled is None
        if read < BATCH:
            break
        since = last
    Watermark.objects.filter(name="stored_files").update(last=watermark)
    return int(recorded)


def collect_seats(now: datetime | None = None) -> int:
    """One gauge reading a day per covered tenant: its staff with a role (one query)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    covered = Coverage.objects.filter(starts_on__lte=day).values("tenant_id")
    counts = (
        Membership.objects.filter(tenant_id__in=covered, user__is_active=True)
        .exclude(role=Role.PLATFORM_OPERATOR)
        .values("tenant_id")
        .annotate(n=Count("user_id", distinct=True))
    )
    return sum(
        record_usage(
            key=f"seats:{row['tenant_id']}:{day.isoformat()}",
            tenant_id=row["tenant_id"],
            kind=UsageKind.SEATS,
            quantity=row["n"],
            at=now,
        )
        for row in counts
    )


def fold_events() -> set[int]:
    """Fold a batch of uncounted events into the counters; returns the tenants touched."""
    events, counters = UsageEvent._meta.db_table, UsageCounter._meta.db_table
    gauges = [str(kind) for kind in GAUGES]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH batch AS (
                UPDATE {events} SET counted = true WHERE id IN (
                    SELECT id FROM {events} WHERE NOT counted AND kind <> %s ORDER BY id
                    LIMIT %s FOR UPDATE SKIP LOCKED)
                RETURNING tenant_id, kind, quantity,
                    date_trunc('month', occurred_at AT TIME ZONE %s)::date AS period
            )
            INSERT INTO {counters} AS c (tenant_id, period, kind, quantity)
            SELECT tenant_id, period, kind,
                   CASE WHEN kind = ANY(%s) THEN max(quantity) ELSE sum(quantity) END
            FROM batch GROUP BY tenant_id, period, kind
            ON CONFLICT (tenant_id, period, kind) DO UPDATE SET quantity =
                CASE WHEN c.kind = ANY(%s) THEN GREATEST(c.quantity, EXCLUDED.quantity)
                     ELSE c.quantity + EXCLUDED.quantity END
            RETURNING tenant_id
            """,  # noqa: S608
            [str(UsageKind.STORAGE_BYTES), BATCH, settings.TIME_ZONE, gauges, gauges],
        )
        return {row[0] for row in cursor.fetchall()}


def fold_storage_events() -> set[int]:
    """Fold a batch of storage deltas: a tenant's counter of a month is its bytes stored at
    the end of that month, so a delta adds to its month's counter (started from the latest
    earlier month's total) and to every later month's already written."""
    events, counters = UsageEvent._meta.db_table, UsageCounter._meta.db_table
    kind = str(UsageKind.STORAGE_BYTES)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH batch AS (
                UPDATE {events} SET counted = true WHERE id IN (
                    SELECT id FROM {events} WHERE NOT counted AND kind = %s ORDER BY id
                    LIMIT %s FOR UPDATE SKIP LOCKED)
                RETURNING tenant_id, quantity,
                    date_trunc('month', occurred_at AT TIME ZONE %s)::date AS period
            )
            SELECT tenant_id, period, sum(quantity)::bigint FROM batch
            GROUP BY tenant_id, period ORDER BY tenant_id, period
            """,  # noqa: S608
            [kind, BATCH, settings.TIME_ZONE],
        )
        deltas = cursor.fetchall()
        if not deltas:
            return set()
        # Later months first, then the month itself (which carries from the months before):
        # applied in this order, several months of one tenant in a batch add up once each.
        cursor.executemany(
            f"UPDATE {counters} SET quantity = quantity + %(delta)s"  # noqa: S608
            " WHERE tenant_id = %(tenant)s AND kind = %(kind)s AND period > %(period)s",
            [{"tenant": t, "period": p, "kind": kind, "delta": d} for t, p, d in deltas],
        )
        cursor.executemany(
            f"""
            INSERT INTO {counters} AS c (tenant_id, period, kind, quantity)
            SELECT %(tenant)s, %(period)s, %(kind)s, coalesce((
                SELECT quantity FROM {counters} WHERE tenant_id = %(tenant)s AND kind = %(kind)s
                AND period < %(period)s ORDER BY period DESC LIMIT 1), 0) + %(delta)s
            ON CONFLICT (tenant_id, period, kind) DO UPDATE SET quantity = c.quantity + %(delta)s
            """,  # noqa: S608
            [{"tenant": t, "period": p, "kind": kind, "delta": d} for t, p, d in deltas],
        )
        return {row[0] for row in deltas}


def warn_admins(tenant: Tenant) -> None:
    """Tell the tenant's admins that its outbound quota is used up (citizens now hear by
    e-mail or the tracking page)."""
    recipients = sorted(
        set(
            Membership.objects.filter(tenant=tenant, role=Role.TENANT_ADMIN)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return
    with override(settings.LANGUAGE_CODE):
        subject = _("Kuota pesan WhatsApp/SMS %(tenant)s habis") % {"tenant": tenant.name}
        body = _(
            "Kuota pesan WhatsApp/SMS bulan ini untuk %(tenant)s sudah habis. Pengaduan tetap "
            "diterima, diteruskan dan dijawab; kabar kepada warga dikirim lewat surel bila ada "
            "alamatnya, atau dapat dilihat di halaman lacak. Tambah kuota dengan mengganti paket."
        ) % {"tenant": tenant.name}
    try:
        send_mail(subject, body, None, recipients)
    except OSError:
        logger.warning("billing: quota warning for %s not sent", tenant.slug)


def do_meter_usage() -> int:
    """The metering job's work: collect, fold in batches, refresh the entitlements of the
    tenants whose counters moved, warn the admins of those that ran out. Returns how many
    tenants were touched."""
    collect_sent_messages()
    collect_seats()
    collect_stored_files()
    touched: set[int] = set()
    while batch := fold_events():
        touched |= batch
    while batch := fold_storage_events():
        touched |= batch
    with transaction.atomic():
        ran_out = refresh_entitlements(touched)
    for tenant in ran_out:
        warn_admins(tenant)
    return len(touched)


def do_start_period(day: date_type | None = None) -> int:
    """On a new month, counters start from zero: entitlements are written afresh for every
    covered tenant (the `exhausted` list empties). A job on the 1st; batched by id."""
    day = day or periods.today()
    ids = list(Coverage.objects.filter(starts_on__lte=day).values_list("tenant_id", flat=True))
    refresh_entitlements(ids, day=day)
    return len(ids)
