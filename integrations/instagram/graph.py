"""Meta's Instagram messaging, as far as Aduan speaks it (one module: the protocol).

- Webhook verification: `GET` with `hub.mode=subscribe`, `hub.verify_token` (the account's
  verify token) and `hub.challenge`, answered with the challenge as plain text.
- Notifications: `POST` with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body,
  keyed with the app secret>` (integrations.meta, as WhatsApp's); the body is
  `{"object": "instagram", "entry": [{"id": <account id>, "time": ..., "messaging":
  [{"sender": {"id": <IGSID>}, "recipient": {"id": <account id>}, "timestamp": ...,
  "message": {"mid", "text", "attachments": [{"type": "image"|"file"|..., "payload":
  {"url"}}], "is_echo"}}]}]}`. Echoes (what the account itself sent), reads and reactions
  are skipped.
- Sending (the Send API): `POST {base}/{version}/{account id}/messages` with the bearer access
  token and `{"recipient": {"id": <IGSID>}, "message": {"text"}}`; the answer
  `{"recipient_id", "message_id"}` carries the message id. Inside the 24-hour standard
  messaging window from the citizen's last message; after it, up to 7 days, only a human
  agent's message with `"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"`.
- Attachments: `payload.url` is a CDN address, fetched with a plain GET.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from integrations import meta

TIMEOUT = 15.0
TEXT_MAX = 1000  # Meta's limit for a text message's length (UTF-8 bytes); cut at characters


def api_url(path: str) -> str:
    base: str = settings.ADUAN_INSTAGRAM_API_BASE.rstrip("/")
    return f"{base}/{settings.ADUAN_INSTAGRAM_API_VERSION}/{path.lstrip('/')}"


@dataclass(frozen=True)
class IncomingMessage:
    account_id: str
    sender: str
    message: dict[str, Any]


def incoming_messages(body: dict[str, Any]) -> list[IncomingMessage]:
    """The citizens' messages of a notification body. The whole body is read before anything
    is returned: a malformed part refuses all of it (meta.MalformedNotification)."""
    found = []
    for entry in meta.objects(body.get("entry"), "entry"):
        account = str(entry.get("id", ""))
        for event in meta.objects(entry.get("messaging"), "entry.messaging"):
            sender = str(meta.one_object(event.get("sender"), "messaging.sender").get("id", ""))
            message = meta.one_object(event.get("message"), "messaging.message")
            meta.objects(message.get("attachments"), "message.attachments")
            if not message.get("mid") or not sender or message.get("is_echo"):
                continue
            found.append(IncomingMessage(account, sender, message))
    return found


def accounts_named(body: dict[str, Any]) -> set[str]:
    entries = body.get("entry")
    return {
        str(entry.get("id", ""))
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict)
    }


HUMAN_AGENT = "HUMAN_AGENT"


def send_text(account_id: str, access_token: str, to: str, text: str, *, tag: str = "") -> str:
    payload: dict[str, Any] = {"recipient": {"id": to}, "message": {"text": text[:TEXT_MAX]}}
    if tag:
        payload.update({"messaging_type": "MESSAGE_TAG", "tag": tag})
    response = httpx.post(
        api_url(f"{account_id}/messages"),
        json=payload,
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=TIMEOUT,
    )
    response.raise_for_status()
    return str(response.json()["message_id"])


def download(url: str) -> tuple[bytes, str]:
    """The bytes and the declared content type of an attachment."""
    response = httpx.get(url, timeout=TIMEOUT, follow_redirects=True)
    response.raise_for_status()
    return response.content, response.headers.get("content-type", "").split(";")[0].strip()
