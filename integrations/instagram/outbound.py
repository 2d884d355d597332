"""Sending an outbox message to an Instagram chat, from the tenant's account."""

from __future__ import annotations

from aduan import crypto
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.instagram import graph
from integrations.models import InstagramAccount, OutboxMessage


def send_message(message: OutboxMessage) -> str:
    account_id = str(message.extra.get("account_id", ""))
    account = InstagramAccount.objects.filter(account_id=account_id).first()
    if account is None:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED, f"no Instagram account {account_id!r}"
        )
    token = crypto.decrypt(account.access_token_encrypted)
    return graph.send_text(account.account_id, token, message.recipient, message.body)
