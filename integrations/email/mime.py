"""Reading an inbound e-mail (stdlib `email`, RFC 5322/MIME) and the threading token.

Threading: every e-mail Aduan sends about a complaint carries `Reply-To:
<local>+<tenant slug>.<tracking code>@<ADUAN_EMAIL_INBOUND_DOMAIN>` and `[Aduan #<code>]` in
its subject; a reply to either lands on that complaint (the tracking code is unguessable)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import errors, policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from integrations.errors import IntegrationError, IntegrationErrorCode

# Defects that mean the structure cannot be trusted: the text or the files may be cut.
FATAL_DEFECTS = (
    errors.NoBoundaryInMultipartDefect,
    errors.StartBoundaryNotFoundDefect,
    errors.CloseBoundaryNotFoundDefect,
    errors.MissingHeaderBodySeparatorDefect,
    errors.MultipartInvariantViolationDefect,
)
SUBJECT_TAG = re.compile(r"\[Aduan #([0-9A-Z]{10})\]")
ADDRESS_TOKEN = re.compile(r"\+([a-z0-9-]+)\.([0-9A-Za-z]{10})@", re.IGNORECASE)
TENANT_ADDRESS = re.compile(r"\+([a-z0-9-]+)@", re.IGNORECASE)


@dataclass
class Attachment:
    name: str
    content: bytes
    content_type: str


@dataclass
class ParsedMail:
    message_id: str
    from_name: str
    from_address: str
    recipients: list[str]
    subject: str
    text: str
    attachments: list[Attachment] = field(default_factory=list)


def message_id_of(raw: bytes) -> str:
    """The Message-ID, read leniently (the webhook keys the inbound store with it)."""
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
    except Exception:  # anything unreadable is kept and fails later with its error
        return ""
    return str(message.get("Message-ID", "") or "").strip()[:255]


def malformed(reason: str) -> IntegrationError:
    return IntegrationError(
        IntegrationErrorCode.MALFORMED,
        _("Surel tidak dapat dibaca: %(reason)s") % {"reason": reason},
    )


def parse(raw: bytes) -> ParsedMail:
    if not raw.strip():
        raise malformed(_("pesan kosong"))
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    for part in message.walk():
        for defect in part.defects:
            if isinstance(defect, FATAL_DEFECTS):
                raise malformed(f"{type(defect).__name__}: {defect}")
    from_name, from_address = parseaddr(str(message.get("From", "")))
    if "@" not in from_address:
        raise malformed(_("tidak ada alamat pengirim (From)"))
    recipients = [
        address
        for _name, address in getaddresses(
            [str(v) for h in ("To", "Cc", "Delivered-To") for v in message.get_all(h, [])]
        )
        if address
    ]
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    if body is not None and body.get_content_type() == "text/html":
        text = re.sub(r"<[^>]+>", " ", text)
    attachments = [
        Attachment(
            name=part.get_filename() or "lampiran",
            content=payload_bytes(part),
            content_type=part.get_content_type(),
        )
        for part in message.iter_attachments()
    ]
    return ParsedMail(
        message_id=str(message.get("Message-ID", "")).strip(),
        from_name=from_name.strip(),
        from_address=from_address.strip(),
        recipients=recipients,
        subject=" ".join(str(message.get("Subject", "")).split()),
        text=strip_quoted(text),
        attachments=attachments,
    )


def payload_bytes(part: Any) -> bytes:
    content = part.get_payload(decode=True)
    return content if isinstance(content, bytes) else b""


def strip_quoted(text: str) -> str:
    """The new words of a reply: the quoted lines ("> ...") and what follows "On ... wrote:"
    are dropped from the text (the raw message keeps them)."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if re.match(r"^(On .+ wrote:|Pada .+ menulis:)\s*$", line.strip()):
            break
        if not line.startswith(">"):
            kept.append(line.rstrip())
    return "\n".join(kept).strip()


def reply_address(slug: str, tracking_code: str) -> str:
    local: str = settings.ADUAN_EMAIL_INBOUND_LOCALPART
    return f"{local}+{slug}.{tracking_code}@{settings.ADUAN_EMAIL_INBOUND_DOMAIN}"


def tenant_address(slug: str) -> str:
    local: str = settings.ADUAN_EMAIL_INBOUND_LOCALPART
    return f"{local}+{slug}@{settings.ADUAN_EMAIL_INBOUND_DOMAIN}"


def subject_tag(tracking_code: str) -> str:
    return f"[Aduan #{tracking_code}]"


def thread_token(mail: ParsedMail) -> tuple[str, str] | None:
    """(tenant slug or "", tracking code) this mail replies to, if it carries a token."""
    for address in mail.recipients:
        found = ADDRESS_TOKEN.search(address)
        if found:
            return found.group(1).lower(), found.group(2).upper()
    tagged = SUBJECT_TAG.search(mail.subject)
    if tagged:
        return "", tagged.group(1)
    return None


def addressed_tenant_slug(mail: ParsedMail) -> str:
    for address in mail.recipients:
        found = TENANT_ADDRESS.search(address)
        if found and address.lower().endswith("@" + settings.ADUAN_EMAIL_INBOUND_DOMAIN.lower()):
            return found.group(1).lower()
    return ""
