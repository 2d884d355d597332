"""The Meta WhatsApp Business Cloud API, as far as Aduan speaks it (one module: the protocol).

- Webhook verification: `GET` with `hub.mode=subscribe`, `hub.verify_token` (must equal
  ADUAN_WHATSAPP_VERIFY_TOKEN) and `hub.challenge`, answered with the challenge as plain text.
- Notifications: `POST` with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body,
  keyed with the app secret ADUAN_WHATSAPP_APP_SECRET>`; the body is
  `{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages",
  "value": {"metadata": {"phone_number_id": ...}, "contacts": [...], "messages": [{"from",
  "id", "timestamp", "type": "text"|"image"|"document"|..., "text": {"body"},
  "image"|"document": {"id", "mime_type", "caption", "filename"}}], "statuses": [...]}}]}]}`.
- Sending: `POST {base}/{version}/{phone-number-id}/messages` with a bearer token, a `text`
  message inside the 24-hour customer-service window, a `template` message outside it; the
  answer `{"messages": [{"id": "wamid..."}]}` carries the message id.
- Media: `GET {base}/{version}/{media-id}` gives `{"url", "mime_type"}`; `GET url` (with the
  bearer token) gives the bytes.

- Delivery statuses: the same webhook carries `value.statuses: [{"id": "wamid...", "status":
  "sent"|"delivered"|"read"|"failed", "recipient_id", "biz_opaque_callback_data", "errors":
  [{"code", "title"}]}]`; `biz_opaque_callback_data` is echoed from the send.

At-least-once, and what is done about it: the Cloud API takes no idempotency key, so a send
whose answer is lost (a timeout after the request left, a dropped connection) would be sent
again by the outbox's retry. Each send carries the outbox row's key as
`biz_opaque_callback_data`; the "sent" status webhook for it, which normally arrives within
seconds, records the message id and marks the row sent (integrations.whatsapp.actions), so the
retry, 30 s later at the earliest, finds nothing to send. What remains: when no status arrives
before the retry (the webhook is down or slower than the backoff), the citizen can still get a
message twice. The outbox's row lock makes sure no two deliverers send the same row at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

from integrations import meta
from integrations.meta import MalformedNotification as MalformedNotification  # re-exported

SIGNATURE_HEADER = meta.SIGNATURE_HEADER
TIMEOUT = 15.0
REFERENCE_MAX = 512  # Meta's limit for biz_opaque_callback_data


def api_url(path: str) -> str:
    base: str = settings.ADUAN_WHATSAPP_API_BASE.rstrip("/")
    return f"{base}/{settings.ADUAN_WHATSAPP_API_VERSION}/{path.lstrip('/')}"


def auth_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.ADUAN_WHATSAPP_ACCESS_TOKEN}"}


def signature_valid(raw_body: bytes, header: str) -> bool:
    return meta.signature_valid(raw_body, header, settings.ADUAN_WHATSAPP_APP_SECRET)


sign = meta.sign  # the header value Meta sends (the tests' fake, local tooling)


def verify_subscription(mode: str, token: str) -> bool:
    return meta.verify_subscription(mode, token, settings.ADUAN_WHATSAPP_VERIFY_TOKEN)


@dataclass(frozen=True)
class IncomingMessage:
    phone_number_id: str
    message: dict[str, Any]
    profile_name: str


_objects, _object = meta.objects, meta.one_object


def incoming_messages(body: dict[str, Any]) -> list[IncomingMessage]:
    """The messages of a notification body (statuses and other fields are skipped). The
    whole body is read before anything is returned: a malformed part refuses all of it."""
    found = []
    for entry in _objects(body.get("entry"), "entry"):
        for change in _objects(entry.get("changes"), "entry.changes"):
            value = _object(change.get("value"), "changes.value")
            number = str(
                _object(value.get("metadata"), "value.metadata").get("phone_number_id", "")
            )
            names = {
                str(c.get("wa_id", "")): str(
                    _object(c.get("profile"), "contact.profile").get("name", "")
                )
                for c in _objects(value.get("contacts"), "value.contacts")
            }
            for message in _objects(value.get("messages"), "value.messages"):
                if message.get("id") and message.get("from"):
                    sender = str(message["from"])
                    found.append(IncomingMessage(number, message, names.get(sender, "")))
    return found


@dataclass(frozen=True)
class DeliveryStatus:
    message_id: str
    status: str
    reference: str  # our biz_opaque_callback_data: the outbox row's key
    error: str


def delivery_statuses(body: dict[str, Any]) -> list[DeliveryStatus]:
    """The delivery statuses of a notification body; anything not shaped as documented is
    skipped (the body is signed by Meta, but its shape is still input)."""
    found = []
    entries = body.get("entry")
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            statuses = value.get("statuses") if isinstance(value, dict) else None
            for item in statuses if isinstance(statuses, list) else []:
                if not isinstance(item, dict) or not item.get("id") or not item.get("status"):
                    continue
                errors = item.get("errors")
                first = errors[0] if isinstance(errors, list) and errors else {}
                error = str(first.get("title", "")) if isinstance(first, dict) else ""
                found.append(
                    DeliveryStatus(
                        message_id=str(item["id"]),
                        status=str(item["status"]),
                        reference=str(item.get("biz_opaque_callback_data") or ""),
                        error=error,
                    )
                )
    return found


def post_message(phone_number_id: str, payload: dict[str, Any], reference: str = "") -> str:
    """Send one message; `reference` comes back in its status webhooks."""
    if reference:
        payload = {**payload, "biz_opaque_callback_data": reference[:REFERENCE_MAX]}
    response = httpx.post(
        api_url(f"{phone_number_id}/messages"),
        json={"messaging_product": "whatsapp", "recipient_type": "individual", **payload},
        headers=auth_headers(),
        timeout=TIMEOUT,
    )
    response.raise_for_status()
    return str(response.json()["messages"][0]["id"])


def send_text(phone_number_id: str, to: str, body: str, reference: str = "") -> str:
    text = {"to": to, "type": "text", "text": {"body": body}}
    return post_message(phone_number_id, text, reference)


def send_template(
    phone_number_id: str,
    to: str,
    name: str,
    language: str,
    parameters: list[str],
    reference: str = "",
) -> str:
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if parameters:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in parameters]}
        ]
    message = {"to": to, "type": "template", "template": template}
    return post_message(phone_number_id, message, reference)


def download_media(media_id: str) -> tuple[bytes, str]:
    """The bytes and the declared content type of an uploaded medium."""
    meta = httpx.get(api_url(media_id), headers=auth_headers(), timeout=TIMEOUT)
    meta.raise_for_status()
    info = meta.json()
    content = httpx.get(str(info["url"]), headers=auth_headers(), timeout=TIMEOUT)
    content.raise_for_status()
    return content.content, str(info.get("mime_type", ""))
