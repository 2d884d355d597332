"""IMAP polling of a tenant's mailbox (stdlib imaplib): every unseen message is kept in the
inbound store (keyed by its Message-ID, or the mailbox and UID when it has none), then marked
seen; processing is the inbound store's job, as for the webhook."""

from __future__ import annotations

import base64
import imaplib
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from aduan import crypto
from integrations import inbound
from integrations.email import mime
from integrations.models import ChannelName, EmailMailbox

logger = logging.getLogger("aduan.integrations")
TIMEOUT = 30.0
BATCH = 100


def connect(mailbox: EmailMailbox) -> imaplib.IMAP4:
    if mailbox.use_ssl:
        return imaplib.IMAP4_SSL(mailbox.host, mailbox.port, timeout=TIMEOUT)
    return imaplib.IMAP4(mailbox.host, mailbox.port, timeout=TIMEOUT)


def poll_mailbox(mailbox: EmailMailbox) -> int:
    """Fetch the mailbox's unseen messages into the inbound store; returns how many were new.
    A failure is recorded on the mailbox (shown to its admin) and tried again next time."""
    stored = 0
    try:
        client = connect(mailbox)
        try:
            client.login(mailbox.username, crypto.decrypt(mailbox.password_encrypted))
            client.select(mailbox.folder)
            _status, data = client.uid("search", None, "UNSEEN")  # type: ignore[arg-type]
            uids = (data[0] or b"").split()[:BATCH]
            for uid in uids:
                stored += fetch_one(client, mailbox, uid.decode())
        finally:
            try:
                client.logout()
            except (imaplib.IMAP4.error, OSError):
                logger.info("IMAP logout failed for mailbox %s", mailbox.pk)
    except (imaplib.IMAP4.error, OSError) as error:
        EmailMailbox.objects.filter(pk=mailbox.pk).update(
            last_error=f"{type(error).__name__}: {error}"[:1000], last_polled_at=timezone.now()
        )
        return stored
    EmailMailbox.objects.filter(pk=mailbox.pk).update(last_error="", last_polled_at=timezone.now())
    return stored


def fetch_one(client: imaplib.IMAP4, mailbox: EmailMailbox, uid: str) -> int:
    _status, data = client.uid("fetch", uid, "(BODY.PEEK[])")
    raw = next((part[1] for part in data if isinstance(part, tuple)), b"")
    key = mime.message_id_of(raw) or f"imap:{mailbox.pk}:{uid}"
    payload: dict[str, Any] = {
        "source": "imap",
        "mailbox_id": mailbox.pk,
        "uid": uid,
        "mime_b64": base64.b64encode(raw).decode(),
    }
    with transaction.atomic():
        _message, created = inbound.do_receive_message(
            channel=ChannelName.EMAIL, external_id=key, payload=payload, tenant=mailbox.tenant
        )
    # Marked seen only once it is safely stored: a crash in between fetches it again, and
    # the inbound store's (channel, Message-ID) key keeps it from being filed twice.
    client.uid("store", uid, "+FLAGS", "(\\Seen)")
    return int(created)
