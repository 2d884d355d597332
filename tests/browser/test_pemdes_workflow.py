"""The village SOP (seeds 003, 004) end to end in a real browser: the officer records a desk
complaint and gives the receipt, verifies and classifies it and assigns it to the liaison
officer, who hands it to the village official, records the review meeting's minutes (a PDF
upload) and its outcome; the officer informs the reporter and closes it; the citizen follows it
on the tracking page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Attachment, Complaint
from tenants.models import Role
from tests.browser.test_forwarding import sign_in
from tests.complaints.files import pdf_bytes
from tests.factories import TenantFactory, make_member

pytestmark = pytest.mark.browser

SLUG = "desa-babakan"


def take_step(page: Any, key: str, fill: dict[str, str] | None = None) -> None:
    """Open the step's form on the steps page, fill it in and submit it."""
    details = page.locator(f"details:has(#step-{key})")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    form = page.locator(f"#step-{key}")
    for name, value in (fill or {}).items():
        field = form.locator(f"[name={name}]")
        tag = field.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            field.select_option(value)
        elif tag == "INPUT:file":
            field.set_input_files(value)
        elif tag == "INPUT:checkbox":
            field.check()
        else:
            field.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.locator("#step-error").count() == 0, page.locator("#step-error").inner_text()


def test_a_village_complaint_from_the_desk_to_closed(
    page: Any, live_server: Any, tenant_factory: TenantFactory, settings: Any, tmp_path: Path
) -> None:
    # Given Desa Babakan with its complaint officer and its liaison officer
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = tenant_factory(slug=SLUG, name="Pemerintah Desa Babakan")
    make_member(tenant, Role.OFFICER, username="petugas")
    liaison = make_member(tenant, Role.LIAISON, username="penghubung")
    minutes = tmp_path / "berita-acara.pdf"
    minutes.write_bytes(pdf_bytes())
    base = f"{live_server.url}"
    # When the officer records a complaint brought to the desk
    sign_in(page, base, "petugas", f"/t/{SLUG}/console/pengaduan/baru/")
    page.fill("#id_name", "Siti Aminah")
    page.fill("#id_address", "RT 02 RW 03 Babakan")
    page.fill("#id_phone", "0812 3456 7890")
    page.fill("#id_subject", "Lampu jalan mati")
    page.fill("#id_description", "Lampu jalan di dusun 2 mati sejak seminggu.")
    page.get_by_role("button", name="Catat di buku pengaduan").click()
    # Then the receipt is on screen, with the register number and the tracking code
    number = page.locator("#receipt-number").inner_text()
    code = page.locator("#receipt-code").inner_text()
    assert number.startswith("0001/ADU/DESA-BABAKAN/")
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get()
    assert complaint.channel == "desk"
    steps = f"{base}/t/{SLUG}/console/complaints/{complaint.pk}/steps/"
    # When the officer gives the receipt, verifies and classifies it
    page.goto(steps)
    take_step(page, "give_receipt")
    take_step(page, "verify", {"note": "Identitas dan objek jelas"})
    take_step(page, "classify", {"classification": "public_service", "urgency": "medium"})
    assert "Diklasifikasi" in page.locator("#current-state").inner_text()
    # and assigns it to the liaison officer
    page.goto(f"{base}/t/{SLUG}/console/pengaduan/{complaint.pk}/penugasan/")
    page.locator("select[name=assignee]").select_option(str(liaison.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan").click()
    assert page.locator("#assignee").inner_text().startswith("penghubung")
    # When the liaison officer hands it to the Kaur, holds the review meeting, uploads the
    # minutes (berita acara) and records the outcome
    sign_in(page, base, "penghubung", f"/t/{SLUG}/console/complaints/{complaint.pk}/steps/")
    take_step(page, "forward", {"official": "kaur", "official_name": "Bapak Darto"})
    take_step(page, "schedule_review", {"meeting_date": "2026-11-27", "invite_reporter": "on"})
    take_step(page, "decide_outcome", {
        "minutes": str(minutes), "outcome_kind": "corrective", "outcome_action": "coaching",
        "recommendation": "Pembinaan petugas penerangan jalan",
    })  # fmt: skip
    assert "Hasil pembahasan ditetapkan" in page.locator("#current-state").inner_text()
    # Then the minutes are stored with the complaint and linked from its timeline
    with schema_context(tenant.schema_name):
        stored = Attachment.objects.get(complaint_id=complaint.pk)
    assert (stored.content_type, stored.original_name) == ("application/pdf", "berita-acara.pdf")
    page.goto(f"{base}/t/{SLUG}/console/pengaduan/{complaint.pk}/")
    link = page.locator("a.event-file")
    assert link.inner_text() == "berita-acara.pdf"
    assert link.get_attribute("href").endswith(f"/lampiran/{stored.pk}/")
    # When the officer informs the reporter and closes the complaint
    sign_in(page, base, "petugas", f"/t/{SLUG}/console/complaints/{complaint.pk}/steps/")
    take_step(page, "inform_reporter", {"response": "Lampu diganti besok pagi."})
    take_step(page, "close")
    assert page.locator("#no-steps").inner_text() == "Pengaduan sudah selesai."
    # Then the citizen sees it closed on the tracking page, with the response, without the
    # internal minutes
    page.context.clear_cookies()
    page.goto(f"{base}/t/{SLUG}/lacak/{code}/")
    assert page.locator("#current-step").inner_text() == "Selesai"
    timeline = page.locator("#timeline").inner_text()
    assert "Lampu diganti besok pagi." in timeline
    assert number in timeline
    assert page.locator("a.event-file").count() == 0
    assert "berita-acara" not in page.content()
