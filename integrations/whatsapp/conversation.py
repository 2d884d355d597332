"""The guided WhatsApp conversation (Bahasa Indonesia): it collects the elements a complaint
needs (Permenpan-RB 24/2014: name, address, the object of complaint; the phone number is the
citizen's WhatsApp number), keeps photos and documents as attachments, and files through the
one intake action, whose receipt (with the tracking code) goes back through the outbox.

On the platform's shared number it first asks for the village or regency when it cannot
route. `BATAL` starts over. Each inbound message is processed once (the inbound store)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from complaints.actions.intake import do_file_complaint
from complaints.errors import ComplaintError
from complaints.models import Channel
from complaints.privacy import privacy_notice
from complaints.validation import phone_problem
from integrations import outbox
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import (
    ChannelName,
    InboundMessage,
    NotificationKind,
    WhatsAppConversation,
    WhatsAppNumber,
)
from integrations.whatsapp import cloud
from tenants.models import Tenant, TenantKind, TenantStatus

MEDIA_TYPES = ("image", "document")
SEND_WORD = "KIRIM"
CANCEL_WORD = "BATAL"
REGION_PREFIXES = re.compile(r"^(kabupaten|kab\.?|kota|desa|kelurahan|kel\.?)\s+", re.IGNORECASE)
# On a shared number, a regency's or village's own government is the front door.
FRONT_DOORS = (TenantKind.PEMKAB, TenantKind.PEMDES)


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


def find_tenant(answer: str) -> Tenant | None:
    """The one tenant the citizen's answer names (a region or a tenant name), else None."""
    name = REGION_PREFIXES.sub("", answer.strip()).strip()
    if len(name) < 3:
        return None
    found = list(
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .filter(status=TenantStatus.ACTIVE)
        .filter(
            # Regencies are named "KABUPATEN X" / "KOTA X" in the region data; villages not.
            Q(region__name__iexact=name)
            | Q(region__name__iexact=f"KABUPATEN {name}")
            | Q(region__name__iexact=f"KOTA {name}")
            | Q(name__iexact=answer.strip())
        )[:20]
    )
    doors = [t for t in found if t.kind in FRONT_DOORS] or found
    return doors[0] if len(doors) == 1 else None


class Conversation:
    def __init__(self, inbound: InboundMessage) -> None:
        self.inbound = inbound
        payload = inbound.payload
        self.message: dict[str, Any] = payload["message"]
        self.number_id = str(payload.get("phone_number_id", ""))
        self.wa_id = str(self.message.get("from", ""))
        self.replies: list[str] = []
        self.home: Tenant | None = None

    def reply(self, text: str) -> None:
        self.replies.append(text)

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

    def step(self, conv: WhatsAppConversation, home: Tenant | None) -> dict[str, Any]:
        text = text_of(self.message)
        data = conv.data
        data.setdefault("message_ids", []).append(self.message.get("id"))
        kind = self.message.get("type")
        if kind in MEDIA_TYPES:
            media = self.message.get(kind) or {}
            data.setdefault("media", []).append(
                {
                    "id": str(media.get("id", "")),
                    "mime_type": str(media.get("mime_type", "")),
                    "filename": str(media.get("filename", "")),
                }
            )
        if text.upper() == CANCEL_WORD:
            conv.step, conv.data, conv.tenant = "start", {}, home
            self.reply(_("Baik, pengaduan dibatalkan. Kirim pesan apa saja untuk memulai lagi."))
            return {}
        if conv.tenant is None:
            return self.route(conv, text)
        if conv.step in ("start", "region"):
            conv.step = "name"
            # The privacy notice comes with the first message (UU 27/2022).
            self.reply(
                _("Selamat datang di layanan pengaduan %(tenant)s.") % {"tenant": conv.tenant.name}
                + "\n"
                + privacy_notice(conv.tenant)
                + "\n"
                + _("Siapa nama lengkap Anda?")
            )
        elif conv.step == "name" and text:
            data["name"] = text[:200]
            conv.step = "address"
            self.reply(_("Terima kasih. Tuliskan alamat Anda (jalan, RT/RW, desa/kelurahan)."))
        elif conv.step == "address" and text:
            data["address"] = text
            conv.step = "complaint"
            self.reply(_("Tuliskan pengaduan Anda: apa yang terjadi, di mana dan kapan."))
        elif conv.step == "complaint" and text:
            data["description"] = text
            conv.step = "media"
            self.reply(
                _(
                    "Kirim foto atau dokumen pendukung bila ada, lalu ketik %(send)s. "
                    "Bila tidak ada, ketik %(send)s sekarang."
                )
                % {"send": SEND_WORD}
            )
        elif conv.step == "media" and text.upper() == SEND_WORD:
            return self.file(conv)
        elif conv.step == "media":
            if text:  # more words about the complaint: nothing a citizen sends is dropped
                data["description"] = f"{data.get('description', '')}\n{text}".strip()
            self.reply(_("Diterima. Ketik %(send)s bila sudah selesai.") % {"send": SEND_WORD})
        else:
            self.reply(self.question(conv.step))
        return {}

    def question(self, step: str) -> str:
        questions = {
            "name": _("Siapa nama lengkap Anda?"),
            "address": _("Tuliskan alamat Anda (jalan, RT/RW, desa/kelurahan)."),
            "complaint": _("Tuliskan pengaduan Anda: apa yang terjadi, di mana dan kapan."),
        }
        return questions.get(step, _("Kirim pesan apa saja untuk memulai."))

    def route(self, conv: WhatsAppConversation, text: str) -> dict[str, Any]:
        tenant = find_tenant(text) if conv.step == "region" and text else None
        if tenant is None:
            if conv.step == "region" and text:
                self.reply(
                    _(
                        'Kami belum menemukan instansi untuk "%(answer)s". Tuliskan nama '
                        "desa/kelurahan atau kabupaten/kota tempat pengaduan Anda, misalnya "
                        "Barito Utara."
                    )
                    % {"answer": text[:60]}
                )
            else:
                self.reply(
                    _(
                        "Selamat datang di layanan pengaduan masyarakat. Pengaduan Anda untuk "
                        "desa/kelurahan atau kabupaten/kota mana?"
                    )
                )
            conv.step = "region"
            return {}
        conv.tenant = tenant
        conv.step = "name"
        self.reply(
            _("Pengaduan Anda akan diterima oleh %(tenant)s. Siapa nama lengkap Anda?")
            % {"tenant": tenant.name}
        )
        return {}

    def file(self, conv: WhatsAppConversation) -> dict[str, Any]:
        tenant = conv.tenant
        assert tenant is not None
        data = conv.data
        files = [self.download(item, n) for n, item in enumerate(data.get("media", []), 1)]
        phone = "+" + self.wa_id
        description = str(data.get("description", ""))
        values: dict[str, Any] = {
            "tenant": tenant,
            "channel": Channel.WHATSAPP,
            "name": str(data.get("name", "")),
            "address": str(data.get("address", "")),
            # WhatsApp vouches for the number; one it gives that is not Indonesian is kept
            # in the raw payload and the element stays missing (intake's rule).
            "phone": phone if phone_problem(phone) is None else "",
            "subject": description.split("\n")[0][:100],
            "description": description,
            "raw_payload": {
                "channel": "whatsapp",
                "wa_id": self.wa_id,
                "phone_number_id": self.number_id,
                "profile_name": self.inbound.payload.get("profile_name", ""),
                "message_ids": data.get("message_ids", []),
                "media": data.get("media", []),
            },
        }
        with schema_context(tenant.schema_name):
            try:
                complaint = do_file_complaint(**values, attachments=files)
            except ComplaintError as error:
                if error.extra.get("field") != "attachments":
                    raise
                # A file intake refuses (a disguised program, too large) is left out; the
                # complaint itself is filed and the media ids stay in the raw payload.
                values["raw_payload"]["refused_media"] = error.message
                complaint = do_file_complaint(**values)
        conv.step, conv.data, conv.tenant = "start", {}, self.home
        return {"tracking_code": complaint.tracking_code}

    def download(self, item: dict[str, str], n: int) -> SimpleUploadedFile:
        content, mime_type = cloud.download_media(item["id"])
        name = item.get("filename") or f"whatsapp-{n}"
        declared = mime_type or item.get("mime_type", "")
        return SimpleUploadedFile(name, content, content_type=declared)
