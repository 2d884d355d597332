"""Any connection: the installable web app (aduan.webapp). A citizen opens the village's page
with signal, loses it, writes the complaint anyway, sees it wait on the phone ("menunggu
sinyal") and finds it filed when the signal returns; the tracking page shows its last known
state without signal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions.workflow import do_transition_complaint
from complaints.models import Complaint
from tenants.models import Role, TenantKind
from tests.complaints.files import png_bytes
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.browser

SLUG = "desa-kuripan-kidul"


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page whose context allows service workers (Playwright's default)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="id-ID")
    yield context.new_page()
    context.close()


def wait_for_worker(page: Any) -> None:
    """Until the service worker is active and controls the page (its shell is then kept)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_a_complaint_written_offline_is_filed_when_the_signal_returns(
    phone: Any, live_server: Any, tenant_factory: TenantFactory, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = tenant_factory(slug=SLUG, name="Pemerintah Desa Kuripan Kidul")
    photo = tmp_path / "jembatan.png"
    photo.write_bytes(png_bytes())
    base = f"{live_server.url}/t/{SLUG}"
    # Given the village's home page opened once with signal (the worker keeps the form)
    phone.goto(f"{base}/")
    wait_for_worker(phone)
    manifest = phone.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert (manifest["name"], manifest["start_url"]) == (tenant.name, f"/t/{SLUG}/")
    # When the signal goes and the citizen opens the form and writes the complaint
    phone.context.set_offline(True)
    phone.goto(f"{base}/pengaduan/baru/")
    phone.fill("#id_name", "Rahmat Hidayat")
    phone.fill("#id_address", "Dusun Kidul RT 01")
    phone.fill("#id_phone", "0812 7777 8888")
    phone.fill("#id_subject", "Jembatan bambu rusak")
    phone.fill("#id_description", "Jembatan bambu ke sawah patah di tengah sejak hujan deras.")
    phone.set_input_files("#id_attachments", str(photo))
    phone.get_by_role("button", name="Kirim pengaduan").click()
    # Then it waits on the phone, saying so, and nothing reached the village yet
    status = phone.locator("#draft-status")
    status.wait_for(state="visible")
    assert status.get_attribute("data-state") == "waiting"
    assert status.inner_text().startswith("Menunggu sinyal")
    with schema_context(tenant.schema_name):
        assert not Complaint.objects.exists()
    # When the signal returns, it is sent by itself and the receipt opens
    phone.context.set_offline(False)
    phone.wait_for_url("**/pengaduan/tanda-terima/**")
    code = phone.locator("#receipt-code").inner_text()
    with schema_context(tenant.schema_name):
        stored = Complaint.objects.get()
        files = [a.original_name for a in stored.attachments.all()]
    assert (stored.tracking_code, stored.subject, stored.phone) == (
        code,
        "Jembatan bambu rusak",
        "+6281277778888",
    )
    assert files == ["jembatan.png"]
    # and the phone keeps nothing more to send
    phone.goto(f"{base}/")
    assert phone.locator("#draft-status").is_hidden()


def test_the_tracking_page_shows_its_last_known_state_offline(
    phone: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03", slug="sanggau")
    officer = make_member(tenant, Role.OFFICER, username="petugas")
    complaint = file_complaint(tenant)
    base = f"{live_server.url}/t/sanggau"
    phone.goto(f"{base}/")
    wait_for_worker(phone)
    # Given the citizen looked at the tracking page with signal
    phone.goto(f"{base}/lacak/{complaint.tracking_code}/")
    seen = phone.locator("#current-step").inner_text()
    # and the complaint moved on since
    with schema_context(tenant.schema_name):
        do_transition_complaint(
            complaint=complaint, transition="distribute", actor=officer, inputs={"note": "PIAK"}
        )
    # When they open it again without signal
    phone.context.set_offline(True)
    phone.goto(f"{base}/lacak/{complaint.tracking_code}/")
    # Then the last known state shows, marked as such
    assert phone.locator("#current-step").inner_text() == seen
    assert phone.locator("#offline-note").is_visible()
    # and with signal again the new step
    phone.context.set_offline(False)
    phone.goto(f"{base}/lacak/{complaint.tracking_code}/")
    assert phone.locator("#current-step").inner_text() != seen
    assert phone.locator("#offline-note").is_hidden()
