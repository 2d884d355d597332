"""The guided conversation of the chat doors (WhatsApp, Instagram), in Bahasa Indonesia: it
collects the elements a complaint needs (Permenpan-RB 24/2014: name, address, a phone number
when the chat does not give one, the object of complaint), the category's own questions when
the citizen names a category that asks some (routing.models.Category.questions, required ones
enforced), keeps photos and documents as attachments, and files through the one intake action.

On a shared door it first asks for the village or regency when it cannot route. `BATAL` starts
over. Each door subclasses `GuidedConversation` for what its protocol gives (the text, the
media, the sender's phone) and how replies leave (the outbox)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Protocol

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context

from complaints.actions.intake import do_file_complaint
from complaints.errors import ComplaintError
from complaints.models import Channel
from complaints.privacy import privacy_notice
from complaints.validation import phone_problem
from integrations.models import InboundMessage
from routing.models import Category
from routing.selectors import Question, questions_of
from tenants.models import Tenant, TenantKind, TenantStatus

SEND_WORD = "KIRIM"
CANCEL_WORD = "BATAL"
SKIP_WORD = "-"
REGION_PREFIXES = re.compile(r"^(kabupaten|kab\.?|kota|desa|kelurahan|kel\.?)\s+", re.IGNORECASE)
# On a shared door, a regency's or village's own government is the front door.
FRONT_DOORS = (TenantKind.PEMKAB, TenantKind.PEMDES)


class ChatState(Protocol):
    """Where one citizen's conversation stands (a row of the door's conversation table)."""

    step: str
    data: dict[str, Any]
    tenant: Tenant | None


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


def asking_categories() -> list[tuple[str, str, list[Question]]]:
    """(key, name, questions) of the catalogue's categories that ask questions, in a stable
    order: the numbers a citizen answers with."""
    rows = Category.objects.exclude(questions=[]).order_by("topic", "name")
    return [(c.key, c.name, questions_of(c.questions)) for c in rows]


class GuidedConversation(ABC):
    """One inbound message's turn in the conversation. A subclass gives the door's parts."""

    channel: str = Channel.WHATSAPP  # the complaint's channel
    actor_label = ""  # the door's name on the timeline ("": the channel's)
    asks_phone = False  # the door does not know the citizen's number

    def __init__(self, inbound: InboundMessage) -> None:
        self.inbound = inbound
        self.replies: list[str] = []
        self.home: Tenant | None = None

    # -- what the door gives ------------------------------------------------------------------

    @abstractmethod
    def text(self) -> str:
        ...

    @abstractmethod
    def media(self) -> dict[str, str] | None:
        """The attachment this message carries, as kept until filing, or None."""
        ...

    @abstractmethod
    def message_id(self) -> str:
        ...

    def known_phone(self) -> str:
        """The citizen's number as the door vouches for it ("" when it gives none)."""
        return ""

    @abstractmethod
    def raw_payload(self, data: dict[str, Any]) -> dict[str, Any]:
        ...

    @abstractmethod
    def download(self, item: dict[str, str], n: int) -> SimpleUploadedFile:
        ...

    # -- the conversation ---------------------------------------------------------------------

    def reply(self, text: str) -> None:
        self.replies.append(text)

    def step(self, conv: ChatState, home: Tenant | None) -> dict[str, Any]:
        text = self.text()
        data = conv.data
        data.setdefault("message_ids", []).append(self.message_id())
        media = self.media()
        if media is not None:
            data.setdefault("media", []).append(media)
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
            conv.step = "phone" if self.asks_phone else "complaint"
            self.reply(self.question(conv.step))
        elif conv.step == "phone" and text:
            problem = phone_problem(text) if text != SKIP_WORD else None
            if problem is not None:
                self.reply(f"{problem.message}\n{self.question('phone')}")
                return {}
            data["phone"] = "" if text == SKIP_WORD else text
            conv.step = "complaint"
            self.reply(self.question("complaint"))
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
            offer = self.category_offer()
            if offer:
                self.reply(offer)
        elif conv.step == "answer":
            self.answer(conv, text)
        elif conv.step == "media" and text.upper() == SEND_WORD:
            return self.file(conv)
        elif conv.step == "media" and self.pick_category(conv, text):
            pass
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
            "phone": _(
                "Tuliskan nomor telepon/WhatsApp Anda untuk kabar pengaduan ini "
                "(ketik %(skip)s bila tidak ada)."
            )
            % {"skip": SKIP_WORD},
            "complaint": _("Tuliskan pengaduan Anda: apa yang terjadi, di mana dan kapan."),
        }
        return questions.get(step, _("Kirim pesan apa saja untuk memulai."))

    # -- the category's own questions ---------------------------------------------------------

    def category_offer(self) -> str:
        found = asking_categories()
        if not found:
            return ""
        lines = [f"{n}. {name}" for n, (_key, name, _q) in enumerate(found, 1)]
        return "\n".join(
            [
                _("Bila pengaduan Anda tentang salah satu hal berikut, balas dengan angkanya:"),
                *lines,
            ]
        )

    def pick_category(self, conv: ChatState, text: str) -> bool:
        found = asking_categories()
        if not text.isdigit() or not 1 <= int(text) <= len(found):
            return False
        key, name, _questions = found[int(text) - 1]
        conv.data["category"] = key
        conv.data["answers"] = {}
        conv.step = "answer"
        self.reply(_("Kategori: %(name)s.") % {"name": name} + "\n" + self.next_question(conv))
        return True

    def open_questions(self, conv: ChatState) -> list[Question]:
        for key, _name, questions in asking_categories():
            if key == conv.data.get("category"):
                answered = conv.data.get("answers", {})
                return [q for q in questions if q.key not in answered]
        return []

    def next_question(self, conv: ChatState) -> str:
        left = self.open_questions(conv)
        if not left:
            conv.step = "media"
            return _("Terima kasih. Kirim foto atau dokumen bila ada, lalu ketik %(send)s.") % {
                "send": SEND_WORD
            }
        question = left[0]
        if question.required:
            return question.label + "?"
        return question.label + "? " + _("(ketik %(skip)s untuk melewati)") % {"skip": SKIP_WORD}

    def answer(self, conv: ChatState, text: str) -> None:
        left = self.open_questions(conv)
        if not left:
            conv.step = "media"
            self.reply(self.next_question(conv))
            return
        question = left[0]
        given = "" if text in (SKIP_WORD, "") or text.upper() == SEND_WORD else text
        if not given and question.required:
            self.reply(
                _("Wajib dijawab untuk kategori ini: %(label)s.") % {"label": question.label}
            )
            return
        conv.data.setdefault("answers", {})[question.key] = given or SKIP_WORD
        self.reply(self.next_question(conv))

    # -- routing and filing -------------------------------------------------------------------

    def route(self, conv: ChatState, text: str) -> dict[str, Any]:
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

    def file(self, conv: ChatState) -> dict[str, Any]:
        tenant = conv.tenant
        assert tenant is not None
        data = conv.data
        files = [self.download(item, n) for n, item in enumerate(data.get("media", []), 1)]
        phone = self.known_phone() or str(data.get("phone", ""))
        description = str(data.get("description", ""))
        category = str(data.get("category", ""))
        answers = {k: v for k, v in data.get("answers", {}).items() if v != SKIP_WORD}
        values: dict[str, Any] = {
            "tenant": tenant,
            "channel": self.channel,
            "actor_label": self.actor_label,
            "name": str(data.get("name", "")),
            "address": str(data.get("address", "")),
            # A number the door gives that is not Indonesian is kept in the raw payload and
            # the element stays missing (intake's rule).
            "phone": phone if phone and phone_problem(phone) is None else "",
            "subject": description.split("\n")[0][:100],
            "description": description,
            "category": category,
            # The category's questions were asked: intake checks the required ones.
            "answers": answers if category else None,
            "raw_payload": self.raw_payload(data),
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
