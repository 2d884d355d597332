"""A citizen on a phone at the platform's front door: finds the village by name, makes a
mistake with a photo chosen, keeps the photo, gets the receipt and its PDF, and follows the
complaint on the platform's tracking page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Attachment
from tenants.models import TenantKind
from tests.complaints.files import png_bytes
from tests.factories import TenantFactory

pytestmark = pytest.mark.browser


def test_front_door_filing_with_an_error_keeps_the_photo_and_ends_on_the_tracking_page(
    page: Any, live_server: Any, tenant_factory: TenantFactory, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="babakan")
    photo = tmp_path / "jalan.png"
    photo.write_bytes(png_bytes())
    page.goto(f"{live_server.url}/pengaduan/")
    # When the citizen searches the village by name and picks the one in Kawunganten
    page.fill("#id_place_query", "Babakan")
    page.locator("#place-search").click()
    page.get_by_label("Desa Babakan — Kec. Kawunganten — Kab. Cilacap — Jawa Tengah").check()
    # and fills the form with a photo but a phone number that is none
    page.fill("#id_subject", "Dana desa tidak diumumkan")
    page.fill("#id_description", "APBDes tahun ini tidak dipasang di balai desa.")
    page.fill("#id_name", "Siti Aminah")
    page.fill("#id_address", "RT 02 RW 03")
    page.fill("#id_phone", "0812 34")
    page.set_input_files("#id_attachments", str(photo))
    page.get_by_role("button", name="Kirim pengaduan").click()
    # Then the error stands by the phone, marked for screen readers, and the photo is kept
    assert "tidak valid" in page.locator("#error-phone").inner_text()
    assert page.get_attribute("#id_phone", "aria-invalid") == "true"
    assert "jalan.png" in page.locator("#held-attachments").inner_text()
    assert page.input_value("#id_subject") == "Dana desa tidak diumumkan"
    # When the phone is corrected and the form sent without choosing the photo again
    page.fill("#id_phone", "0812 3456 7890")
    page.get_by_role("button", name="Kirim pengaduan").click()
    # Then the confirmation offers the receipt and its PDF
    code = page.locator("#tracking-code").inner_text()
    with schema_context(village.schema_name):
        assert Attachment.objects.get().complaint.tracking_code == code
    pdf = page.request.get(live_server.url + page.locator("#receipt-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    page.locator("#receipt-link").click()
    assert "Siti Aminah" in page.locator("#receipt").inner_text()
    # and the tracking page shows the step by name, the due date and the timeline
    page.locator("#track-link").click()
    assert page.locator("#holder").inner_text() == village.name
    assert page.locator("#current-step").inner_text().startswith("Diterima")
    assert page.locator("#due-date").is_visible()
    assert page.locator("#timeline li").count() >= 1
