"""What Meta's webhooks share (WhatsApp Cloud API, Instagram messaging): the subscription check
(`hub.mode`, `hub.verify_token`, `hub.challenge`) and the `X-Hub-Signature-256` header, the
hex HMAC-SHA256 of the raw body keyed with the app secret. One implementation for both doors."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter
from rest_framework.parsers import BaseParser
from rest_framework.request import Request

from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.sms.views import SignatureError

SIGNATURE_HEADER = "X-Hub-Signature-256"
# The subscription check's query, as the OpenAPI schema publishes it.
VERIFY_PARAMETERS = [
    OpenApiParameter("hub.mode", str),
    OpenApiParameter("hub.verify_token", str),
    OpenApiParameter("hub.challenge", str),
]


class RawParser(BaseParser):
    """Leave the body alone: the signature is over the raw bytes."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return None


def sign(raw_body: bytes, secret: str) -> str:
    """The header value Meta sends (used by the tests' fakes and by local tooling)."""
    return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def signature_valid(raw_body: bytes, header: str, secret: str) -> bool:
    if not secret or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(sign(raw_body, secret), header)


def verify_subscription(mode: str, token: str, expected: str) -> bool:
    return (
        mode == "subscribe"
        and bool(expected)
        and hmac.compare_digest(token.encode(), expected.encode())
    )


def challenge_answer(request: Request, expected_token: str) -> HttpResponse:
    """The GET of a subscription check: the challenge as plain text, or 403."""
    params = request.query_params
    if not verify_subscription(
        params.get("hub.mode", ""), params.get("hub.verify_token", ""), expected_token
    ):
        raise SignatureError()
    return HttpResponse(params.get("hub.challenge", ""), content_type="text/plain")


def raw_json_body(request: Request) -> bytes:
    """The raw bytes of a JSON notification (a form body was already parsed: its bytes gone)."""
    if request.content_type.split(";")[0].strip() != "application/json":
        raise IntegrationError(
            IntegrationErrorCode.MALFORMED, "the body must be JSON", {"field": "body"}
        )
    return bytes(request._request.body)


def parse_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise IntegrationError(
            IntegrationErrorCode.MALFORMED, "the body is not JSON", {"field": "body"}
        ) from None
    if not isinstance(body, dict):
        raise IntegrationError(
            IntegrationErrorCode.MALFORMED, "the body is not an object", {"field": "body"}
        )
    return body


def signed_body(request: Request, secret: str) -> dict[str, Any]:
    """The notification's JSON object, once its signature under `secret` is checked (403
    otherwise: nothing of it is read, nothing stored)."""
    raw = raw_json_body(request)
    if not signature_valid(raw, request.headers.get(SIGNATURE_HEADER, ""), secret):
        raise SignatureError()
    return parse_object(raw)


class MalformedNotification(ValueError):  # noqa: N818 (a ValueError, named for what it is)
    """A signed body that does not have the documented shape: refused whole, nothing kept."""


def objects(value: Any, where: str) -> list[dict[str, Any]]:
    """A list of objects (absent or null: none), or MalformedNotification."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise MalformedNotification(f"{where} must be a list of objects")
    return value


def one_object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedNotification(f"{where} must be an object")
    return value


def malformed(problem: MalformedNotification) -> IntegrationError:
    return IntegrationError(IntegrationErrorCode.MALFORMED, str(problem), {"field": "body"})
