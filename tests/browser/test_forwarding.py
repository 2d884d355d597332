"""An officer forwards a complaint to another body in a real browser; the receiver accepts it;
the citizen's tracking page shows the journey."""

from __future__ import annotations

from typing import Any

import pytest

from tenants.models import Role, TenantKind
from tests.factories import DEFAULT_PASSWORD, TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.browser


def sign_in(page: Any, base: str, username: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"**{next_path}")


def test_an_officer_forwards_and_the_receiver_accepts(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given a complaint about a regency bridge at Desa Babakan, and the public-works agency
    village = tenant_factory(name="Pemerintah Desa Babakan", slug="desa-babakan")
    pupr = tenant_factory(
        kind=TenantKind.OPD, region_code="33.01", name="Dinas PUPR Cilacap", slug="pupr-cilacap"
    )
    complaint = file_complaint(village, subject="Jembatan kabupaten putus")
    make_member(village, Role.OFFICER, username="petugas-desa")
    make_member(pupr, Role.OFFICER, username="petugas-pupr")
    base = live_server.url
    # When the village officer forwards it with a reason
    sign_in(page, base, "petugas-desa", "/t/desa-babakan/forwarding/")
    form = page.locator("#forward-form")
    form.locator("select[name=complaint]").select_option(str(complaint.pk))
    form.locator("input[name=to]").fill("pupr-cilacap")
    form.locator("input[name=reason]").fill("Jembatan milik kabupaten")
    form.get_by_role("button", name="Teruskan").click()
    # Then the page confirms it and lists it as forwarded, now at the agency
    page.wait_for_selector("article[role=status]")
    status = page.locator("article[role=status]").inner_text()
    assert status == f"Pengaduan {complaint.number} diteruskan ke Dinas PUPR Cilacap."
    row = page.locator("#forwarded tbody tr").inner_text()
    assert complaint.number in row and "Jembatan milik kabupaten" in row
    # When the agency's officer opens the forwarding page and accepts it
    sign_in(page, base, "petugas-pupr", "/t/pupr-cilacap/forwarding/")
    incoming = page.locator("article.incoming")
    assert incoming.count() == 1
    assert "Jembatan kabupaten putus" in incoming.inner_text()
    assert "Dari Pemerintah Desa Babakan" in incoming.inner_text()
    incoming.get_by_role("button", name="Terima").click()
    # Then it is accepted and nothing waits any more
    page.wait_for_selector("article[role=status]")
    assert page.locator("article[role=status]").inner_text().endswith(" diterima.")
    assert page.locator("article.incoming").count() == 0
    # and the citizen's tracking page shows the journey
    page.context.clear_cookies()
    page.goto(f"{base}/lacak/?kode={complaint.tracking_code}")
    assert page.locator("#holder").inner_text() == "Dinas PUPR Cilacap"
    journey = page.locator("#journey li").inner_text()
    assert "Pemerintah Desa Babakan → Dinas PUPR Cilacap" in journey
    assert "Diteruskan · Diterima" in journey
