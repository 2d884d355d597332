"""A citizen, on a phone, uses their UU 27/2022 rights: from the tracking page they ask for a
one-time code, read it from the SMS the (fake, loopback) gateway received, correct their
address, then ask for erasure; an officer then finds the request in the staff menu's queue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Complaint
from integrations import outbox
from integrations.models import OutboxMessage, OutboxStatus
from tests.factories import TenantFactory, file_complaint
from tests.integrations.conftest import sms_gateway  # noqa: F401 - the fixture
from tests.integrations.fakes import SmsGatewayFake

pytestmark = pytest.mark.browser


def deliver_pending() -> None:
    """What the worker does after commit: send the outbox (here to the fake gateway)."""
    for pk in OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list(
        "pk", flat=True
    ):
        outbox.deliver(pk)


def test_a_citizen_corrects_their_data_and_asks_for_erasure_with_a_one_time_code(
    page: Any,
    live_server: Any,
    tenant_factory: TenantFactory,
    sms_gateway: SmsGatewayFake,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = tenant_factory(slug="desa-babakan", name="Pemerintah Desa Babakan")
    filed = file_complaint(tenant, name="Siti Aminah", phone="081234567890")
    deliver_pending()  # the receipt SMS
    sms_gateway.delivered.clear()
    # When the citizen opens their tracking page and follows the personal-data link
    page.goto(f"{live_server.url}/t/{tenant.slug}/lacak/{filed.tracking_code}/")
    page.locator("#personal-data-link").click()
    # and asks for a one-time code
    page.locator("#send-code button").click()
    assert page.locator("#code-sent").is_visible()
    deliver_pending()
    # Then the code arrives by SMS to the number on file (read from the fake gateway)
    (sms,) = sms_gateway.delivered.values()
    assert sms["to"] == "+6281234567890"
    code = re.search(r"\b(\d{6})\b", sms["text"])
    assert code is not None
    # When they enter it, they see what is held about them
    page.fill("#id_code", code.group(1))
    page.locator("#open-data button").click()
    held = page.locator("#held").inner_text()
    assert "Siti Aminah" in held and "RT 02 RW 03" in held
    # When they correct their address
    page.fill("#id_address", "Dusun Krajan RT 04")
    page.locator("#correct-data button").click()
    assert "Dusun Krajan RT 04" in page.locator("#held").inner_text()
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=filed.pk).address == "Dusun Krajan RT 04"
    # When they ask for erasure with a reason
    page.fill("#id_reason", "Saya tidak ingin data saya disimpan lagi.")
    page.locator("#erase-data button").click()
    # Then the page says it waits for a decision, and the request is recorded
    assert page.locator("#erasure-pending").is_visible()
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get(pk=filed.pk)
        assert complaint.erasure_requested_at is not None
        assert complaint.erasure_request_reason == "Saya tidak ingin data saya disimpan lagi."
        assert complaint.erased_at is None  # staff decide (tests/complaints/...staff_pages)
