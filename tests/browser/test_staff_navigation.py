"""Each staff role of the demo signs in, lands on its first page (the work queue, or the
platform's home for the operator), and reaches every page of its work by links only."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from complaints.models import Complaint
from tenants.demo import DEMO_PASSWORD, do_create_demo_data
from tenants.models import Tenant, User
from tenants.permissions import requires_two_factor
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.browser

VILLAGE = "desa-kuripan-kidul"
# (username, where they sign in, pages their menu must offer, pages it must not)
ROLES: list[tuple[str, str, set[str], set[str]]] = [
    ("petugas", VILLAGE, {"Buku pengaduan", "Ekspor", "Catat pengaduan", "Penerusan"},
     {"Pengaturan penerusan", "Anggota"}),
    ("penjawab", VILLAGE, {"Buku pengaduan", "Ekspor"},
     {"Pengaturan penerusan", "Catat pengaduan"}),
    ("penghubung", VILLAGE, {"Buku pengaduan", "Ekspor", "Penerusan"},
     {"Pengaturan penerusan"}),
    ("kepala", VILLAGE, {"Buku pengaduan", "Ekspor"}, {"Pengaturan penerusan"}),
    ("auditor", VILLAGE, {"Buku pengaduan", "Ekspor"},
     {"Pengaturan penerusan", "Catat pengaduan"}),
    ("wbs", VILLAGE, {"Buku pengaduan", "Ekspor", "Catat pengaduan"}, {"Pengaturan penerusan"}),
    ("admin", VILLAGE, {"Buku pengaduan", "Ekspor", "SOP", "Anggota", "Pengaturan penerusan",
                        "Tim"}, set()),
    ("admin-kabupaten", "pemkab-cilacap", {"Pemilahan", "Direktori kewenangan"},
     {"Buku pengaduan", "Ekspor"}),
    ("operator", "", {"Verifikasi layanan desa", "Instansi yang dikelola"},
     {"Buku pengaduan", "Ekspor"}),
]  # fmt: skip


def sign_in(page: Any, base: str, username: str) -> None:
    """Through the sign-in form (and the TOTP step for a role that needs it), no `next`."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    user = User.objects.get(username=username)
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None
        page.get_by_label("Kode 6 angka").fill(f"{TOTP(device.bin_key).token():06d}")
        page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_load_state()


def menu(page: Any) -> dict[str, str]:
    found: list[list[str]] = page.locator("#staff-nav a").evaluate_all(
        "links => links.map(a => [a.innerText, a.getAttribute('href')])"
    )
    return {pair[0]: pair[1] for pair in found}


def test_each_demo_role_reaches_its_work_by_links_from_the_first_page(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given the demo (its tenants and one login per role) and a complaint at the village
    demo = do_create_demo_data()
    tenant_factory.created.extend(t.schema_name for t in demo)
    for user in User.objects.filter(username__in=[r[0] for r in ROLES]):
        if requires_two_factor(user):
            TOTPDevice.objects.create(user=user, name="ponsel", confirmed=True)
    village = Tenant.objects.get(slug=VILLAGE)
    complaint = file_complaint(village, subject="Jalan rusak di dusun 2")
    for username, slug, wanted, unwanted in ROLES:
        base = f"{live_server.url}/t/{slug}" if slug else live_server.url
        # When they sign in
        sign_in(page, base, username)
        # Then the first page is their work queue (the operator: the platform's home)
        first = page.url
        if slug:
            assert first == f"{base}/console/", (username, first)
            assert page.locator("#queue-counts").count() == 1 or username == "admin-kabupaten"
        else:
            assert first == f"{live_server.url}/", (username, first)
        # and its menu offers the pages of their work, and nothing they may not open
        offered = menu(page)
        assert wanted <= set(offered), (username, sorted(offered))
        assert not unwanted & set(offered), (username, sorted(offered))
        # and every page of the menu opens, reached by clicking from the first page on, each
        # page offering the same menu (one navigation a page, not two)
        for label, href in offered.items():
            with page.expect_navigation() as opened:
                page.locator("#staff-nav").get_by_role("link", name=label, exact=True).click()
            response = opened.value
            assert response is not None and response.status == 200, (username, label, href)
            assert menu(page) == offered, (username, label)
        # and whoever reads the register reaches the complaint from it
        if "Buku pengaduan" in offered:
            page.goto(first)
            page.locator("#staff-nav").get_by_role("link", name="Buku pengaduan").click()
            with schema_context(village.schema_name):
                number = Complaint.objects.get(pk=complaint.pk).number
            if username == "penghubung":
                # a liaison officer sees only what was handed to them
                assert page.get_by_role("link", name=number).count() == 0
                continue
            page.get_by_role("link", name=number).click()
            assert page.locator("#complaint-number").inner_text() == number
