"""Fixtures of the channel tests: fake providers on loopback, channel settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integrations.fakes import CloudApiFake, SmsGatewayFake, serve

SMS_SECRET = "gateway-shared-secret"
WA_APP_SECRET = "meta-app-secret"
WA_VERIFY_TOKEN = "verify-me"
WA_SHARED_NUMBER = "100000001"


@pytest.fixture
def sms_gateway(settings: Any) -> Iterator[SmsGatewayFake]:
    fake = SmsGatewayFake(token="gateway-token")
    with serve(fake) as base:
        fake.url = f"{base}/send"
        settings.ADUAN_SMS_GATEWAY_URL = fake.url
        settings.ADUAN_SMS_GATEWAY_TOKEN = fake.token
        settings.ADUAN_SMS_GATEWAY_SECRET = SMS_SECRET
        settings.ADUAN_SMS_SENDER = "1708"
        yield fake


@pytest.fixture
def cloud_api(settings: Any) -> Iterator[CloudApiFake]:
    fake = CloudApiFake(token="meta-access-token")
    with serve(fake) as base:
        fake.base = base
        settings.ADUAN_WHATSAPP_API_BASE = base
        settings.ADUAN_WHATSAPP_API_VERSION = fake.version
        settings.ADUAN_WHATSAPP_ACCESS_TOKEN = fake.token
        settings.ADUAN_WHATSAPP_APP_SECRET = WA_APP_SECRET
        settings.ADUAN_WHATSAPP_VERIFY_TOKEN = WA_VERIFY_TOKEN
        settings.ADUAN_WHATSAPP_PHONE_NUMBER_ID = WA_SHARED_NUMBER
        yield fake
