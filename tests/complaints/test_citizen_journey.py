"""The citizen's journey after the front door: the receipt for the browser that filed, the
platform's tracking page wherever the complaint is now, styled 404s, compressed pages."""

from __future__ import annotations

import gzip

import pytest

from complaints.actions.forward import do_forward_complaint
from tenants.models import TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.django_db

FORM = {
    "place": "33.01.12.2010",
    "subject": "Dana desa tidak diumumkan",
    "description": "APBDes tahun ini tidak dipasang di balai desa.",
    "name": "Siti Aminah",
    "address": "RT 02 RW 03",
    "phone": "0812-3456-7890",
}


def test_the_front_door_offers_the_receipt_and_its_pdf_to_the_browser_that_filed(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a village on Aduan
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    tenant_factory(region_code="33.01.12.2010", parent=regency, slug="babakan")
    # When a citizen files at the front door's page
    filed = tenant_client.post("/pengaduan/", FORM)
    # Then the confirmation links the receipt, its PDF and the tracking page
    assert filed.status_code == 200, filed.content
    page = filed.content.decode()
    code = page.split('id="tracking-code">')[1].split("<")[0]
    assert f'href="/pengaduan/tanda-terima/{code}/"' in page
    assert f'href="/pengaduan/tanda-terima/{code}/pdf/"' in page
    assert f'href="/lacak/?kode={code}"' in page
    # and the receipt shows this browser the name, the register number and the code
    receipt = tenant_client.get(f"/pengaduan/tanda-terima/{code}/").content.decode()
    assert "Siti Aminah" in receipt
    assert "0001/ADU/BABAKAN/" in receipt and code in receipt
    pdf = tenant_client.get(f"/pengaduan/tanda-terima/{code}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # but someone else holding only the code never sees the name
    stranger = TenantClient().get(f"/pengaduan/tanda-terima/{code}/").content.decode()
    assert code in stranger and "Siti Aminah" not in stranger
    # and an unknown code is a styled "not found"
    missing = tenant_client.get("/pengaduan/tanda-terima/ZZZZZZZZ/")
    assert missing.status_code == 404
    assert 'id="not-found"' in missing.content.decode()


def test_the_platform_tracking_page_shows_the_holders_page_after_a_forward(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint filed at a village and forwarded to the regency's public works
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr-cilacap")
    officer = make_member(village, "officer")
    filed = file_complaint(village)
    do_forward_complaint(
        tenant=village,
        complaint_id=filed.pk,
        to="pupr-cilacap",
        reason="Jalan kabupaten",
        actor=officer,
    )
    # When the citizen opens the platform's tracking page
    page = tenant_client.get(f"/lacak/?kode={filed.tracking_code}").content.decode()
    # Then it shows the step by name (not the raw key), the due date and why, the timeline
    step = page.split('id="current-step">')[1].split("<")[0]
    assert step == "Diterima: menunggu verifikasi admin"
    assert 'id="due-date"' in page and "Mengapa tanggal ini?" in page
    assert 'id="timeline"' in page and f"Diteruskan dari {village.name} ke {pupr.name}." in page
    # and links to the holder's own page to reply, rate or reopen
    assert f'href="/t/pupr-cilacap/lacak/{filed.tracking_code}/"' in page
    # and in English, the step and the labels follow
    tenant_client.cookies["django_language"] = "en"
    english = tenant_client.get(f"/lacak/?kode={filed.tracking_code}").content.decode()
    english_step = english.split('id="current-step">')[1].split("<")[0]
    assert english_step == "Received: awaiting verification by the admin"
    assert "Why this date?" in english


@pytest.mark.parametrize(
    ("language", "title"), [("id", "Halaman tidak ditemukan"), ("en", "Page not found")]
)
def test_a_missing_page_is_styled_in_the_users_language(
    tenant_factory: TenantFactory, tenant_client: TenantClient, language: str, title: str
) -> None:
    village = tenant_factory(slug="desa-babakan")
    tenant_client.cookies["django_language"] = language
    for tenant in (None, village):
        response = tenant_client.get("/tidak-ada/", tenant=tenant)
        assert response.status_code == 404
        body = response.content.decode()
        assert f"<h1>{title}</h1>" in body
        assert 'id="not-found"' in body


def test_html_is_compressed(tenant_factory: TenantFactory, tenant_client: TenantClient) -> None:
    response = tenant_client.get("/pengaduan/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip"
    assert b"<form" in gzip.decompress(response.content)
