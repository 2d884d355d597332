"""The Instagram messaging webhook (platform host), one address per tenant:
`/integrations/instagram/webhook/<slug>/`. The tenant's own app secret checks the signature,
so one tenant's secret can never speak for another's account."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from aduan import crypto
from integrations import inbound, meta
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.instagram import graph
from integrations.models import ChannelName, InstagramAccount
from integrations.sms.views import SignatureError
from tenants.access import Public


def account_for(slug: str) -> InstagramAccount:
    """The tenant's account; an unknown tenant or one without an account answers like a bad
    signature (403), so the webhook does not tell which tenants exist."""
    account = InstagramAccount.objects.select_related("tenant").filter(tenant__slug=slug).first()
    if account is None:
        raise SignatureError()
    return account


class InstagramWebhook(APIView):
    permission_classes = [Public]
    authentication_classes: list[Any] = []  # Meta's signature authenticates the caller
    parser_classes = [meta.RawParser]

    @extend_schema(
        parameters=meta.VERIFY_PARAMETERS,
        responses={(200, "text/plain"): str},
        operation_id="instagram_verify",
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        account = account_for(slug)
        return meta.challenge_answer(request, crypto.decrypt(account.verify_token_encrypted))

    @extend_schema(
        request=inline_serializer("InstagramNotification", {"entry": serializers.ListField()}),
        responses={
            200: inline_serializer("InstagramAccepted", {"stored": serializers.IntegerField()})
        },
        operation_id="instagram_notify",
    )
    def post(self, request: Request, slug: str) -> Response:
        account = account_for(slug)
        body = meta.signed_body(request, crypto.decrypt(account.app_secret_encrypted))
        try:
            messages = graph.incoming_messages(body)
        except meta.MalformedNotification as problem:
            raise meta.malformed(problem) from None
        if graph.accounts_named(body) - {account.account_id}:
            # Signed by this tenant's app, but about an account that is not this tenant's.
            raise IntegrationError(
                IntegrationErrorCode.MALFORMED,
                "the body names an account that is not this tenant's",
                {"field": "body"},
            )
        stored = 0
        for item in messages:
            _message, created = inbound.do_receive_message(
                channel=ChannelName.INSTAGRAM,
                external_id=str(item.message["mid"]),
                payload={
                    "account_id": item.account_id,
                    "sender": item.sender,
                    "message": item.message,
                },
                tenant=account.tenant,
            )
            stored += created
        return Response({"stored": stored})
