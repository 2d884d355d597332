"""The WhatsApp door of the guided conversation (integrations.guided): the citizen's number is
their WhatsApp number, photos and documents come as Cloud API media, replies leave through the
outbox from the number the citizen wrote to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Channel
from integrations import outbox
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.guided import CANCEL_WORD as CANCEL_WORD  # re-exported
from integrations.guided import SEND_WORD as SEND_WORD  # re-exported
from integrations.guided import GuidedConversation
from integrations.guided import find_tenant as find_tenant  # re-exported
from integrations.models import (
    ChannelName,
    InboundMessage,
    NotificationKind,
    WhatsAppConversation,
    WhatsAppNumber,
)
from integrations.whatsapp import cloud

MEDIA_TYPES = ("image", "document")


def handle(message: InboundMessage) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        return Conversation(message).run()


def text_of(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return " ".join(str((message.get("text") or {}).get("body", "")).split())
    if kind in MEDIA_TYPES:
        return " ".join(str((message.get(kind) or {}).get("caption", "")).split())
    return ""


class Conversation(GuidedConversation):
    channel = Channel.WHATSAPP

    def __init__(self, inbound: InboundMessage) -> None:
        super().__init__(inbound)
        payload = inbound.payload
        self.message: dict[str, Any] = payload["message"]
        self.number_id = str(payload.get("phone_number_id", ""))
        self.wa_id = str(self.message.get("from", ""))

    def run(self) -> dict[str, Any]:
        number = (
            WhatsAppNumber.objects.select_related("tenant")
            .filter(phone_number_id=self.number_id)
            .first()
        )
        if number is None and self.number_id != settings.ADUAN_WHATSAPP_PHONE_NUMBER_ID:
            raise IntegrationError(
                IntegrationErrorCode.UNROUTABLE,
                _("Nomor WhatsApp %(id)s tidak terdaftar.") % {"id": self.number_id},
            )
        home = self.home = number.tenant if number else None
        WhatsAppConversation.objects.get_or_create(
            phone_number_id=self.number_id, wa_id=self.wa_id, defaults={"tenant": home}
        )
        conv = WhatsAppConversation.objects.select_for_update().get(
            phone_number_id=self.number_id, wa_id=self.wa_id
        )
        conv.last_inbound_at = timezone.now()
        if home is not None:
            conv.tenant = home
        result = self.step(conv, home)
        conv.save()
        self.inbound.tenant = conv.tenant
        for index, text in enumerate(self.replies):
            outbox.enqueue(
                key=f"wa-reply:{self.inbound.pk}:{index}",
                tenant=conv.tenant,
                channel=ChannelName.WHATSAPP,
                kind=NotificationKind.REPLY,
                recipient=self.wa_id,
                body=text,
                extra={"phone_number_id": self.number_id},
            )
        return {**result, "step": conv.step}

    def text(self) -> str:
        return text_of(self.message)

    def message_id(self) -> str:
        return str(self.message.get("id", ""))

    def media(self) -> dict[str, str] | None:
        kind = self.message.get("type")
        if kind not in MEDIA_TYPES:
            return None
        media = self.message.get(kind) or {}
        return {
            "id": str(media.get("id", "")),
            "mime_type": str(media.get("mime_type", "")),
            "filename": str(media.get("filename", "")),
        }

    def known_phone(self) -> str:
        # WhatsApp vouches for the number.
        return "+" + self.wa_id

    def raw_payload(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "channel": "whatsapp",
            "wa_id": self.wa_id,
            "phone_number_id": self.number_id,
            "profile_name": self.inbound.payload.get("profile_name", ""),
            "message_ids": data.get("message_ids", []),
            "media": data.get("media", []),
        }

    def download(self, item: dict[str, str], n: int) -> SimpleUploadedFile:
        content, mime_type = cloud.download_media(item["id"])
        name = item.get("filename") or f"whatsapp-{n}"
        declared = mime_type or item.get("mime_type", "")
        return SimpleUploadedFile(name, content, content_type=declared)
