"""Fixtures of the channel tests: fake providers on loopback, channel settings."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.integrations.fakes import (
    CloudApiFake,
    InstagramGraphFake,
    LaporFake,
    SmsGatewayFake,
    serve,
)

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


IG_ACCOUNT = "17841400000000001"
IG_TOKEN = "ig-page-access-token"


@pytest.fixture
def instagram_graph(settings: Any) -> Iterator[InstagramGraphFake]:
    fake = InstagramGraphFake(tokens={IG_ACCOUNT: IG_TOKEN})
    with serve(fake) as base:
        fake.base = base
        settings.ADUAN_INSTAGRAM_API_BASE = base
        settings.ADUAN_INSTAGRAM_API_VERSION = fake.version
        yield fake


@pytest.fixture
def lapor_server(settings: Any) -> Iterator[LaporFake]:
    fake = LaporFake()
    with serve(fake) as base:
        settings.ADUAN_LAPOR_API_BASE = base
        settings.ADUAN_LAPOR_CLIENT_ID = settings.ADUAN_LAPOR_CLIENT_SECRET = ""
        yield fake


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpInbox:
    """What the loopback SMTP server (aiosmtpd) received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings: Any) -> Iterator[SmtpInbox]:
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Aduan <noreply@aduan.test>"
    settings.ADUAN_EMAIL_INBOUND_DOMAIN = "aduan.test"
    settings.ADUAN_EMAIL_INBOUND_SECRET = "mail-secret"
    try:
        yield inbox
    finally:
        controller.stop()


IMAP_USER, IMAP_PASSWORD = "pengaduan", "sandi-imap-rahasia"


@pytest.fixture(scope="session")
def imap_server() -> Iterator[int]:
    """A real IMAP server on loopback: pymap with its in-memory (dict) backend."""
    port = free_port()
    pymap = Path(sys.executable).with_name("pymap")
    process = subprocess.Popen(
        [
            str(pymap),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            IMAP_USER,
            "--demo-password",
            IMAP_PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("pymap did not start") from None
            time.sleep(0.05)
    try:
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
