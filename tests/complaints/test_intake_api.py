"""Public intake through the API and the web form: the same action, field errors on bad input."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from pypdf import PdfReader

from complaints.models import Attachment, Complaint
from tenants.models import Role
from tests.client import TenantClient
from tests.complaints.files import disguised_program, oversized_photo, photo
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db

FILED = {
    "name": "Budi Santoso",
    "address": "Dusun Krajan RT 01 RW 02",
    "phone": "0813 2222 3333",
    "subject": "KTP-el belum jadi",
    "description": "Rekam KTP-el 3 bulan lalu di kantor kecamatan, sampai sekarang belum jadi.",
}


def _stored(tenant: Any) -> list[tuple[str, str, bool]]:
    with schema_context(tenant.schema_name):
        # (the phone is sealed at rest: read through the model, never values_list)
        return [(c.subject, c.phone, c.is_confidential) for c in Complaint.objects.order_by("pk")]


def test_api_intake_returns_the_receipt(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given Desa Babakan
    tenant = tenant_factory(slug="babakan")
    # When a citizen files through the API as JSON
    response = tenant_client.post(
        "/api/v1/complaints/", FILED, content_type="application/json", tenant=tenant
    )
    # Then the receipt comes back with the first register number and a tracking code
    assert response.status_code == 201
    body = response.json()
    year = timezone.localtime().year
    assert body["number"] == f"0001/ADU/BABAKAN/{year}"
    assert body["channel"] == "web"
    assert body["is_complete"] is True
    assert body["missing_elements"] == []
    assert body["track_url"] == f"/t/babakan/lacak/{body['tracking_code']}/"
    assert _stored(tenant) == [("KTP-el belum jadi", "+6281322223333", True)]


def test_multipart_intake_without_a_privacy_choice_stays_confidential(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a multipart form that leaves out is_confidential (a missing box reads as False
    # in HTML forms), with a photo
    tenant = tenant_factory()
    response = tenant_client.post(
        "/api/v1/complaints/", {**FILED, "attachments": [photo()]}, tenant=tenant
    )
    # Then the complaint is rahasia, and the photo was kept
    assert response.status_code == 201, response.content
    assert _stored(tenant)[0][2] is True
    with schema_context(tenant.schema_name):
        assert Attachment.objects.count() == 1


def test_api_intake_missing_identity_is_kept_incomplete(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    given = {"subject": "Lampu jalan mati", "description": "Sudah seminggu lampu jalan mati."}
    response = tenant_client.post(
        "/api/v1/complaints/", given, content_type="application/json", tenant=tenant
    )
    assert response.status_code == 201
    body = response.json()
    assert body["is_complete"] is False
    assert body["state"] == "incomplete"
    assert body["missing_elements"] == ["name", "address", "phone"]


def test_api_invalid_phone_is_a_field_error_and_nothing_is_stored(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    response = tenant_client.post(
        "/api/v1/complaints/",
        {**FILED, "phone": "0812"},
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "complaints.invalid_phone"
    assert list(body["extra"]["fields"]) == ["phone"]
    assert _stored(tenant) == []


def test_api_intake_accepts_a_migrant_workers_foreign_number_in_plus_form(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complainant working abroad, with a Hong Kong number
    tenant = tenant_factory()
    # When they file through the API
    response = tenant_client.post(
        "/api/v1/complaints/",
        {**FILED, "phone": "+852 5123 4567"},
        content_type="application/json",
        tenant=tenant,
    )
    # Then the complaint is filed with the number in E.164
    assert response.status_code == 201
    with schema_context(tenant.schema_name):
        assert [c.phone for c in Complaint.objects.all()] == ["+85251234567"]


@pytest.mark.parametrize("bad", ["disguised", "oversized"])
def test_api_bad_attachment_is_a_field_error_and_nothing_is_stored(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any, bad: str
) -> None:
    tenant = tenant_factory()
    settings.ADUAN_ATTACHMENT_MAX_BYTES = 50_000  # keeps the test upload small
    upload = disguised_program() if bad == "disguised" else oversized_photo(50_000)
    response = tenant_client.post(
        "/api/v1/complaints/", {**FILED, "attachments": [upload]}, tenant=tenant
    )
    assert response.status_code == 400
    body = response.json()
    assert (
        body["code"]
        == {
            "disguised": "complaints.attachment_type",
            "oversized": "complaints.attachment_too_large",
        }[bad]
    )
    assert list(body["extra"]["fields"]) == ["attachments"]
    assert _stored(tenant) == []


def test_public_intake_is_rate_limited(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    # Given a limit of two intakes per address
    settings.ADUAN_RATE_LIMITS = {**settings.ADUAN_RATE_LIMITS, "intake": "2/hour"}
    tenant = tenant_factory()
    statuses = [
        tenant_client.post(
            "/api/v1/complaints/", FILED, content_type="application/json", tenant=tenant
        ).status_code
        for _ in range(3)
    ]
    # When a third one comes, then it is refused and not stored; the form is limited too
    assert statuses == [201, 201, 429]
    form = tenant_client.post("/pengaduan/baru/", FILED, tenant=tenant)
    assert form.status_code == 429
    assert int(form["Retry-After"]) > 0
    assert len(_stored(tenant)) == 2


def test_form_has_rahasia_preselected(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    page = tenant_client.get("/pengaduan/baru/", tenant=tenant).content.decode()
    assert 'value="rahasia" id="id_privacy_0" checked' in page
    assert page.count(" checked") == 1


def test_form_files_a_complaint_and_shows_the_receipt_and_its_pdf(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given the public form of a tenant
    tenant = tenant_factory(slug="kuripan-kidul", name="Pemerintah Desa Kuripan Kidul")
    # When a citizen sends it with a photo, keeping the privacy default
    response = tenant_client.post(
        "/pengaduan/baru/", {**FILED, "privacy": "rahasia", "attachments": [photo()]}, tenant=tenant
    )
    # Then they land on the receipt with the number and the tracking code
    assert response.status_code == 302
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get()
    assert (
        response["Location"]
        == f"/t/kuripan-kidul/pengaduan/tanda-terima/{complaint.tracking_code}/"
    )
    receipt = tenant_client.get(response["Location"], tenant=None).content.decode()
    assert complaint.number in receipt
    assert complaint.tracking_code in receipt
    assert complaint.is_confidential is True
    # and the printable PDF holds the same number and code
    pdf = tenant_client.get(
        f"/pengaduan/tanda-terima/{complaint.tracking_code}/pdf/", tenant=tenant
    )
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert complaint.number in text
    assert complaint.tracking_code in text
    assert "Pemerintah Desa Kuripan Kidul" in text


def test_form_invalid_phone_is_reshown_with_the_error_and_nothing_is_stored(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    response = tenant_client.post("/pengaduan/baru/", {**FILED, "phone": "+852 12"}, tenant=tenant)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-phone"' in page
    assert "Nomor telepon/WhatsApp tidak valid" in page
    assert 'value="KTP-el belum jadi"' in page  # what they typed is kept for correction
    assert _stored(tenant) == []


def test_form_error_in_english(tenant_factory: TenantFactory, tenant_client: TenantClient) -> None:
    tenant = tenant_factory()
    tenant_client.cookies["django_language"] = "en"
    response = tenant_client.post(
        "/api/v1/complaints/",
        json.dumps({**FILED, "phone": "12"}),
        content_type="application/json",
        tenant=tenant,
    )
    assert response.json()["extra"]["fields"]["phone"] == [
        "Invalid phone/WhatsApp number: use an Indonesian number, e.g. 0812 3456 7890, "
        "or a foreign number with + and the country code, e.g. +852 5123 4567."
    ]


def test_the_receipt_names_the_complainant_only_to_the_filer_and_staff(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint filed from one browser
    tenant = tenant_factory()
    filed = tenant_client.post("/pengaduan/baru/", {**FILED, "privacy": "rahasia"}, tenant=tenant)
    assert filed.status_code == 302
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get()
    page = f"/pengaduan/tanda-terima/{complaint.tracking_code}/"
    pdf = page + "pdf/"

    def shows_name(client: TenantClient) -> tuple[bool, bool]:
        html = client.get(page, tenant=tenant).content.decode()
        text = PdfReader(io.BytesIO(client.get(pdf, tenant=tenant).content)).pages[0]
        return complaint.name in html, complaint.name in text.extract_text()

    # Then that browser sees the name on the receipt and its PDF
    assert complaint.name
    assert shows_name(tenant_client) == (True, True)
    # while another browser holding only the code does not
    stranger = TenantClient()
    assert shows_name(stranger) == (False, False)
    # nor one with a forged cookie, but the tenant's staff do
    stranger.cookies["aduan_filed"] = complaint.tracking_code
    assert shows_name(stranger) == (False, False)
    staff = TenantClient()
    sign_in(staff, make_member(tenant, Role.OFFICER, username="petugas-rcpt"))
    assert shows_name(staff) == (True, True)
