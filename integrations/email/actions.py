"""The tenant's IMAP mailbox settings (one write path)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from aduan import crypto
from integrations.models import EmailMailbox
from tenants.models import Tenant


def do_set_mailbox(
    *,
    tenant: Tenant,
    host: str,
    port: int,
    use_ssl: bool,
    username: str,
    password: str,
    folder: str = "INBOX",
    is_active: bool = True,
    actor: Any,
) -> EmailMailbox:
    """Create or change the tenant's mailbox. An empty `password` keeps the stored one."""
    with transaction.atomic():
        mailbox = EmailMailbox.objects.select_for_update().filter(tenant=tenant).first()
        if mailbox is None:
            mailbox = EmailMailbox(tenant=tenant)
        mailbox.host, mailbox.port, mailbox.use_ssl = host.strip(), port, use_ssl
        mailbox.username, mailbox.folder = username.strip(), folder.strip() or "INBOX"
        mailbox.is_active = is_active
        if password:
            mailbox.password_encrypted = crypto.encrypt(password)
        mailbox.save()
    return mailbox
