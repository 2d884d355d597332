"""A whistleblower reports anonymously on a phone, from the body's landing page, keeps the
receipt key, and returns with it to read the WBS officer's answer and add evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions import wbs as wbs_actions
from complaints.actions.workflow import do_transition_complaint
from complaints.models import Attachment, Complaint
from tenants.models import Role
from tests.complaints.files import png_bytes
from tests.factories import TenantFactory, make_member

pytestmark = pytest.mark.browser


def test_an_anonymous_report_and_the_return_with_the_receipt_key(
    page: Any, live_server: Any, tenant_factory: TenantFactory, tmp_path: Path, settings: Any
) -> None:
    # Given Disdukcapil Labuhanbatu Utara with WBS open, and its WBS officer
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = tenant_factory(slug="disdukcapil-labura", name="Disdukcapil Labuhanbatu Utara")
    with schema_context(tenant.schema_name):
        wbs_actions.do_set_wbs_policy(tenant=tenant, enabled=True, actor=None)
    officer = make_member(tenant, Role.WBS_OFFICER)
    evidence = tmp_path / "bukti.png"
    evidence.write_bytes(png_bytes())
    # When a reporter opens the landing page on a phone and follows the WBS link
    page.goto(f"{live_server.url}/t/{tenant.slug}/")
    page.locator("#wbs-link").click()
    # Then the page explains anonymous and confidential, and anonymous is the default
    assert "Anonim" in page.locator("#wbs-explain").inner_text()
    assert page.locator("#id_mode_0").is_checked()
    # When they report without any identity
    page.fill("#id_subject", "Pungutan liar di loket KTP")
    page.fill("#id_description", "Petugas loket meminta Rp50.000 untuk mempercepat KTP.")
    page.get_by_role("button", name="Kirim laporan").click()
    # Then the receipt key is shown once, and the report is anonymous and complete
    key = page.locator("#receipt-key").inner_text().strip()
    assert len(key.replace("-", "")) == 20
    with schema_context(tenant.schema_name):
        report = Complaint.objects.get()
        assert (report.is_wbs, report.is_anonymous, report.is_complete) == (True, True, True)
        assert (report.name, report.phone) == ("", "")
        # and the WBS officer answers it
        do_transition_complaint(
            complaint=report,
            transition="acknowledge",
            actor=officer,
            inputs={"response": "Terima kasih, laporan Anda sedang kami telaah."},
        )
    # When the reporter comes back later with the key
    page.locator("#wbs-return-link").click()
    page.fill("#id_receipt_key", key.lower())
    page.get_by_role("button", name="Buka").click()
    # Then they read the answer and the current step
    assert page.locator("#current-step").inner_text() == "Laporan ditelaah"
    assert "sedang kami telaah" in page.locator("#timeline").inner_text()
    # When they reply with a photo
    page.fill("#id_message", "Kejadian berulang Selasa pagi; foto antrean terlampir.")
    page.set_input_files("#id_attachments", str(evidence))
    page.get_by_role("button", name="Kirim").click()
    # Then the reply is on their report's timeline and the file is stored with the report
    assert "Kejadian berulang" in page.locator("#timeline").inner_text()
    with schema_context(tenant.schema_name):
        assert Attachment.objects.filter(complaint_id=report.pk).count() == 1
