"""Sending an outbox notification by WhatsApp: free text inside the 24-hour customer-service
window, an approved template (the registry, integrations.models.WhatsAppTemplate) outside it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import (
    OutboxMessage,
    WhatsAppConversation,
    WhatsAppNumber,
    WhatsAppTemplate,
)
from integrations.whatsapp import cloud
from tenants.models import Tenant

SERVICE_WINDOW = timedelta(hours=24)


def template_for(tenant: Tenant | None, kind: str) -> WhatsAppTemplate | None:
    """The tenant's own template for this kind, else the platform's."""
    found = WhatsAppTemplate.objects.filter(Q(tenant=tenant) | Q(tenant__isnull=True), kind=kind)
    return sorted(found, key=lambda t: t.tenant_id is None)[0] if found else None


def sending_number(message: OutboxMessage, conversation: WhatsAppConversation | None) -> str:
    given = str(message.extra.get("phone_number_id", ""))
    if given:
        return given
    if conversation is not None:
        return conversation.phone_number_id
    own = WhatsAppNumber.objects.filter(tenant=message.tenant).first() if message.tenant else None
    number: str = own.phone_number_id if own else settings.ADUAN_WHATSAPP_PHONE_NUMBER_ID
    if not number:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED, "no WhatsApp number to send from"
        )
    return number


def send_message(message: OutboxMessage) -> str:
    to = message.recipient.lstrip("+")
    conversations = WhatsAppConversation.objects.filter(wa_id=to)
    if message.extra.get("phone_number_id"):
        conversations = conversations.filter(phone_number_id=message.extra["phone_number_id"])
    elif message.tenant is not None:
        conversations = conversations.filter(tenant=message.tenant)
    conversation = conversations.order_by("-last_inbound_at").first()
    number = sending_number(message, conversation)
    last = conversation.last_inbound_at if conversation else None
    if last is not None and timezone.now() - last < SERVICE_WINDOW:
        return cloud.send_text(number, to, message.body, reference=message.key)
    template = template_for(message.tenant, message.kind)
    if template is None:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED,
            f"outside the 24-hour window and no approved template for {message.kind!r}",
        )
    parameters = [message.tracking_code or "-", str(message.extra.get("note", "")) or "-"]
    return cloud.send_template(
        number, to, template.name, template.language, parameters, reference=message.key
    )
