"""The Instagram door of the guided conversation (integrations.guided): Instagram gives no
phone number, so the conversation asks for one; photos and files come as CDN links; replies
(and the tracking code once filed) leave through the outbox to the citizen's chat."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints.models import Channel
from integrations import outbox
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.guided import GuidedConversation
from integrations.instagram import graph
from integrations.models import (
    ChannelName,
    InboundMessage,
    InstagramAccount,
    InstagramConversation,
    NotificationKind,
)


def handle(message: InboundMessage) -> dict[str, Any]:
    with translation.override(settings.LANGUAGE_CODE):
        return InstagramChat(message).run()


class InstagramChat(GuidedConversation):
    channel = Channel.SOCIAL
    actor_label = "Instagram"
    asks_phone = True

    def __init__(self, inbound: InboundMessage) -> None:
        super().__init__(inbound)
        payload = inbound.payload
        self.message: dict[str, Any] = payload["message"]
        self.account_id = str(payload.get("account_id", ""))
        self.igsid = str(payload.get("sender", ""))

    def run(self) -> dict[str, Any]:
        account = (
            InstagramAccount.objects.select_related("tenant")
            .filter(account_id=self.account_id)
            .first()
        )
        if account is None:
            raise IntegrationError(
                IntegrationErrorCode.UNROUTABLE,
                _("Akun Instagram %(id)s tidak terdaftar.") % {"id": self.account_id},
            )
        home = self.home = account.tenant
        conv, _created = InstagramConversation.objects.get_or_create(
            account_id=self.account_id, igsid=self.igsid, defaults={"tenant": home}
        )
        conv = InstagramConversation.objects.select_for_update().get(pk=conv.pk)
        conv.last_inbound_at = timezone.now()
        conv.tenant = home
        result = self.step(conv, home)
        conv.save()
        self.inbound.tenant = home
        if "tracking_code" in result:
            self.reply(
                _("Pengaduan Anda telah diterima oleh %(tenant)s.") % {"tenant": home.name}
                + "\n"
                + _("Kode lacak: %(code)s") % {"code": result["tracking_code"]}
            )
        for index, text in enumerate(self.replies):
            outbox.enqueue(
                key=f"ig-reply:{self.inbound.pk}:{index}",
                tenant=home,
                channel=ChannelName.INSTAGRAM,
                kind=NotificationKind.REPLY,
                recipient=self.igsid,
                body=text,
                tracking_code=str(result.get("tracking_code", "")),
                extra={"account_id": self.account_id},
            )
        return {**result, "step": conv.step}

    def text(self) -> str:
        return " ".join(str(self.message.get("text", "")).split())

    def message_id(self) -> str:
        return str(self.message.get("mid", ""))

    def media(self) -> dict[str, str] | None:
        for item in self.message.get("attachments") or []:
            url = str((item.get("payload") or {}).get("url", ""))
            if url:
                return {"url": url, "type": str(item.get("type", ""))}
        return None

    def raw_payload(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "channel": "instagram",
            "igsid": self.igsid,
            "account_id": self.account_id,
            "message_ids": data.get("message_ids", []),
            "media": data.get("media", []),
        }

    def download(self, item: dict[str, str], n: int) -> SimpleUploadedFile:
        content, mime_type = graph.download(item["url"])
        return SimpleUploadedFile(f"instagram-{n}", content, content_type=mime_type)
