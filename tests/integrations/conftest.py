"""Fixtures of the channel tests: fake providers on loopback, channel settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integrations.fakes import SmsGatewayFake, serve

SMS_SECRET = "gateway-shared-secret"


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
