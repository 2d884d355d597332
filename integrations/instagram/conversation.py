"""The Instagram door of the guided conversation (integrations.guided): Instagram gives no
phone number, so the conversation asks for one; photos and files come as CDN links; replies
(and the tracking code once filed) leave through the outbox to the citizen's chat.

After filing, the chat stays the complaint's: what the citizen writes next is their reply,
recorded on its timeline by the one reply action (as an e-mail reply is), wherever the
complaint is now held (it follows forwards), until they type `BARU` for a new complaint.
The complaint's notices come back here (integrations.notify.route)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from complaints.actions.replies import do_reply_to_complaint
from complaints.errors import ComplaintError
from complaints.forwarding import holder_of
from complaints.models import Channel, Complaint
from integrations import outbox
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.guided import CANCEL_WORD, GuidedConversation
from integrations.instagram import graph
from integrations.models import (
    ChannelName,
    InboundMessage,
    InstagramAccount,
    InstagramConversation,
    NotificationKind,
)

NEW_WORD = "BARU"  # after filing: start a new complaint instead of replying


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
        filed = str(conv.data.get("filed", "")) if conv.step == "start" else ""
        words = (NEW_WORD, CANCEL_WORD)
        result = self.reply_to(filed) if filed and self.text().upper() not in words else None
        if result is None:
            conv.data.pop("filed", None)
            result = self.step(conv, home)
        if "tracking_code" in result:
            conv.data = {"filed": result["tracking_code"]}
            self.reply(
                _("Pengaduan Anda telah diterima oleh %(tenant)s.") % {"tenant": home.name}
                + "\n"
                + _("Kode lacak: %(code)s") % {"code": result["tracking_code"]}
                + "\n"
                + _(
                    "Kabar pengaduan ini kami kirim ke percakapan ini. Balas di sini untuk "
                    "menambah keterangan; ketik %(new)s untuk pengaduan baru."
                )
                % {"new": NEW_WORD}
            )
        conv.save()
        self.inbound.tenant = home
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

    def reply_to(self, tracking_code: str) -> dict[str, Any] | None:
        """This message as the citizen's reply to the complaint the chat filed, or None when
        that complaint is no longer found (the chat then starts a new one)."""
        holder = holder_of(tracking_code) or self.home
        assert holder is not None
        with schema_context(holder.schema_name):
            complaint = Complaint.objects.filter(tracking_code=tracking_code).first()
            if complaint is None:
                return None
            media = self.media()
            files = [self.download(media, 1)] if media is not None else []
            try:
                do_reply_to_complaint(
                    complaint=complaint,
                    message=self.text(),
                    attachments=files,
                    source={"inbound_id": self.inbound.pk},
                )
            except ComplaintError as error:
                self.reply(error.message)
                return {"reply_to": tracking_code, "refused": str(error.code)}
        self.reply(
            _("Balasan Anda dicatat pada pengaduan nomor %(number)s. Ketik %(new)s untuk "
              "pengaduan baru.")
            % {"number": complaint.number, "new": NEW_WORD}
        )
        return {"reply_to": tracking_code}

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
