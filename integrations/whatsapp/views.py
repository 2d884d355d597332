"""The WhatsApp Cloud API webhook (platform host): subscription check and notifications."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations import inbound
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.models import ChannelName
from integrations.sms.views import SignatureError
from integrations.whatsapp import cloud
from integrations.whatsapp.actions import do_record_delivery_statuses
from tenants.access import Public


class RawParser(BaseParser):
    """Leave the body alone: the signature is over the raw bytes."""

    media_type = "*/*"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        return None


class WhatsAppWebhook(APIView):
    permission_classes = [Public]
    authentication_classes: list[Any] = []  # Meta's signature authenticates the caller
    parser_classes = [RawParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("hub.mode", str),
            OpenApiParameter("hub.verify_token", str),
            OpenApiParameter("hub.challenge", str),
        ],
        responses={(200, "text/plain"): str},
        operation_id="whatsapp_verify",
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        if not cloud.verify_subscription(
            params.get("hub.mode", ""), params.get("hub.verify_token", "")
        ):
            raise SignatureError()
        return HttpResponse(params.get("hub.challenge", ""), content_type="text/plain")

    @extend_schema(
        request=inline_serializer("WhatsAppNotification", {"entry": serializers.ListField()}),
        responses={
            200: inline_serializer("WhatsAppAccepted", {"stored": serializers.IntegerField()})
        },
        operation_id="whatsapp_notify",
    )
    def post(self, request: Request) -> Response:
        if request.content_type.split(";")[0].strip() != "application/json":
            # Meta posts JSON; a form body was already parsed (by then its raw bytes are gone).
            raise IntegrationError(
                IntegrationErrorCode.MALFORMED, "the body must be JSON", {"field": "body"}
            )
        raw = request._request.body
        if not cloud.signature_valid(raw, request.headers.get(cloud.SIGNATURE_HEADER, "")):
            raise SignatureError()
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
        try:
            messages = cloud.incoming_messages(body)
        except cloud.MalformedNotification as problem:
            raise IntegrationError(
                IntegrationErrorCode.MALFORMED, str(problem), {"field": "body"}
            ) from None
        stored = 0
        for item in messages:
            _message, created = inbound.do_receive_message(
                channel=ChannelName.WHATSAPP,
                external_id=str(item.message["id"]),
                payload={
                    "phone_number_id": item.phone_number_id,
                    "profile_name": item.profile_name,
                    "message": item.message,
                },
            )
            stored += created
        # Statuses tell which sends went out although their answer was lost (at-least-once).
        do_record_delivery_statuses(statuses=cloud.delivery_statuses(body))
        return Response({"stored": stored})
