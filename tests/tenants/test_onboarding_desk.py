"""Onboarding path 3: a village finds itself, asks for a complaint desk with an official letter,
and its verifier approves (the tenant is provisioned by a background job and the officer
invited) or rejects (the officer is told why) — through the actions, the API and the pages."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from pypdf import PdfWriter

from tenants import selectors, tasks
from tenants.actions.onboarding import (
    do_approve_desk_request,
    do_provision_desk,
    do_reject_desk_request,
    do_request_desk,
)
from tenants.auth.tasks import send_invitation_email
from tenants.errors import OnboardingErrorCode
from tenants.models import DeskRequest, Invitation, Role, Tenant, TenantEvent, TenantKind, User
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

KURIPAN = "33.01.02.2014"  # Desa Kuripan Kidul, Kec. Kesugihan, Kab. Cilacap


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def letter(content: bytes | None = None, name: str = "surat.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content)


def request_desk(village: str = KURIPAN, **overrides: Any) -> DeskRequest:
    fields: dict[str, Any] = {
        "village_code": village,
        "officer_name": "Siti Aminah",
        "officer_phone": "0812-3456-7890",
        "officer_email": "siti@desa.example.id",
        "letter": letter(),
    }
    fields.update(overrides)
    return do_request_desk(**fields)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Letters land in a scratch MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def broker() -> Iterator[dramatiq.Broker]:
    """The stub broker of the test settings, emptied before and after."""
    stub = tasks.provision_desk.broker
    stub.flush_all()
    yield stub
    stub.flush_all()


def enqueued(broker: dramatiq.Broker, actor: dramatiq.Actor[Any, Any]) -> list[tuple[Any, ...]]:
    queue = broker.queues.get(actor.queue_name)
    messages = [dramatiq.Message.decode(m) for m in list(queue.queue)] if queue else []
    return [tuple(m.args) for m in messages if m.actor_name == actor.actor_name]


@pytest.fixture
def cilacap(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap",
                          name="Pemerintah Kabupaten Cilacap")  # fmt: skip


@pytest.fixture
def regency_admin(cilacap: Tenant) -> User:
    return make_member(cilacap, Role.REGENCY_ADMIN, username="admin-cilacap")


# --- Finding the village --------------------------------------------------------------------


def test_village_search_tells_the_babakans_apart(reference_data: Any) -> None:
    matches = selectors.search_villages("babakan")
    assert [m.label for m in matches] == [
        "Desa Babakan — Kec. Pugung — Kab. Tanggamus — Lampung",
        "Desa Babakan — Kec. Kawunganten — Kab. Cilacap — Jawa Tengah",
        "Desa Babakan — Kec. Karangpucung — Kab. Cilacap — Jawa Tengah",
    ]
    assert [m.code for m in matches] == ["18.06.11.2012", "33.01.09.2014", "33.01.12.2010"]
    assert selectors.search_villages("ba") == []


def test_village_search_api_and_page(reference_data: Any, tenant_client: TenantClient) -> None:
    response = tenant_client.get("/api/v1/villages/?q=babakan")
    assert response.status_code == 200
    assert [v["code"] for v in response.json()] == [
        "18.06.11.2012",
        "33.01.09.2014",
        "33.01.12.2010",
    ]
    assert response.json()[1]["district"] == "Kawunganten"
    # The page is a plain GET form: it works without JavaScript
    page = tenant_client.get("/desa/daftar/?q=babakan")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Desa Babakan — Kec. Kawunganten — Kab. Cilacap — Jawa Tengah" in html
    assert 'href="/desa/daftar/33.01.09.2014/"' in html


# --- Asking for a desk ------------------------------------------------------------------------


def test_request_stores_the_phone_in_e164_and_waits(reference_data: Any) -> None:
    desk_request = request_desk()
    assert (desk_request.status, desk_request.officer_phone, desk_request.village_id) == (
        "pending",
        "+6281234567890",
        KURIPAN,
    )
    assert desk_request.letter.read(5) == b"%PDF-"
    assert not Tenant.objects.filter(region_id=KURIPAN).exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field", "message"),
    [
        ({"officer_phone": "12345"}, OnboardingErrorCode.INVALID_PHONE, "officer_phone",
         "Nomor telepon 12345 tidak valid (contoh: 0812 3456 7890)."),
        # a foreign number is for complainants abroad, not for a village's officer
        ({"officer_phone": "+852 5123 4567"}, OnboardingErrorCode.INVALID_PHONE, "officer_phone",
         "Nomor telepon +852 5123 4567 tidak valid (contoh: 0812 3456 7890)."),
        ({"officer_email": "siti-at-desa"}, OnboardingErrorCode.INVALID_EMAIL, "officer_email",
         "Alamat e-mail siti-at-desa tidak valid."),
        ({"letter": letter(b"GIF89a not a pdf at all", name="surat.pdf")},
         OnboardingErrorCode.INVALID_LETTER, "letter",
         "Surat resmi harus berkas PDF yang dapat dibaca."),
        ({"letter": letter(b"%PDF-1.7\nthis is no real pdf", name="surat.pdf")},
         OnboardingErrorCode.INVALID_LETTER, "letter",
         "Surat resmi harus berkas PDF yang dapat dibaca."),
        ({"letter": letter(b"%PDF-" + b"0" * (5 * 1024 * 1024))},
         OnboardingErrorCode.LETTER_TOO_LARGE, "letter",
         "Surat resmi terlalu besar (5.0 MB; maks. 5 MB)."),
        ({"village_code": "33.01.99.9999"}, "tenants.unknown_region", "village_code",
         "Kode wilayah 33.01.99.9999 tidak dikenal."),
        ({"village_code": "33.01.02"}, OnboardingErrorCode.NOT_A_VILLAGE, "village_code",
         "Kode wilayah 33.01.02 bukan desa/kelurahan."),
        ({"officer_name": "  "}, OnboardingErrorCode.MISSING_NAME, "officer_name",
         "Nama petugas wajib diisi."),
    ],
)  # fmt: skip
def test_bad_requests_are_refused_with_a_field_error_and_nothing_stored(
    reference_data: Any, overrides: dict[str, Any], code: str, field: str, message: str
) -> None:
    with pytest.raises(Exception) as raised:
        request_desk(**overrides)
    error: Any = raised.value
    assert (error.code, error.extra["field"], error.message) == (code, field, message)
    assert DeskRequest.objects.count() == 0


def test_one_desk_per_village(reference_data: Any, tenant_factory: TenantFactory) -> None:
    # Given a pending request for Kuripan Kidul
    request_desk()
    # When a second one comes, then it is refused clearly
    with pytest.raises(Exception) as raised:
        request_desk(officer_name="Orang Lain")
    assert raised.value.code == OnboardingErrorCode.DESK_PENDING  # type: ignore[attr-defined]
    assert str(raised.value) == (
        "Permohonan layanan pengaduan untuk Kuripan Kidul sudah diajukan dan sedang diverifikasi."
    )
    # and a village that already has a desk cannot ask again
    tenant_factory(region_code="33.01.09.2014")
    with pytest.raises(Exception) as exists:
        request_desk(village="33.01.09.2014")
    assert exists.value.code == OnboardingErrorCode.DESK_EXISTS  # type: ignore[attr-defined]
    assert DeskRequest.objects.count() == 1


def test_the_database_keeps_one_pending_request_per_village(reference_data: Any) -> None:
    first = request_desk()
    # Even past the action's check (a race), the partial unique index refuses a second one
    with pytest.raises(IntegrityError), transaction.atomic():
        DeskRequest.objects.create(
            village_id=KURIPAN, officer_name="x", officer_phone="+6281234567890",
            officer_email="x@example.id", letter=first.letter.name,
        )  # fmt: skip
    assert DeskRequest.objects.count() == 1


def test_request_through_the_api(reference_data: Any, tenant_client: TenantClient) -> None:
    response = tenant_client.post(
        "/api/v1/desk-requests/",
        {
            "village_code": KURIPAN,
            "officer_name": "Siti Aminah",
            "officer_phone": "+62 812 3456 7890",
            "officer_email": "siti@desa.example.id",
            "letter": letter(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["village"]["label"]) == (
        "pending",
        "Desa Kuripan Kidul — Kec. Kesugihan — Kab. Cilacap — Jawa Tengah",
    )
    status = tenant_client.get(f"/api/v1/desk-requests/{body['id']}/")
    assert status.json()["status"] == "pending"
    # The public status never shows the officer's contact details
    assert "officer_phone" not in status.json()


def test_api_refuses_a_renamed_image_as_letter(
    reference_data: Any, tenant_client: TenantClient
) -> None:
    response = tenant_client.post(
        "/api/v1/desk-requests/",
        {
            "village_code": KURIPAN,
            "officer_name": "Siti",
            "officer_phone": "081234567890",
            "officer_email": "siti@desa.example.id",
            "letter": letter(b"\x89PNG\r\n\x1a\n....", name="surat.pdf"),
        },
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "tenants.invalid_letter",
        "message": "Surat resmi harus berkas PDF yang dapat dibaca.",
        "extra": {
            "field": "letter",
            "fields": {"letter": ["Surat resmi harus berkas PDF yang dapat dibaca."]},
        },
    }
    assert DeskRequest.objects.count() == 0


def test_request_through_the_page_then_its_status_page(
    reference_data: Any, tenant_client: TenantClient
) -> None:
    form = tenant_client.get(f"/desa/daftar/{KURIPAN}/")
    assert "Desa Kuripan Kidul — Kec. Kesugihan" in form.content.decode()
    response = tenant_client.post(
        f"/desa/daftar/{KURIPAN}/",
        {
            "officer_name": "Siti Aminah",
            "officer_phone": "0812 3456 7890",
            "officer_email": "siti@desa.example.id",
            "letter": letter(),
        },
    )
    desk_request = DeskRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desa/permohonan/{desk_request.public_id}/"
    status = tenant_client.get(response["Location"])
    assert '<strong id="desk-status">Menunggu verifikasi</strong>' in status.content.decode()


def test_page_shows_field_errors_for_a_bad_phone_and_an_oversized_letter(
    reference_data: Any, tenant_client: TenantClient
) -> None:
    response = tenant_client.post(
        f"/desa/daftar/{KURIPAN}/",
        {
            "officer_name": "Siti Aminah",
            "officer_phone": "0812",
            "officer_email": "siti@desa.example.id",
            "letter": letter(),
        },
    )
    assert response.status_code == 400
    assert "Nomor telepon 0812 tidak valid" in response.content.decode()
    assert DeskRequest.objects.count() == 0


# --- Verifying --------------------------------------------------------------------------------


def test_approval_provisions_in_the_background_then_invites_the_officer(
    regency_admin: User, cilacap: Tenant, broker: dramatiq.Broker,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    desk_request = request_desk()
    # When the regency admin approves
    with django_capture_on_commit_callbacks(execute=True):
        do_approve_desk_request(desk_request=desk_request, actor=regency_admin)
    # Then the request is approved, and only a job was enqueued: no tenant yet
    desk_request.refresh_from_db()
    assert (desk_request.status, desk_request.decided_by) == ("approved", regency_admin)
    assert enqueued(broker, tasks.provision_desk) == [(desk_request.pk,)]
    assert not Tenant.objects.filter(region_id=KURIPAN).exists()
    # When the job runs
    with django_capture_on_commit_callbacks(execute=True):
        tasks.provision_desk.fn(desk_request.pk)
    # Then the village's tenant exists under its regency, with its schema
    tenant = Tenant.objects.get(region_id=KURIPAN)
    assert (tenant.slug, tenant.name, tenant.kind, tenant.parent) == (
        "desa-kuripan-kidul",
        "Pemerintah Desa Kuripan Kidul",
        TenantKind.PEMDES,
        cilacap,
    )
    assert tenant.schema_state != ""
    desk_request.refresh_from_db()
    assert desk_request.tenant == tenant
    event = TenantEvent.objects.get(tenant=tenant)
    assert (event.kind, event.actor) == ("created", regency_admin)
    # and the officer is invited as tenant admin and complaint officer, by e-mail
    invitations = Invitation.objects.filter(tenant=tenant).order_by("role")
    assert [(i.email, i.role) for i in invitations] == [
        ("siti@desa.example.id", Role.OFFICER),
        ("siti@desa.example.id", Role.TENANT_ADMIN),
    ]
    for invitation_id, token in enqueued(broker, send_invitation_email):
        send_invitation_email.fn(invitation_id, token)
    assert [m.to for m in mail.outbox] == [["siti@desa.example.id"]] * 2
    assert f"/t/{tenant.slug}/accounts/invitation/" in str(mail.outbox[0].body)
    # and running the job again (a retry) changes nothing
    assert do_provision_desk(desk_request_id=desk_request.pk) == tenant
    assert Tenant.objects.filter(region_id=KURIPAN).count() == 1
    assert Invitation.objects.filter(tenant=tenant).count() == 2


def test_rejection_emails_the_reason(
    regency_admin: User, broker: dramatiq.Broker, django_capture_on_commit_callbacks: Any
) -> None:
    desk_request = request_desk()
    with django_capture_on_commit_callbacks(execute=True):
        do_reject_desk_request(desk_request=desk_request, reason="Surat tidak ditandatangani.",
                               actor=regency_admin)  # fmt: skip
    assert enqueued(broker, tasks.notify_desk_rejected) == [(desk_request.pk,)]
    tasks.notify_desk_rejected.fn(desk_request.pk)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["siti@desa.example.id"]
    assert sent.subject == "Permohonan layanan pengaduan Kuripan Kidul ditolak"
    assert "Alasan: Surat tidak ditandatangani." in str(sent.body)
    # and the village may ask again once rejected
    assert request_desk().status == "pending"


def test_a_decision_is_final_and_rejection_needs_a_reason(
    regency_admin: User, broker: dramatiq.Broker
) -> None:
    desk_request = request_desk()
    with pytest.raises(Exception) as no_reason:
        do_reject_desk_request(desk_request=desk_request, reason=" ", actor=regency_admin)
    assert no_reason.value.code == OnboardingErrorCode.REASON_REQUIRED  # type: ignore[attr-defined]
    do_approve_desk_request(desk_request=desk_request, actor=regency_admin)
    with pytest.raises(Exception) as twice:
        do_reject_desk_request(desk_request=desk_request, reason="Terlambat", actor=regency_admin)
    assert twice.value.code == OnboardingErrorCode.ALREADY_DECIDED  # type: ignore[attr-defined]
    desk_request.refresh_from_db()
    assert (desk_request.status, desk_request.reason) == ("approved", "")


def test_who_verifies_which_request(
    regency_admin: User, tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a request in Cilacap (on Aduan) and one in Tanggamus (a regency not on Aduan)
    in_cilacap = request_desk()
    elsewhere = request_desk(village="18.06.11.2001")
    operator = make_member(Tenant.objects.get(schema_name="public"), Role.PLATFORM_OPERATOR)
    other_admin = make_member(
        tenant_factory(kind=TenantKind.PEMKAB, region_code="61.03"), Role.REGENCY_ADMIN
    )
    # Then Cilacap's admin sees only Cilacap's, the operator both, Sanggau's admin none
    assert list(selectors.desk_queue(regency_admin)) == [in_cilacap]
    assert set(selectors.desk_queue(operator)) == {in_cilacap, elsewhere}
    assert list(selectors.desk_queue(other_admin)) == []
    # and another regency's admin gets 404 for the request and its letter, nothing changed
    sign_in(tenant_client, other_admin)
    for path in (
        f"/console/desk-requests/{in_cilacap.public_id}/",
        f"/console/desk-requests/{in_cilacap.public_id}/letter/",
        f"/api/v1/console/desk-requests/{in_cilacap.public_id}/letter/",
    ):
        assert tenant_client.get(path).status_code == 404, path
    response = tenant_client.post(f"/api/v1/console/desk-requests/{in_cilacap.public_id}/approve/")
    assert response.status_code == 404
    in_cilacap.refresh_from_db()
    assert in_cilacap.status == "pending"


def test_verifier_pages_approve_and_download_the_letter(
    regency_admin: User, tenant_client: TenantClient, broker: dramatiq.Broker,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    desk_request = request_desk()
    sign_in(tenant_client, regency_admin)
    queue = tenant_client.get("/console/desk-requests/")
    assert "Desa Kuripan Kidul — Kec. Kesugihan" in queue.content.decode()
    letter_response = tenant_client.get(f"/console/desk-requests/{desk_request.public_id}/letter/")
    assert letter_response.status_code == 200
    assert b"".join(letter_response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_client.post(
            f"/console/desk-requests/{desk_request.public_id}/", {"decision": "approve"}
        )
    assert response.status_code == 302
    assert enqueued(broker, tasks.provision_desk) == [(desk_request.pk,)]


def test_verifier_api_rejects_with_a_reason(
    regency_admin: User, tenant_client: TenantClient, broker: dramatiq.Broker
) -> None:
    desk_request = request_desk()
    sign_in(tenant_client, regency_admin)
    url = f"/api/v1/console/desk-requests/{desk_request.public_id}/reject/"
    missing = tenant_client.post(url, {}, content_type="application/json")
    assert missing.status_code == 400
    assert missing.json()["extra"]["fields"] == {"reason": ["Alasan penolakan wajib diisi."]}
    response = tenant_client.post(url, json.dumps({"reason": "Bukan kop desa."}),
                                  content_type="application/json")  # fmt: skip
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("rejected", "Bukan kop desa.")
    queue = tenant_client.get("/api/v1/console/desk-requests/?status=rejected")
    assert [r["id"] for r in queue.json()] == [str(desk_request.public_id)]
