"""Channel jobs: process an inbound message, deliver a notification, and the sweeper that
re-sends what is due (retries after backoff, jobs lost while the broker was down). One
sweeper for the whole fleet: the tables are in the public schema, keyed by tenant."""

from __future__ import annotations

import dramatiq
from dramatiq_crontab import interval

from integrations import inbound, outbox
from integrations.email.imap import poll_mailbox as poll
from integrations.lapor.referrals import do_send_referral, send_due
from integrations.lapor.sync import do_schedule_sync
from integrations.models import EmailMailbox, LaporConnection
from integrations.staff import deliver_staff_notifications

# Retries are the tables' business (backoff kept in the row), not the broker's: a job that
# raised would otherwise be retried by dramatiq and by the sweeper.


@dramatiq.actor(max_retries=0)
def process_inbound(message_id: int) -> None:
    inbound.process_message(message_id)


@dramatiq.actor(max_retries=0)
def deliver_outbox(message_id: int) -> None:
    outbox.deliver(message_id)


@interval(seconds=30)  # type: ignore[untyped-decorator]  # dramatiq-crontab ships no types
@dramatiq.actor(max_retries=0)
def sweep_channels() -> None:

    inbound.sweep_due()
    outbox.sweep_due()
    deliver_staff_notifications()


@interval(seconds=60)  # type: ignore[untyped-decorator]
@dramatiq.actor(max_retries=0)
def poll_mailboxes() -> None:
    """One job per active IMAP mailbox (mailboxes are rows of one public table)."""

    for pk in EmailMailbox.objects.filter(is_active=True).values_list("pk", flat=True):
        poll_mailbox.send(pk)


@dramatiq.actor(max_retries=0, time_limit=300_000)
def poll_mailbox(mailbox_id: int) -> None:

    mailbox = EmailMailbox.objects.select_related("tenant").filter(pk=mailbox_id).first()
    if mailbox is not None and mailbox.is_active:
        poll(mailbox)


@interval(seconds=300)  # type: ignore[untyped-decorator]
@dramatiq.actor(max_retries=0)
def sync_lapor() -> None:
    """Arm the SP4N-LAPOR! import of every connected tenant: only the tenants with a row in
    the public LaporConnection table, never a loop over all tenants. Each import runs as an
    inbound message (integrations.lapor.sync)."""

    for connection in LaporConnection.objects.filter(is_active=True).select_related("tenant"):
        do_schedule_sync(connection=connection)


@interval(seconds=300)  # type: ignore[untyped-decorator]
@dramatiq.actor(max_retries=0, time_limit=300_000)
def send_lapor_referrals() -> None:
    """Send to SP4N-LAPOR! the complaints whose authority is not on Aduan."""

    send_due()


@dramatiq.actor(max_retries=0, time_limit=300_000)
def send_lapor_referral(referral_id: int) -> None:
    """Send one referral now (a Retry on the failed-messages page)."""

    do_send_referral(referral_id)
