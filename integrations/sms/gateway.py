"""The SMS gateway protocol Aduan speaks: a generic HTTP gateway (the shape most Indonesian
SMS aggregators and self-hosted gateways such as playSMS or an Android gateway can be set to).

Inbound (gateway -> Aduan): `POST /integrations/sms/inbound/` on the platform host, an
`application/x-www-form-urlencoded` body with

    from   the sender's number (e.g. +6281234567890 or 081234567890)
    to     the number or short code it was sent to (e.g. 1708)
    text   the message text
    id     the gateway's unique id of the message (a retried delivery repeats it)

and the shared secret in the `X-Gateway-Secret` header (ADUAN_SMS_GATEWAY_SECRET). A wrong or
missing secret: 403 and nothing stored. A stored message: 200 `{"status": "accepted"}` (also
for a repeated id, which is not processed twice).

Outbound (Aduan -> gateway): `POST ADUAN_SMS_GATEWAY_URL` with a JSON body
`{"id": <idempotency key>, "to": <number>, "from": <ADUAN_SMS_SENDER>, "text": <text>}`,
headers `Authorization: Bearer <ADUAN_SMS_GATEWAY_TOKEN>` and `Idempotency-Key: <key>`; the
gateway answers 2xx with `{"message_id": "..."}` and must answer a repeated key with the
first message's id without sending again.
"""

from __future__ import annotations

import hmac

import httpx
from django.conf import settings

from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import OutboxMessage
from integrations.sms import gsm7

SECRET_HEADER = "X-Gateway-Secret"  # noqa: S105 (a header name, not a secret)
TIMEOUT = 10.0


def secret_matches(given: str) -> bool:
    expected: str = settings.ADUAN_SMS_GATEWAY_SECRET
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def send_message(message: OutboxMessage) -> str:
    url: str = settings.ADUAN_SMS_GATEWAY_URL
    if not url:
        raise IntegrationError(
            IntegrationErrorCode.NOT_CONFIGURED, "ADUAN_SMS_GATEWAY_URL is not set"
        )
    response = httpx.post(
        url,
        json={
            "id": message.key,
            "to": message.recipient,
            "from": settings.ADUAN_SMS_SENDER,
            "text": gsm7.fit(message.body),
        },
        headers={
            "Authorization": f"Bearer {settings.ADUAN_SMS_GATEWAY_TOKEN}",
            "Idempotency-Key": message.key,
        },
        timeout=TIMEOUT,
    )
    response.raise_for_status()
    return str(response.json()["message_id"])
