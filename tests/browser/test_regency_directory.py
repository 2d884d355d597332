"""A regency admin of Kabupaten Cilacap (285 tenants) pages through the authority directory in a
real browser, from the staff menu to a village listed far beyond the old cut at 100, and
changes what it declares; then sends a triaged complaint to a village picked from the list."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from routing.models import Authority, TriageEntry, TriageStatus
from tenants.models import Role, Tenant, TenantKind
from tests.factories import DEFAULT_PASSWORD, TenantFactory, file_complaint, make_member
from tests.routing.test_regency_scale import load_villages

pytestmark = pytest.mark.browser


def cilacap(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(
        kind=TenantKind.PEMKAB,
        region_code="33.01",
        name="Pemerintah Kabupaten Cilacap",
        slug="pemkab-cilacap",
    )


def test_the_regency_admin_pages_to_the_last_village_and_edits_it(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given Kabupaten Cilacap: its government and 284 villages, and its admin
    regency = cilacap(tenant_factory)
    villages = load_villages(regency, 284)
    admin = make_member(regency, Role.REGENCY_ADMIN, username="admin-cilacap")
    device = TOTPDevice.objects.create(user=admin, name="ponsel", confirmed=True)
    last = sorted([regency, *villages], key=lambda t: (t.name, t.pk))[-1]
    # When the admin signs in (with the second factor) and opens the directory from the menu
    page.goto(f"{live_server.url}/accounts/login/?next=/t/pemkab-cilacap/triage/")
    page.get_by_label("Nama pengguna").fill(admin.username)
    page.get_by_label("Kata sandi").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_label("Kode 6 angka").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Verifikasi").click()
    page.get_by_role("link", name="Direktori kewenangan").first.click()
    # Then it counts all 285 tenants, 25 a page
    assert page.locator("#directory-count").inner_text() == "285"
    assert page.locator("details.authority").count() == 25
    # When the admin follows "Berikutnya" to the last page
    pages = 1
    while page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        pages += 1
        page.wait_for_url(f"**/directory/?page={pages}")  # the next page, not the one leaving
    assert pages == 12 and page.locator("details.authority").count() == 10
    # and opens the last village and declares roads and bridges for it
    entry = page.locator("details.authority", has_text=last.name)
    entry.locator("summary").click()
    entry.locator("input[value=jalan-jembatan]").check()
    entry.get_by_role("button", name="Simpan").click()
    # Then the declaration is saved
    expect(page.get_by_text(f"Deklarasi {last.name} disimpan.")).to_be_visible()
    assert "jalan-jembatan" in Authority.objects.get(tenant=last).categories.values_list(
        "key", flat=True
    )


def test_the_regency_admin_sends_a_triaged_complaint_to_a_village_from_the_list(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given Cilacap with 60 villages and one complaint waiting in its triage queue
    regency = cilacap(tenant_factory)
    target = tenant_factory(region_code="33.01.09.2014", parent=regency,
                            name="Pemerintah Desa Babakan", slug="desa-babakan")  # fmt: skip
    load_villages(regency, 60)
    # (filed with the regency government, unsure where it belongs: what the front door does)
    complaint = file_complaint(regency, subject="Mohon bantuan")
    TriageEntry.objects.create(
        tracking_code=complaint.tracking_code, regency_id="33.01", holder=regency,
        subject=complaint.subject, reason="Tidak ada instansi yang menyatakan kategori ini.",
        status=TriageStatus.OPEN,
    )  # fmt: skip
    admin = make_member(regency, Role.REGENCY_ADMIN, username="admin-cilacap")
    device = TOTPDevice.objects.create(user=admin, name="ponsel", confirmed=True)
    page.goto(f"{live_server.url}/accounts/login/?next=/t/pemkab-cilacap/triage/")
    page.get_by_label("Nama pengguna").fill(admin.username)
    page.get_by_label("Kata sandi").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.get_by_label("Kode 6 angka").fill(f"{TOTP(device.bin_key).token():06d}")
    page.get_by_role("button", name="Verifikasi").click()
    # Then every body of the regency is offered once, for the entry's "send to" field
    options = page.locator("#triage-targets option")
    assert options.count() == Tenant.objects.filter(region__code__startswith="33.01").count()
    entry = page.locator("article.triage-entry")
    assert entry.count() == 1
    entry.get_by_label("Teruskan ke").fill("desa-babakan")
    entry.get_by_label("Alasan").fill("Jalan desa: kewenangan desa.")
    entry.get_by_role("button", name="Teruskan").click()
    # When it is sent: the page says where, and the queue is empty
    expect(page.get_by_text(f"Diteruskan ke {target.name}.")).to_be_visible()
    assert TriageEntry.objects.get().status == TriageStatus.DONE
