"""Registers each channel's inbound handler with the inbound store (imported on demand)."""

from __future__ import annotations

from integrations import inbound
from integrations.email import handler as email_handler
from integrations.instagram import conversation as instagram_conversation
from integrations.lapor import sync as lapor_sync
from integrations.models import ChannelName
from integrations.sms import handler as sms_handler
from integrations.whatsapp import conversation as whatsapp_conversation

inbound.register_handler(ChannelName.SMS, sms_handler.handle)
inbound.register_handler(ChannelName.WHATSAPP, whatsapp_conversation.handle)
inbound.register_handler(ChannelName.EMAIL, email_handler.handle)
inbound.register_handler(ChannelName.LAPOR, lapor_sync.handle)
inbound.register_handler(ChannelName.INSTAGRAM, instagram_conversation.handle)
