"""The staff side: the register, the complaint view, desk entry, notes and responses; WBS and
anonymous complainants; another tenant's staff get 404."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.models import Complaint, ComplaintEvent
from tenants.models import Role
from tests.client import TenantClient
from tests.complaints.files import photo
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def test_register_filters_searches_sorts_and_pages(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given 27 web complaints, one by SMS about the market, and an officer
    tenant = tenant_factory()
    for i in range(27):
        file_complaint(tenant, subject=f"Jalan {i}")
    sms = file_complaint(tenant, channel="sms", subject="Pasar becek", name="")
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    year = timezone.localtime().year

    def numbers(query: str) -> list[int]:
        body = tenant_client.get(f"/api/v1/register/?{query}", tenant=tenant).json()
        return [int(r["number"][:4]) for r in body["results"]]

    # Then the default is newest first, 25 a page
    first = tenant_client.get("/api/v1/register/", tenant=tenant).json()
    assert (first["count"], first["pages"], len(first["results"])) == (28, 2, 25)
    assert numbers("") == list(range(28, 3, -1))
    assert numbers("page=2") == [3, 2, 1]
    assert numbers("sort=number&page=2") == [26, 27, 28]
    # and filters by channel, state, year, and searches number, subject and name
    assert numbers("channel=sms") == [28]
    assert numbers("state=incomplete") == [28]
    assert numbers(f"year={year}&q=pasar") == [28]
    assert numbers(f"year={year - 1}") == []
    assert numbers(f"q={sms.number[:4]}") == [28]
    assert len(numbers("q=siti")) == 25
    # and the page shows the same register
    page = tenant_client.get("/console/pengaduan/?channel=sms", tenant=tenant)
    assert page.status_code == 200
    html = page.content.decode()
    assert sms.number in html
    assert "Jalan 1<" not in html


def test_wbs_complaints_exist_only_for_wbs_officers(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a whistleblowing report and an ordinary complaint
    tenant = tenant_factory()
    wbs = file_complaint(tenant, is_wbs=True, subject="Pungli di loket", name="Pelapor WBS")
    plain = file_complaint(tenant)
    # When the head of office looks
    sign_in(tenant_client, make_member(tenant, Role.HEAD, Role.TENANT_ADMIN))
    listed = tenant_client.get("/api/v1/register/", tenant=tenant).json()
    # Then the WBS report does not exist for them
    assert [r["number"] for r in listed["results"]] == [plain.number]
    assert tenant_client.get(f"/api/v1/complaints/{wbs.pk}/", tenant=tenant).status_code == 404
    assert tenant_client.get(f"/console/pengaduan/{wbs.pk}/", tenant=tenant).status_code == 404
    note = tenant_client.post(
        f"/api/v1/complaints/{wbs.pk}/notes/",
        {"message": "x"},
        content_type="application/json",
        tenant=tenant,
    )
    assert note.status_code == 404
    with schema_context(tenant.schema_name):
        assert ComplaintEvent.objects.filter(kind="note").count() == 0
    # When a WBS officer looks, then they see it, but not who reported it: the identity is
    # opened only by an approved disclosure (tests/complaints/test_wbs.py)
    sign_in(tenant_client, make_member(tenant, Role.WBS_OFFICER))
    detail = tenant_client.get(f"/api/v1/complaints/{wbs.pk}/", tenant=tenant).json()
    assert detail["is_wbs"] is True
    assert detail["complainant"] is None


def test_anonymous_identity_is_hidden_from_the_answer_team(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given an anonymous complaint
    tenant = tenant_factory()
    complaint = file_complaint(tenant, is_anonymous=True, name="Dewi Lestari")
    # When the answer team opens it, then the identity is hidden everywhere, search included
    sign_in(tenant_client, make_member(tenant, Role.ANSWER_TEAM))
    detail = tenant_client.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).json()
    assert detail["complainant"] is None
    page = tenant_client.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant)
    register = tenant_client.get("/console/pengaduan/", tenant=tenant)
    assert "Dewi" not in page.content.decode()
    assert "Dewi" not in register.content.decode()
    found = tenant_client.get("/api/v1/register/?q=dewi", tenant=tenant).json()
    assert found["count"] == 0
    # When the officer who must contact them opens it, then they see who it is
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    detail = tenant_client.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).json()
    assert detail["complainant"]["name"] == "Dewi Lestari"


def test_staff_of_another_tenant_get_404(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint of tenant A, and an officer of tenant B
    tenant_a = tenant_factory()
    tenant_b = tenant_factory()
    complaint = file_complaint(tenant_a, attachments=[photo()])
    with schema_context(tenant_a.schema_name):
        attachment_id = complaint.attachments.get().pk
    sign_in(tenant_client, make_member(tenant_b, *Role))
    # When they ask for it on A's host, or with its id on their own host
    paths = [
        f"/api/v1/complaints/{complaint.pk}/",
        f"/console/pengaduan/{complaint.pk}/",
        f"/console/pengaduan/{complaint.pk}/lampiran/{attachment_id}/",
    ]
    # Then A's host does not know them, and B's own schema has no such complaint
    assert [tenant_client.get(p, tenant=tenant_a).status_code for p in paths] == [404] * 3
    assert [tenant_client.get(p, tenant=tenant_b).status_code for p in paths] == [404] * 3
    assert tenant_client.get("/api/v1/register/", tenant=tenant_b).json()["count"] == 0


def test_desk_entry_records_the_officer_and_the_channel(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given an officer at the desk
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    officer.first_name, officer.last_name = "Wati", "Petugas"
    officer.save()
    sign_in(tenant_client, officer)
    # When they record a face-to-face complaint through the page
    response = tenant_client.post(
        "/console/pengaduan/baru/",
        {
            "channel": "desk",
            "name": "Pak Karto",
            "address": "Dusun Wetan",
            "phone": "0857 1234 5678",
            "subject": "Bantuan tidak sampai",
            "description": "BLT bulan ini belum diterima.",
            "privacy": "rahasia",
        },
        tenant=tenant,
    )
    # Then it is in the register, entered by the officer, through the desk; the receipt follows
    assert response.status_code == 302
    with schema_context(tenant.schema_name):
        complaint = Complaint.objects.get()
        event = ComplaintEvent.objects.get(complaint=complaint)
    assert response["Location"].endswith(f"/pengaduan/tanda-terima/{complaint.tracking_code}/")
    assert (complaint.channel, complaint.phone, complaint.is_confidential) == (
        "desk",
        "+6285712345678",
        True,
    )
    assert (event.actor_id, event.actor_label) == (officer.pk, "Wati Petugas")
    # and the same works through the API, refusing a channel staff do not enter
    api = tenant_client.post(
        "/api/v1/complaints/desk/",
        {"channel": "box", "subject": "Surat di kotak", "description": "Tanpa identitas."},
        content_type="application/json",
        tenant=tenant,
    )
    assert api.status_code == 201
    assert api.json()["missing_elements"] == ["name", "address", "phone"]
    web = tenant_client.post(
        "/api/v1/complaints/desk/",
        {"channel": "web", "subject": "x"},
        content_type="application/json",
        tenant=tenant,
    )
    assert web.status_code == 400
    assert list(web.json()["extra"]["fields"]) == ["channel"]


def test_desk_entry_takes_a_foreign_number_and_refuses_garbage(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given an officer at the desk, recording a call from a migrant worker in Malaysia
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    entry = {"channel": "phone", "subject": "Gaji ditahan", "description": "Sudah 3 bulan."}
    # When the number is foreign, in + form, it is kept in E.164
    taken = tenant_client.post(
        "/api/v1/complaints/desk/",
        {**entry, "phone": "+60 12-345 6789"},
        content_type="application/json",
        tenant=tenant,
    )
    assert taken.status_code == 201
    # and a number that is none is refused on its field, nothing stored
    refused = tenant_client.post(
        "/api/v1/complaints/desk/",
        {**entry, "phone": "12345"},
        content_type="application/json",
        tenant=tenant,
    )
    assert refused.status_code == 400
    assert refused.json()["extra"]["fields"]["phone"] == [
        "Nomor telepon/WhatsApp tidak valid: gunakan nomor Indonesia, mis. 0812 3456 7890, "
        "atau nomor luar negeri dengan + dan kode negara, mis. +852 5123 4567."
    ]
    with schema_context(tenant.schema_name):
        assert [c.phone for c in Complaint.objects.all()] == ["+60123456789"]


def test_notes_stay_internal_and_responses_go_public(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    sign_in(tenant_client, make_member(tenant, Role.ANSWER_TEAM))
    note = tenant_client.post(
        f"/api/v1/complaints/{complaint.pk}/notes/",
        {"message": "Perlu rapat"},
        content_type="application/json",
        tenant=tenant,
    )
    page = tenant_client.post(
        f"/console/pengaduan/{complaint.pk}/",
        {"kind": "response", "message": "Sudah kami teruskan ke Kaur."},
        tenant=tenant,
    )
    empty = tenant_client.post(
        f"/api/v1/complaints/{complaint.pk}/responses/",
        {"message": " "},
        content_type="application/json",
        tenant=tenant,
    )
    assert (note.status_code, page.status_code, empty.status_code) == (201, 302, 400)
    assert note.json()["is_public"] is False
    detail = tenant_client.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).json()
    assert [(e["kind"], e["is_public"], e["text"]) for e in detail["events"]][1:] == [
        ("note", False, "Perlu rapat"),
        ("response", True, "Sudah kami teruskan ke Kaur."),
    ]


def test_an_auditor_reads_but_does_not_write(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    sign_in(tenant_client, make_member(tenant, Role.AUDITOR))
    assert (
        tenant_client.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant).status_code == 200
    )
    note = tenant_client.post(
        f"/console/pengaduan/{complaint.pk}/",
        {"kind": "note", "message": "x"},
        tenant=tenant,
    )
    assert note.status_code == 404
    with schema_context(tenant.schema_name):
        assert ComplaintEvent.objects.filter(kind="note").count() == 0
