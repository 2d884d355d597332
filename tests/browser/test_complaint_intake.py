"""A citizen files a complaint on a phone, gets the receipt, and follows it by tracking code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Complaint
from tests.complaints.files import png_bytes
from tests.factories import TenantFactory

pytestmark = pytest.mark.browser


def test_citizen_files_with_a_photo_and_tracks_it(
    page: Any, live_server: Any, tenant_factory: TenantFactory, tmp_path: Path, settings: Any
) -> None:
    # Given Desa Babakan's complaint form on a phone
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = tenant_factory(slug="desa-babakan", name="Pemerintah Desa Babakan")
    photo = tmp_path / "jalan.png"
    photo.write_bytes(png_bytes())
    page.goto(f"{live_server.url}/t/{tenant.slug}/pengaduan/baru/")
    # Then the safe privacy choice is already selected
    assert page.locator("#id_privacy_0").is_checked()
    # When the citizen fills it in, first with a phone number that is none (too short)
    page.fill("#id_name", "Siti Aminah")
    page.fill("#id_address", "RT 02 RW 03 Babakan")
    page.fill("#id_phone", "0812 34")
    page.fill("#id_subject", "Jalan desa berlubang")
    page.fill("#id_description", "Jalan depan balai desa berlubang sejak Senin.")
    page.set_input_files("#id_attachments", str(photo))
    page.get_by_role("button", name="Kirim pengaduan").click()
    # Then the form comes back with the error beside the phone, keeping what they typed
    assert "tidak valid" in page.locator("#error-phone").inner_text()
    assert page.input_value("#id_subject") == "Jalan desa berlubang"
    # When they correct it and send again
    page.fill("#id_phone", "0812 3456 7890")
    page.set_input_files("#id_attachments", str(photo))
    page.get_by_role("button", name="Kirim pengaduan").click()
    # Then the receipt shows the register number and the tracking code
    number = page.locator("#receipt-number").inner_text()
    code = page.locator("#receipt-code").inner_text()
    assert number.startswith("0001/ADU/DESA-BABAKAN/")
    with schema_context(tenant.schema_name):
        stored = Complaint.objects.get()
        attachments = stored.attachments.count()
    assert (stored.number, stored.tracking_code, stored.phone) == (number, code, "+6281234567890")
    assert attachments == 1
    # When they follow the tracking link
    page.locator("#track-link").click()
    # Then the tracking page shows the current step and the filing, without their name
    step = page.locator("#current-step").inner_text()
    assert step == "Diterima dan dicatat petugas pengelola pengaduan"  # the SOP's own name
    assert number in page.locator("#timeline").inner_text()
    assert "Siti" not in page.content()
