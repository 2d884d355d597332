"""Issue 18, the last pieces: a WBS report's files sealed at rest and opened only for its WBS
officers; a WBS report entered at the desk gets a receipt key too; the head dismisses a WBS
officer (second factor, recorded), who at once finds WBS reports "not found"."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from aduan import envelope
from complaints import sealing, wbs
from complaints.actions import wbs as wbs_actions
from complaints.forwarding import in_schema
from complaints.models import Attachment, Complaint
from complaints.public.models import WbsReceipt, WbsRecord, WbsRecordKind
from tenants.models import Membership, Role, Tenant, TenantKind, User
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db

MARK = b"BUKTI-RAHASIA-LOKET-7"


def client_of(user: User, *, two_factor: bool = True) -> TenantClient:
    client = TenantClient()
    sign_in(client, user, two_factor=two_factor)
    return client


def send(client: TenantClient, path: str, tenant: Tenant, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", tenant=tenant)


def enable(tenant: Tenant) -> None:
    with schema_context(tenant.schema_name):
        wbs_actions.do_set_wbs_policy(tenant=tenant, enabled=True, actor=None)


def png_with_text() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 10)).save(out, format="PNG")
    return out.getvalue()


def pdf_with_text() -> bytes:
    """A real one-page PDF whose page says MARK (its content stream survives the metadata
    stripping, so a stored plain file would show it)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 12 Tf 10 10 Td (" + MARK + b") Tj ET")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_wbs_reports_files_are_sealed_on_disk_and_open_only_for_its_wbs_officers(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = tenant_factory()
    enable(tenant)
    pdf = pdf_with_text()
    photo = png_with_text()
    # When a reporter sends a photo and a document on the WBS page
    response = tenant_client.post(
        "/wbs/",
        {
            "mode": "anonymous",
            "subject": "Pungutan liar",
            "description": "Petugas meminta uang di loket.",
            "attachments": [
                SimpleUploadedFile("bukti.png", photo, content_type="image/png"),
                SimpleUploadedFile("surat.pdf", pdf, content_type="application/pdf"),
            ],
        },
        tenant=tenant,
    )
    assert response.status_code == 201, re.findall(r'alert">([^<]*)', response.content.decode())
    with schema_context(tenant.schema_name):
        report = Complaint.objects.get(is_wbs=True)
        files = list(Attachment.objects.filter(complaint=report).order_by("pk"))
    assert len(files) == 2
    # Then the bytes on disk are sealed: no PNG or PDF header, no text of the document
    for stored in files:
        raw = (tmp_path / "media" / str(stored.file.name)).read_bytes()
        assert raw.startswith(sealing.FILE_MAGIC)
        assert b"\x89PNG" not in raw and b"%PDF" not in raw and MARK not in raw
    # And a WBS officer downloads them in plain
    officer = client_of(make_member(tenant, Role.WBS_OFFICER))
    photo_file = next(f for f in files if f.content_type == "image/png")
    pdf_file = next(f for f in files if f.content_type == "application/pdf")
    url = f"/console/pengaduan/{report.pk}/lampiran/{{}}/"
    got = officer.get(url.format(photo_file.pk), tenant=tenant)
    assert got.status_code == 200
    assert Image.open(io.BytesIO(b"".join(got.streaming_content))).size == (8, 8)  # type: ignore[attr-defined]
    got_pdf = officer.get(url.format(pdf_file.pk), tenant=tenant)
    assert got_pdf.status_code == 200
    assert MARK in b"".join(got_pdf.streaming_content)  # type: ignore[attr-defined]
    # While an ordinary officer (and the head) get "not found"
    for role in (Role.OFFICER, Role.HEAD):
        other = client_of(make_member(tenant, role))
        assert other.get(url.format(pdf_file.pk), tenant=tenant).status_code == 404
    # And the sealed bytes do not open under another complaint's data key
    ordinary = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        ordinary = Complaint.objects.get(pk=ordinary.pk)
        raw = (tmp_path / "media" / str(pdf_file.file.name)).read_bytes()
        with pytest.raises(envelope.SealError):
            sealing.open_file(ordinary, raw, pdf_file.sha256)


def test_sealed_files_follow_the_report_to_the_inspectorate(
    tenant_factory: TenantFactory, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    body = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="33.01")
    inspectorate = tenant_factory(kind=TenantKind.INSPEKTORAT, region_code="33.01")
    enable(body)
    pdf = pdf_with_text()
    with schema_context(body.schema_name):
        filed = wbs_actions.do_file_wbs_report(
            tenant=body, anonymous=True, subject="Kepala dinas", description="Suap.",
            attachments=[SimpleUploadedFile("a.pdf", pdf, content_type="application/pdf")],
        )  # fmt: skip
        head = make_member(body, Role.HEAD)
        moved = wbs_actions.do_hand_to_inspectorate(
            tenant=body, complaint=filed.complaint, reason="Pimpinan", actor=head
        )
    with in_schema(inspectorate), schema_context(inspectorate.schema_name):
        arrived = Complaint.objects.get(pk=moved.complaint.pk)
        (copy,) = Attachment.objects.filter(complaint=arrived)
        raw = (tmp_path / "media" / str(copy.file.name)).read_bytes()
        assert MARK not in raw and raw.startswith(sealing.FILE_MAGIC)
        assert MARK in sealing.open_file(arrived, raw, copy.sha256)


def test_a_wbs_report_entered_at_the_desk_gets_a_receipt_key_shown_once(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    clerk = client_of(make_member(tenant, Role.OFFICER))
    # When an officer enters an anonymous WBS report over the desk API
    given = {
        "channel": "desk",
        "name": "Budi",
        "phone": "081234567890",
        "subject": "Pungli di loket",
        "description": "Pelapor datang langsung, meminta tidak disebut namanya.",
        "is_wbs": True,
        "is_anonymous": True,
    }
    answer = send(clerk, "/api/v1/complaints/desk/", tenant, given)
    assert answer.status_code == 201, answer.json()
    key = answer.json()["receipt_key"]
    # Then a receipt key for the reporter, stored only as its hash, opens the report
    receipt = WbsReceipt.objects.get(key_hash=wbs.receipt_hash(key))
    with schema_context(tenant.schema_name):
        report = Complaint.objects.get(pk=receipt.complaint_id)
        assert (report.is_wbs, report.is_anonymous, report.name, report.phone) == (
            True, True, "", "",
        )  # fmt: skip
    seen = send(tenant_client, "/api/v1/wbs/return/", tenant, {"receipt_key": key})
    assert seen.status_code == 200 and seen.json()["subject"] == "Pungli di loket"
    # And the desk page shows the key once, on the answer to the POST
    page = clerk.post(
        "/console/pengaduan/baru/",
        {**given, "privacy": "anonim", "is_wbs": "on"},
        tenant=tenant,
    )
    assert page.status_code == 201, page.content.decode()[:800]
    assert b'id="receipt-key"' in page.content and b'id="desk-receipt-note"' in page.content
    assert WbsReceipt.objects.filter(tenant=tenant).count() == 2
    # An ordinary desk entry gets no receipt key
    plain = send(clerk, "/api/v1/complaints/desk/", tenant, {**given, "is_wbs": False})
    assert plain.status_code == 201 and "receipt_key" not in plain.json()
    assert WbsReceipt.objects.filter(tenant=tenant).count() == 2


def test_the_head_dismisses_a_wbs_officer_who_then_finds_every_wbs_report_gone(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    enable(tenant)
    with schema_context(tenant.schema_name):
        report = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=True, subject="Suap", description="Suap pengadaan."
        ).complaint
    head = make_member(tenant, Role.HEAD)
    officer = make_member(tenant, Role.OFFICER)
    admin = make_member(tenant, Role.TENANT_ADMIN)
    appointed = send(client_of(head), "/api/v1/wbs/officers/", tenant, {"user": officer.pk})
    assert appointed.status_code == 201
    as_officer = client_of(officer)
    steps = f"/api/v1/complaints/{report.pk}/transitions/"
    assert as_officer.get(steps, tenant=tenant).status_code == 200
    # An admin cannot dismiss, nor the head without the second factor
    path = "/api/v1/wbs/officers/dismissals/"
    assert send(client_of(admin), path, tenant, {"user": officer.pk}).status_code == 404
    unverified = send(client_of(head, two_factor=False), path, tenant, {"user": officer.pk})
    assert unverified.status_code == 403
    assert Membership.objects.filter(user=officer, role=Role.WBS_OFFICER).exists()
    # When the head, verified, dismisses them
    done = send(client_of(head), path, tenant, {"user": officer.pk})
    assert done.status_code == 201, done.json()
    # Then the role is gone and the dismissal recorded like the appointment
    assert not Membership.objects.filter(user=officer, role=Role.WBS_OFFICER).exists()
    assert Membership.objects.filter(user=officer, tenant=tenant, role=Role.OFFICER).exists()
    (record,) = WbsRecord.objects.filter(tenant=tenant, kind=WbsRecordKind.DISMISSAL)
    assert record.actor_id == head.pk and record.data == {
        "user_id": officer.pk, "username": officer.username, "two_factor": True,
    }  # fmt: skip
    # And the same session now gets 404 for the report
    assert as_officer.get(steps, tenant=tenant).status_code == 404
    assert as_officer.get(f"/console/pengaduan/{report.pk}/", tenant=tenant).status_code == 404
    # Dismissing again is a field error, nothing recorded
    again = send(client_of(head), path, tenant, {"user": officer.pk})
    assert again.status_code == 400 and again.json()["code"] == "wbs.not_an_officer"
    assert WbsRecord.objects.filter(tenant=tenant, kind=WbsRecordKind.DISMISSAL).count() == 1
    # And the record page shows both, from the head's page with the form
    page = client_of(head).get("/console/wbs/", tenant=tenant)
    text = page.content.decode()
    assert f"{officer.username} diberhentikan sebagai petugas WBS" in text
    assert f"{officer.username} diangkat sebagai petugas WBS" in text


def test_the_head_dismisses_on_the_wbs_page(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    head = make_member(tenant, Role.HEAD)
    officer = make_member(tenant, Role.WBS_OFFICER)
    client = client_of(head)
    page = client.get("/console/wbs/", tenant=tenant)
    assert b'id="wbs-dismiss-form"' in page.content
    done = client.post("/console/wbs/", {"form": "dismiss", "user": officer.pk}, tenant=tenant)
    assert done.status_code == 302
    assert not Membership.objects.filter(user=officer, role=Role.WBS_OFFICER).exists()
    assert WbsRecord.objects.filter(tenant=tenant, kind=WbsRecordKind.DISMISSAL).exists()


def test_the_head_appoints_on_the_wbs_page_and_a_wrong_choice_is_shown_on_its_field(
    tenant_factory: TenantFactory,
) -> None:
    # Given a head and an officer of the body on its WBS page
    tenant = tenant_factory()
    head = make_member(tenant, Role.HEAD)
    member = make_member(tenant, Role.OFFICER)
    client = client_of(head)
    # When the head picks someone who is not a member, then the form says so on its field
    wrong = client.post("/console/wbs/", {"form": "appoint", "user": 999999}, tenant=tenant)
    assert wrong.status_code == 400
    assert b'id="wbs-appoint-form"' in wrong.content
    assert not Membership.objects.filter(role=Role.WBS_OFFICER).exists()
    # When the head appoints the member, then they are a WBS officer, recorded
    done = client.post("/console/wbs/", {"form": "appoint", "user": member.pk}, tenant=tenant)
    assert done.status_code == 302
    assert Membership.objects.filter(user=member, role=Role.WBS_OFFICER, tenant=tenant).exists()
    assert WbsRecord.objects.filter(tenant=tenant, kind=WbsRecordKind.APPOINTMENT).exists()
