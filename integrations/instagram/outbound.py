"""Sending an outbox message to an Instagram chat, from the tenant's account, within Meta's
windows: free text for 24 hours after the citizen's last message, then (up to 7 days) with the
HUMAN_AGENT tag, as a staff member's status update is; later, nothing goes by Instagram and
the complaint's notices take the other routes (integrations.notify)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from aduan import crypto
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.instagram import graph
from integrations.models import InstagramAccount, InstagramConversation, OutboxMessage

if TYPE_CHECKING:
    from complaints.models import Complaint

STANDARD_WINDOW = timedelta(hours=24)
HUMAN_AGENT_WINDOW = timedelta(days=7)


def window_tag(conversation: InstagramConversation | None) -> str | None:
    """"" inside the standard window, HUMAN_AGENT inside the 7 days, None when closed."""
    last = conversation.last_inbound_at if conversation else None
    if last is None:
        return None
    age = timezone.now() - last
    if age < STANDARD_WINDOW:
        return ""
    if age < HUMAN_AGENT_WINDOW:
        return graph.HUMAN_AGENT
    return None


def chat_of(complaint: Complaint) -> tuple[str, str] | None:
    """(IGSID, account id) of the chat a complaint filed by Instagram came from, while Meta
    still lets a message reach it; else None."""
    payload = complaint.raw_payload or {}
    if payload.get("channel") != "instagram":
        return None
    igsid, account_id = str(payload.get("igsid", "")), str(payload.get("account_id", ""))
    conversation = InstagramConversation.objects.filter(
        account_id=account_id, igsid=igsid
    ).first()
    if not igsid or window_tag(conversation) is None:
        return None
    return igsid, account_id


def send_message(message: OutboxMessage) -> str:
    account_id = str(message.extra.get("account_id", ""))
    account = InstagramAccount.objects.filter(account_id=account_id).first()
    if account is None:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED, f"no Instagram account {account_id!r}"
        )
    conversation = InstagramConversation.objects.filter(
        account_id=account_id, igsid=message.recipient
    ).first()
    tag = window_tag(conversation)
    if tag is None:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED,
            "outside Meta's 7-day human agent window: the chat cannot be written to",
        )
    token = crypto.decrypt(account.access_token_encrypted)
    return graph.send_text(account.account_id, token, message.recipient, message.body, tag=tag)
