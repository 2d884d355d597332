"""The WhatsApp Cloud API webhook (platform host): subscription check and notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations import inbound, meta
from integrations.models import ChannelName
from integrations.whatsapp import cloud
from integrations.whatsapp.actions import do_record_delivery_statuses
from tenants.access import Public


class WhatsAppWebhook(APIView):
    permission_classes = [Public]
    authentication_classes: list[Any] = []  # Meta's signature authenticates the caller
    parser_classes = [meta.RawParser]

    @extend_schema(
        parameters=meta.VERIFY_PARAMETERS,
        responses={(200, "text/plain"): str},
        operation_id="whatsapp_verify",
    )
    def get(self, request: Request) -> HttpResponse:
        return meta.challenge_answer(request, settings.ADUAN_WHATSAPP_VERIFY_TOKEN)

    @extend_schema(
        request=inline_serializer("WhatsAppNotification", {"entry": serializers.ListField()}),
        responses={
            200: inline_serializer("WhatsAppAccepted", {"stored": serializers.IntegerField()})
        },
        operation_id="whatsapp_notify",
    )
    def post(self, request: Request) -> Response:
        body = meta.signed_body(request, settings.ADUAN_WHATSAPP_APP_SECRET)
        try:
            messages = cloud.incoming_messages(body)
        except meta.MalformedNotification as problem:
            raise meta.malformed(problem) from None
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
