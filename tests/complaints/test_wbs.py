"""Whistleblowing (WBS): the policy, anonymous and confidential reports with receipt keys, the
return with the key, the WBS SOP worked by WBS officers alone, appointments by the head with
the second factor, the two-approver disclosure, and files stored without metadata."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image
from pypdf import PdfReader, PdfWriter

from complaints import sealing, wbs
from complaints.actions import wbs as wbs_actions
from complaints.models import (
    TRACKING_ALPHABET,
    Attachment,
    Complaint,
    ComplaintEvent,
    EventKind,
    SopVersion,
)
from complaints.public.models import Notification, WbsReceipt, WbsRecord, WbsRecordKind
from complaints.sla import run_sla_sweep
from routing.directory import inspectorate_for
from routing.models import Hop, HopStatus
from tenants.actions.onboarding import do_create_agency
from tenants.models import Membership, Role, Tenant, TenantKind, User
from tenants.permissions import grantable_roles
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db

REPORT = {
    "anonymous": True,
    "subject": "Pungutan liar di loket KTP",
    "description": "Petugas loket meminta Rp50.000 untuk mempercepat KTP, Senin pagi.",
}


def client_of(user: User, *, two_factor: bool = True) -> TenantClient:
    client = TenantClient()
    sign_in(client, user, two_factor=two_factor)
    return client


def send(client: TenantClient, method: str, path: str, tenant: Tenant, body: Any) -> Any:
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", tenant=tenant
    )


def enable(tenant: Tenant, **values: Any) -> None:
    with schema_context(tenant.schema_name):
        wbs_actions.do_set_wbs_policy(tenant=tenant, enabled=True, actor=None, **values)


def report_of(tenant: Tenant, key: str) -> Complaint:
    receipt = WbsReceipt.objects.get(key_hash=wbs.receipt_hash(key))
    assert receipt.tenant_id == tenant.pk
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=receipt.complaint_id)


def photo_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0131] = "PerangkatPelapor"  # Software
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (120, 10, 10)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_an_anonymous_report_gets_a_receipt_key_and_its_reporter_returns_with_it(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a body that opened WBS
    tenant = tenant_factory()
    enable(tenant)
    # When someone reports anonymously over the API
    filed = send(tenant_client, "post", "/api/v1/wbs/reports/", tenant, REPORT)
    # Then they get a receipt key of 20 unambiguous symbols, once
    assert filed.status_code == 201, filed.json()
    key = filed.json()["receipt_key"]
    assert len(key.replace("-", "")) == wbs.RECEIPT_LENGTH
    assert set(key.replace("-", "")) <= set(TRACKING_ALPHABET)
    assert filed["Cache-Control"] == "no-store"
    # and the report is WBS, anonymous, never "incomplete", under the WBS SOP
    report = report_of(tenant, key)
    assert (report.is_wbs, report.is_anonymous, report.is_complete) == (True, True, True)
    assert report.missing_elements == [] and report.state == "received"
    assert (report.name, report.phone, report.address, report.raw_payload) == ("", "", "", None)
    with schema_context(tenant.schema_name):
        assert report.sop_version is not None and report.sop_version.purpose == "wbs"
    # and only a slow hash of the key is stored, nowhere the key itself
    receipt = WbsReceipt.objects.get(tenant=tenant)
    assert receipt.key_hash == wbs.receipt_hash(key) and key.replace("-", "") not in str(
        receipt.key_hash
    )
    # When they return with the key (typed in lower case, without dashes)
    typed = key.replace("-", "").lower()
    seen = send(tenant_client, "post", "/api/v1/wbs/return/", tenant, {"receipt_key": typed})
    assert seen.status_code == 200, seen.json()
    assert seen.json()["subject"] == REPORT["subject"]
    assert seen.json()["state"] == "received"
    # and reply
    replied = send(
        tenant_client,
        "post",
        "/api/v1/wbs/return/replies/",
        tenant,
        {"receipt_key": key, "message": "Kejadian berulang Selasa."},
    )
    assert replied.status_code == 201, replied.json()
    with schema_context(tenant.schema_name):
        (reply,) = ComplaintEvent.objects.filter(complaint=report, kind=EventKind.REPLY)
        assert reply.actor_label == "Pelapor" and reply.is_public
    # A wrong key finds nothing and changes nothing
    wrong = send(tenant_client, "post", "/api/v1/wbs/return/", tenant, {"receipt_key": "A" * 20})
    assert wrong.status_code == 400 and wrong.json()["code"] == "wbs.unknown_key"
    # And the report's tracking code does not open it
    tracked = tenant_client.get(f"/api/v1/track/{report.tracking_code}/", tenant=tenant)
    assert tracked.status_code == 404


def test_a_body_without_wbs_takes_no_report(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    refused = send(tenant_client, "post", "/api/v1/wbs/reports/", tenant, REPORT)
    assert refused.status_code == 400 and refused.json()["code"] == "wbs.not_enabled"
    assert not WbsReceipt.objects.filter(tenant=tenant).exists()
    with schema_context(tenant.schema_name):
        assert not Complaint.objects.exists()
    # nor does its landing page link to a WBS page
    assert b'id="wbs-link"' not in tenant_client.get("/", tenant=tenant).content


def test_a_confidential_report_needs_an_identity_that_nobody_sees(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    enable(tenant)
    # Without a name: refused, nothing stored
    nameless = send(
        tenant_client, "post", "/api/v1/wbs/reports/", tenant, {**REPORT, "anonymous": False}
    )
    assert nameless.status_code == 400 and nameless.json()["code"] == "wbs.identity_required"
    assert not WbsReceipt.objects.exists()
    # With one: filed; a WBS officer sees the report but not who sent it
    filed = send(tenant_client, "post", "/api/v1/wbs/reports/", tenant, {
        **REPORT, "anonymous": False, "name": "Rina Saksi", "phone": "0812-1111-2222",
    })  # fmt: skip
    assert filed.status_code == 201, filed.json()
    report = report_of(tenant, filed.json()["receipt_key"])
    officer = client_of(make_member(tenant, Role.WBS_OFFICER))
    detail = officer.get(f"/api/v1/complaints/{report.pk}/", tenant=tenant)
    assert detail.status_code == 200
    assert "Rina" not in detail.content.decode()
    page = officer.get(f"/console/pengaduan/{report.pk}/", tenant=tenant)
    assert page.status_code == 200 and "Rina" not in page.content.decode()


def test_guessing_receipt_keys_is_rate_limited_without_storing_the_address(
    tenant_factory: TenantFactory, tenant_client: TenantClient, settings: Any
) -> None:
    settings.ADUAN_RATE_LIMITS = {**settings.ADUAN_RATE_LIMITS, "wbs_receipt": "3/hour"}
    tenant = tenant_factory()
    enable(tenant)
    codes = [
        send(
            tenant_client, "post", "/api/v1/wbs/return/", tenant, {"receipt_key": f"{n}" * 20}
        ).status_code
        for n in (2, 3, 4, 6)
    ]
    assert codes == [400, 400, 400, 429]
    # The page is limited the same way (the same counter)
    page = tenant_client.post("/wbs/kembali/", {"receipt_key": "7" * 20}, tenant=tenant)
    assert page.status_code == 429
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM public.aduan_ratecounter WHERE scope = 'wbs_receipt'")
        keys = [row[0] for row in cursor.fetchall()]
    assert len(keys) == 1 and "127.0.0.1" not in keys[0] and len(keys[0]) == 64


def test_exif_and_document_metadata_are_gone_from_stored_files(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    enable(tenant)
    raw = photo_with_exif()
    assert b"KameraRahasia" in raw
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "Budi Pelapor", "/Creator": "Laptop Budi"})
    pdf = io.BytesIO()
    writer.write(pdf)
    # When a reporter sends a photo and a PDF on the WBS page
    response = tenant_client.post(
        "/wbs/",
        {
            "mode": "anonymous",
            "subject": REPORT["subject"],
            "description": REPORT["description"],
            "attachments": [
                SimpleUploadedFile("bukti.jpg", raw, content_type="image/jpeg"),
                SimpleUploadedFile("surat.pdf", pdf.getvalue(), content_type="application/pdf"),
            ],
        },
        tenant=tenant,
    )
    assert response.status_code == 201, response.content.decode()[:500]
    # Then the stored photo has no EXIF and the stored PDF no author or creator
    with schema_context(tenant.schema_name):
        photo, document = Attachment.objects.order_by("content_type").reverse()
        # Sealed on disk (issue 18): what a WBS officer downloads is what was kept.
        report = photo.complaint
        stored_photo = sealing.open_file(report, photo.file.read(), photo.sha256)
        stored_pdf = sealing.open_file(report, document.file.read(), document.sha256)
    assert b"KameraRahasia" not in stored_photo and b"PerangkatPelapor" not in stored_photo
    assert dict(Image.open(io.BytesIO(stored_photo)).getexif()) == {}
    assert Image.open(io.BytesIO(stored_photo)).size == (16, 16)
    assert b"Budi" not in stored_pdf
    assert not (PdfReader(io.BytesIO(stored_pdf)).metadata or {})
    # and the key is on the page, which loads no script and is never cached
    assert b'id="receipt-key"' in response.content
    assert response["Cache-Control"] == "no-store"
    assert "script-src 'none'" in response["Content-Security-Policy"]


def test_the_policy_is_recorded_and_its_deadlines_need_a_legal_basis(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    admin = client_of(make_member(tenant, Role.TENANT_ADMIN))
    # Other days than 7 and 3 months without a legal basis: refused, nothing recorded
    bare = send(admin, "put", "/api/v1/wbs/policy/", tenant,
                {"enabled": True, "acknowledge_days": 14, "feedback_days": 60})  # fmt: skip
    assert bare.status_code == 400 and bare.json()["code"] == "wbs.legal_basis_required"
    assert not WbsRecord.objects.filter(tenant=tenant).exists()
    # With one: in force, recorded with who and what it was before
    done = send(admin, "put", "/api/v1/wbs/policy/", tenant, {
        "enabled": True, "acknowledge_days": 14, "feedback_days": 60,
        "legal_basis": "Perbup 12/2025 pasal 4",
    })  # fmt: skip
    assert done.status_code == 200, done.json()
    (record,) = WbsRecord.objects.filter(tenant=tenant, kind=WbsRecordKind.POLICY)
    assert record.actor_id is not None and record.data["before"]["enabled"] is False
    assert record.data["acknowledge_days"] == 14
    # and new reports run under those deadlines, through the SLA engine
    with schema_context(tenant.schema_name):
        version = SopVersion.objects.get(purpose="wbs")
        assert version.definition["case_limit"]["days"] == 60
        received = next(s for s in version.definition["states"] if s["key"] == "received")
        assert received["limit"] == {"days": 14}
        filed = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=True, subject="Suap", description="Suap pengadaan."
        )
        report = Complaint.objects.get(pk=filed.complaint.pk)
    assert report.due_at is not None and report.case_due_at is not None
    assert (report.due_at - report.created_at).days == 14
    assert (report.case_due_at - report.created_at).days == 60
    # The landing page now links to the WBS page
    assert b'id="wbs-link"' in TenantClient().get("/", tenant=tenant).content


def test_default_deadlines_are_seven_days_and_three_months(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    enable(tenant)
    with schema_context(tenant.schema_name):
        filed = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=True, subject="Suap", description="Suap pengadaan."
        )
        report = Complaint.objects.get(pk=filed.complaint.pk)
    assert report.due_at is not None and report.case_due_at is not None
    assert (report.due_at - report.created_at).days == 7
    assert (report.case_due_at - report.created_at).days == 90


def test_only_the_head_with_the_second_factor_appoints_wbs_officers(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    stranger = make_member(tenant_factory(), Role.OFFICER)
    admin = make_member(tenant, Role.TENANT_ADMIN)
    member = make_member(tenant, Role.OFFICER)
    head = make_member(tenant, Role.HEAD)
    # Administrators may no longer grant the role
    assert Role.WBS_OFFICER not in grantable_roles(admin, tenant)
    by_admin = send(client_of(admin), "post", "/api/v1/wbs/officers/", tenant, {"user": member.pk})
    assert by_admin.status_code == 404
    # The head without the second factor is sent to it
    unverified = send(client_of(head, two_factor=False), "post", "/api/v1/wbs/officers/",
                      tenant, {"user": member.pk})  # fmt: skip
    assert unverified.status_code == 403
    assert not Membership.objects.filter(user=member, role=Role.WBS_OFFICER).exists()
    # With it: appointed and recorded
    done = send(client_of(head), "post", "/api/v1/wbs/officers/", tenant, {"user": member.pk})
    assert done.status_code == 201, done.json()
    assert Membership.objects.filter(user=member, tenant=tenant, role=Role.WBS_OFFICER).exists()
    (record,) = WbsRecord.objects.filter(tenant=tenant, kind=WbsRecordKind.APPOINTMENT)
    assert record.actor_id == head.pk and record.data == {
        "user_id": member.pk, "username": member.username, "two_factor": True,
    }  # fmt: skip
    # Someone from outside the tenant cannot be appointed
    refused = send(client_of(head), "post", "/api/v1/wbs/officers/", tenant, {"user": stranger.pk})
    assert refused.status_code == 400 and refused.json()["code"] == "wbs.not_a_member"


def test_a_wbs_officer_without_other_roles_works_the_wbs_sop(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    enable(tenant)
    with schema_context(tenant.schema_name):
        report = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=True, subject="Suap", description="Suap pengadaan."
        ).complaint
    wbs_only = client_of(make_member(tenant, Role.WBS_OFFICER))
    steps = wbs_only.get(f"/api/v1/complaints/{report.pk}/transitions/", tenant=tenant)
    assert steps.status_code == 200
    assert "acknowledge" in [s["key"] for s in steps.json()["transitions"]]
    step = {"transition": "acknowledge", "inputs": {"response": "Laporan diterima."}}
    taken = send(wbs_only, "post", f"/api/v1/complaints/{report.pk}/transitions/", tenant, step)
    assert taken.status_code in (200, 201), taken.json()
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=report.pk).state == "examined"
    # An ordinary officer cannot even see it
    officer = client_of(make_member(tenant, Role.OFFICER))
    hidden = officer.get(f"/api/v1/complaints/{report.pk}/transitions/", tenant=tenant)
    assert hidden.status_code == 404


def test_a_disclosure_needs_the_head_and_a_second_wbs_officer_and_the_reporter_sees_it(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    enable(tenant)
    with schema_context(tenant.schema_name):
        filed = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=False, subject="Suap", description="Suap pengadaan.",
            name="Rina Saksi", phone="0812-1111-2222",
        )  # fmt: skip
    report = filed.complaint
    asker, second = make_member(tenant, Role.WBS_OFFICER), make_member(tenant, Role.WBS_OFFICER)
    head = make_member(tenant, Role.HEAD)
    as_asker, as_second, as_head = client_of(asker), client_of(second), client_of(head)
    # A request without a reason is refused
    empty = send(as_asker, "post", f"/api/v1/complaints/{report.pk}/disclosures/", tenant,
                 {"reason": " "})  # fmt: skip
    assert empty.status_code == 400 and empty.json()["code"] == "wbs.reason_required"
    asked = send(as_asker, "post", f"/api/v1/complaints/{report.pk}/disclosures/", tenant,
                 {"reason": "Pemeriksaan oleh APIP memerlukan keterangan saksi."})  # fmt: skip
    assert asked.status_code == 201, asked.json()
    request_id = asked.json()["id"]
    approve = f"/api/v1/wbs/disclosures/{request_id}/approval/"
    # The requester cannot approve their own request
    own = send(as_asker, "post", approve, tenant, {})
    assert own.status_code == 400 and own.json()["code"] == "wbs.own_request"
    # One approver (the head) is not enough, and approving twice adds nothing
    first = send(as_head, "post", approve, tenant, {})
    assert first.status_code == 201 and first.json()["granted_until"] is None
    again = send(as_head, "post", approve, tenant, {})
    assert again.status_code == 400 and again.json()["code"] == "wbs.already_approved"
    detail = as_asker.get(f"/api/v1/complaints/{report.pk}/", tenant=tenant).content.decode()
    assert "Rina" not in detail
    # The second WBS officer completes it
    done = send(as_second, "post", approve, tenant, {})
    assert done.status_code == 201 and done.json()["granted_until"] is not None
    assert sorted(done.json()["approvals"]) == ["head", "wbs_officer"]
    # Only the requester sees the identity, for a limited time
    detail_path = f"/api/v1/complaints/{report.pk}/"
    assert "Rina" in as_asker.get(detail_path, tenant=tenant).content.decode()
    assert "Rina" not in as_second.get(detail_path, tenant=tenant).content.decode()
    page = as_asker.get(f"/console/pengaduan/{report.pk}/identitas/", tenant=tenant)
    assert page.status_code == 200 and "Rina Saksi" in page.content.decode()
    # And the reporter sees that a disclosure happened, not to whom
    seen = send(tenant_client, "post", "/api/v1/wbs/return/", tenant,
                {"receipt_key": filed.receipt_key})  # fmt: skip
    granted = [e for e in seen.json()["events"] if e["kind"] == "disclosure_granted"]
    assert len(granted) == 1
    assert asker.username not in json.dumps(seen.json()) and head.username not in json.dumps(
        seen.json()
    )


def test_a_disclosure_runs_out(tenant_factory: TenantFactory, time_machine: Any) -> None:
    tenant = tenant_factory()
    enable(tenant)
    asker, second = make_member(tenant, Role.WBS_OFFICER), make_member(tenant, Role.WBS_OFFICER)
    head = make_member(tenant, Role.HEAD)
    with schema_context(tenant.schema_name):
        report = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=False, subject="Suap", description="Suap.",
            name="Rina Saksi", email="rina@example.test",
        ).complaint  # fmt: skip
        asked = wbs_actions.do_request_disclosure(complaint=report, reason="Saksi", actor=asker)
        wbs_actions.do_approve_disclosure(tenant=tenant, request=asked, actor=head)
        wbs_actions.do_approve_disclosure(tenant=tenant, request=asked, actor=second)
        assert wbs.identity_disclosed_to(report, asker)
        assert not wbs.identity_disclosed_to(report, second)
        time_machine.move_to(timezone.now() + timedelta(hours=wbs.DISCLOSURE_HOURS, minutes=1))
        assert not wbs.identity_disclosed_to(report, asker)


def test_a_report_about_the_leadership_goes_to_the_inspectorate_and_the_key_still_works(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a village of regency 33.01 with WBS, and the regency's inspectorate on Aduan
    village = tenant_factory()
    inspectorate = tenant_factory(kind=TenantKind.INSPEKTORAT, region_code="33.01")
    enable(village)
    there_wbs = make_member(inspectorate, Role.WBS_OFFICER)
    there_officer = make_member(inspectorate, Role.OFFICER)
    here_wbs = client_of(make_member(village, Role.WBS_OFFICER))
    filed = send(tenant_client, "post", "/api/v1/wbs/reports/", village,
                 {**REPORT, "subject": "Kepala desa memotong dana bantuan"})  # fmt: skip
    key = filed.json()["receipt_key"]
    report = report_of(village, key)
    # A reason is required
    path = f"/api/v1/complaints/{report.pk}/inspectorate/"
    assert send(here_wbs, "post", path, village, {"reason": ""}).status_code == 400
    # When the village's WBS officer hands it to the inspectorate
    handed = send(here_wbs, "post", path, village, {"reason": "Menyangkut kepala desa."})
    # Then it is there, accepted, under the inspectorate's WBS SOP
    assert handed.status_code == 201, handed.json()
    assert handed.json()["holder"] == inspectorate.name
    arrived = report_of(inspectorate, key)
    assert arrived.is_wbs and arrived.subject == "Kepala desa memotong dana bantuan"
    assert arrived.sop_version is not None and arrived.sop_version.purpose == "wbs"
    with schema_context(village.schema_name):
        assert not Complaint.objects.filter(pk=report.pk, is_wbs=True).exists()
    assert not Hop.objects.filter(to_tenant=inspectorate, status=HopStatus.PENDING).exists()
    # and the reporter's key opens it there (from the village's page too)
    seen = send(tenant_client, "post", "/api/v1/wbs/return/", village, {"receipt_key": key})
    assert seen.status_code == 200 and seen.json()["holder"] == inspectorate.name
    assert "handed_to_inspectorate" in [e["kind"] for e in seen.json()["events"]]
    replied = send(tenant_client, "post", "/api/v1/wbs/return/replies/", inspectorate,
                   {"receipt_key": key, "message": "Ada bukti transfer."})  # fmt: skip
    assert replied.status_code == 201
    # Its WBS officers see it, its ordinary officers do not
    detail = f"/api/v1/complaints/{arrived.pk}/"
    assert client_of(there_wbs).get(detail, tenant=inspectorate).status_code == 200
    assert client_of(there_officer).get(detail, tenant=inspectorate).status_code == 404
    # The inspectorate's landing page offers its WBS page from the start
    assert b'id="wbs-link"' in TenantClient().get("/", tenant=inspectorate).content


def test_a_body_without_an_inspectorate_on_aduan_keeps_the_report(
    tenant_factory: TenantFactory,
) -> None:
    village = tenant_factory()
    enable(village)
    with schema_context(village.schema_name):
        report = wbs_actions.do_file_wbs_report(
            tenant=village, anonymous=True, subject="Suap", description="Suap."
        ).complaint
    here_wbs = client_of(make_member(village, Role.WBS_OFFICER))
    refused = send(here_wbs, "post", f"/api/v1/complaints/{report.pk}/inspectorate/", village,
                   {"reason": "Menyangkut kepala desa."})  # fmt: skip
    assert refused.status_code == 400 and refused.json()["code"] == "wbs.no_inspectorate"
    with schema_context(village.schema_name):
        assert Complaint.objects.filter(pk=report.pk).exists()


def test_the_regency_onboards_its_inspectorate_like_an_agency(
    tenant_factory: TenantFactory,
) -> None:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    village = tenant_factory(parent=regency)
    admin = make_member(regency, Role.REGENCY_ADMIN)
    # When the regency admin adds its inspectorate (no region code: the regency's)
    inspectorate = do_create_agency(
        regency=regency, name="Inspektorat Kabupaten Cilacap", kind="INSPEKTORAT", actor=admin
    )
    # Then it covers the regency's bodies for WBS, takes no ordinary category, runs WBS
    assert (inspectorate.kind, inspectorate.region_id) == (TenantKind.INSPEKTORAT, "33.01")
    assert inspectorate_for(village) == inspectorate
    assert inspectorate_for(regency) == inspectorate
    assert not inspectorate.authority.categories.exists()
    assert wbs.policy_of(inspectorate).enabled
    assert not wbs.policy_of(village).enabled


def test_a_late_wbs_report_is_escalated_among_wbs_officers_without_its_content(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    enable(tenant)
    wbs_officer = make_member(tenant, Role.WBS_OFFICER)
    head, admin = make_member(tenant, Role.HEAD), make_member(tenant, Role.TENANT_ADMIN)
    officer = make_member(tenant, Role.OFFICER)
    with schema_context(tenant.schema_name):
        report = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=True, subject="Kepala dinas menerima suap",
            description="Rincian.",
        ).complaint  # fmt: skip
    # When the 7 days to acknowledge pass
    run_sla_sweep(timezone.now() + timedelta(days=8))
    # Then only the WBS officer is told, and the notice names no content
    told = Notification.objects.filter(tenant=tenant, complaint_id=report.pk)
    assert {n.recipient_id for n in told} == {wbs_officer.pk}
    assert told.exists() and not told.filter(body__contains="suap").exists()
    assert not Notification.objects.filter(recipient__in=[head, admin, officer]).exists()
