"""A village registers its complaint desk in a real browser, and its regency admin approves it:
search the village → fill the form with a real PDF → submit → the admin signs in → approves →
a real dramatiq worker provisions the desk → its landing page opens."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from dramatiq.brokers.stub import StubBroker
from pypdf import PdfWriter

from tenants import tasks
from tenants.auth.tasks import send_invitation_email
from tenants.models import DeskRequest, Role, Tenant, TenantKind
from tests.factories import DEFAULT_PASSWORD, TenantFactory, make_member
from tests.services import running_worker, wait_for, with_middleware

pytestmark = pytest.mark.browser

KURIPAN_KIDUL = "Desa Kuripan Kidul — Kec. Kesugihan — Kab. Cilacap — Jawa Tengah"


def test_village_registers_its_desk_and_the_regency_admin_approves_it(
    page: Any, live_server: Any, tenant_factory: TenantFactory, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Given Kabupaten Cilacap on Aduan with its regency admin, and a signed letter as a PDF
    cilacap = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01",
                             name="Pemerintah Kabupaten Cilacap")  # fmt: skip
    admin = make_member(cilacap, Role.REGENCY_ADMIN, username="admin-cilacap")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    letter = tmp_path / "surat-permohonan.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    letter.write_bytes(buffer.getvalue())

    # When the village secretary finds their village from the front door
    page.goto(f"{live_server.url}/")
    page.locator("#desk-signup").click()
    page.get_by_role("searchbox").fill("Kuripan")
    page.get_by_role("button", name="Cari").click()
    page.get_by_role("link", name=KURIPAN_KIDUL).click()
    assert page.locator("#village-label").inner_text() == KURIPAN_KIDUL
    # and sends the request with the officer's details and the letter
    page.get_by_label("Nama petugas").fill("Siti Aminah")
    page.get_by_label("Nomor telepon/WhatsApp").fill("0812 3456 7890")
    page.get_by_label("E-mail petugas").fill("siti@kuripankidul.example.id")
    page.get_by_label("Surat resmi (PDF, maks. 5 MB)").set_input_files(str(letter))
    page.get_by_role("button", name="Kirim permohonan").click()
    # Then the request waits, and its status page says so
    page.wait_for_url("**/desa/permohonan/**")
    status_url = page.url
    assert page.locator("#desk-status").inner_text() == "Menunggu verifikasi"
    desk_request = DeskRequest.objects.get()
    assert desk_request.officer_phone == "+6281234567890"

    device = TOTPDevice.objects.create(user=admin, name="ponsel", confirmed=True)
    broker = with_middleware(StubBroker())
    broker.emit_after("process_boot")
    with running_worker(broker, tasks.provision_desk, send_invitation_email):
        # When the regency admin signs in, opens the queue and approves
        page.goto(f"{live_server.url}/accounts/login/?next=/console/desk-requests/")
        page.get_by_label("Nama pengguna").fill(admin.username)
        page.get_by_label("Kata sandi").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Masuk", exact=True).click()
        # an admin passes the TOTP step (tenants.auth.two_factor) with their authenticator
        page.get_by_label("Kode 6 angka").fill(f"{TOTP(device.bin_key).token():06d}")
        page.get_by_role("button", name="Verifikasi").click()
        page.get_by_role("link", name=KURIPAN_KIDUL).click()
        page.get_by_role("button", name="Setujui").click()
        assert page.locator("#desk-status").inner_text() == "Disetujui"
        # Then a worker provisions the desk in the background
        tenant = wait_for(lambda: Tenant.objects.filter(region_id="33.01.02.2014").first())
        tenant_factory.created.append(tenant.schema_name)  # dropped after the test
        broker.join(tasks.provision_desk.queue_name, timeout=20_000)
    # and the officer received two activation links (tenant admin, complaint officer)
    assert sorted(m.to[0] for m in mail.outbox) == ["siti@kuripankidul.example.id"] * 2
    # When the requester reloads the status page, then it leads to the new desk's landing page
    page.goto(status_url)
    page.locator("#desk-landing").click()
    page.wait_for_url(f"**/t/{tenant.slug}/")
    assert page.locator("#tenant-name").inner_text() == "Pemerintah Desa Kuripan Kidul"
    assert tenant.parent == cilacap
