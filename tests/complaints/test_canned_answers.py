"""Canned answers (F31): per-tenant answer templates with placeholders, managed by a page and
an API, picked when writing a response; a placeholder that cannot be filled is a clear error,
never sent raw."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.calendar import tenant_zone
from complaints.models import CannedAnswer, ComplaintEvent
from complaints.notifications import track_link
from tenants.models import Role, Tenant, TenantKind
from tests.complaints.test_workflow import Staff
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db

BODY = "Yth. {nama}, pengaduan {nomor} tanggal {tanggal} sudah kami tindak lanjuti: {tautan}"


def send(
    staff: Staff, role: Role, method: str, url: str, body: dict[str, Any] | None = None
) -> Any:
    call = getattr(staff.clients[role], method)
    if body is None:
        return call(url, tenant=staff.tenant)
    return call(url, json.dumps(body), content_type="application/json", tenant=staff.tenant)


@pytest.fixture
def office(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")


def count(tenant: Tenant) -> int:
    with schema_context(tenant.schema_name):
        return CannedAnswer.objects.count()


def test_a_canned_answer_is_managed_and_filled_for_a_complaint(office: Tenant) -> None:
    staff = Staff(office, Role.OFFICER, Role.HEAD, Role.AUDITOR)
    # When the officer adds a template by the API
    created = send(staff, Role.OFFICER, "post", "/api/v1/canned-answers/",
                   {"title": "Sudah ditindaklanjuti", "body": BODY})  # fmt: skip
    assert created.status_code == 201, created.json()
    answer_id = created.json()["id"]
    # Then staff who write responses list it; the head cannot change it, the auditor (who
    # writes nothing) does not see it
    listed = send(staff, Role.HEAD, "get", "/api/v1/canned-answers/").json()
    assert [a["title"] for a in listed] == ["Sudah ditindaklanjuti"]
    assert send(staff, Role.HEAD, "put", f"/api/v1/canned-answers/{answer_id}/",
                {"title": "x", "body": "y"}).status_code == 404  # fmt: skip
    assert send(staff, Role.AUDITOR, "get", "/api/v1/canned-answers/").status_code == 404
    # and filled for a complaint, each placeholder has its value
    complaint = file_complaint(office, name="Siti Aminah")
    filled = send(staff, Role.OFFICER, "get",
                  f"/api/v1/complaints/{complaint.pk}/canned-answers/{answer_id}/")  # fmt: skip
    assert filled.status_code == 200, filled.json()
    text = filled.json()["text"]
    received = timezone.localtime(complaint.created_at, tenant_zone(office))
    assert text == (
        f"Yth. Siti Aminah, pengaduan {complaint.number} tanggal {received:%d-%m-%Y} sudah kami "
        f"tindak lanjuti: {track_link(office, complaint)}"
    )
    assert f"/lacak/{complaint.tracking_code}/" in text
    # The officer renames it, then deletes it
    renamed = send(staff, Role.OFFICER, "put", f"/api/v1/canned-answers/{answer_id}/",
                   {"title": "Selesai", "body": "Terima kasih, {nama}."})  # fmt: skip
    assert renamed.json()["title"] == "Selesai"
    assert send(staff, Role.OFFICER, "delete",
                f"/api/v1/canned-answers/{answer_id}/").status_code == 204  # fmt: skip
    assert count(office) == 0


def test_a_placeholder_that_cannot_be_filled_is_an_error_never_sent(office: Tenant) -> None:
    staff = Staff(office, Role.OFFICER)
    # An unknown placeholder is refused when the template is saved, on its field
    unknown = send(staff, Role.OFFICER, "post", "/api/v1/canned-answers/",
                   {"title": "Salah", "body": "Halo {alamat}"})  # fmt: skip
    assert unknown.status_code == 400
    assert (unknown.json()["code"], unknown.json()["extra"]["field"]) == (
        "canned.unknown_placeholder", "body",
    )  # fmt: skip
    assert count(office) == 0
    # A duplicate title and an empty body too
    send(
        staff,
        Role.OFFICER,
        "post",
        "/api/v1/canned-answers/",
        {"title": "Salam", "body": "Yth. {nama}"},
    )
    twice = send(staff, Role.OFFICER, "post", "/api/v1/canned-answers/",
                 {"title": "salam", "body": "x"})  # fmt: skip
    assert twice.json()["code"] == "canned.duplicate_title"
    empty = send(
        staff, Role.OFFICER, "post", "/api/v1/canned-answers/", {"title": "A", "body": " "}
    )
    assert (empty.json()["code"], empty.json()["extra"]["field"]) == (
        "canned.body_required",
        "body",
    )
    # {nama} of an anonymous complaint cannot be filled: a clear error
    with schema_context(office.schema_name):
        answer = CannedAnswer.objects.get(title="Salam")
    anonymous = file_complaint(office, is_anonymous=True)
    failed = send(staff, Role.OFFICER, "get",
                  f"/api/v1/complaints/{anonymous.pk}/canned-answers/{answer.pk}/")  # fmt: skip
    assert failed.status_code == 400
    assert (failed.json()["code"], failed.json()["extra"]["placeholder"]) == (
        "canned.unfilled_placeholder", "nama",
    )  # fmt: skip
    # and a response still holding a placeholder is refused by the step: never sent raw
    raw = staff.clients[Role.OFFICER].post(
        f"/api/v1/complaints/{anonymous.pk}/transitions/",
        json.dumps({"transition": "answer_directly", "inputs": {"response": "Yth. {nama}, ok"}}),
        content_type="application/json", tenant=office,
    )  # fmt: skip
    assert raw.status_code == 400
    assert raw.json()["extra"]["fields"]["response"] == [
        "Isian templat {nama} belum diganti dengan isinya."
    ]
    with schema_context(office.schema_name):
        assert not ComplaintEvent.objects.filter(
            complaint_id=anonymous.pk, kind="response"
        ).exists()


def test_the_steps_page_fills_a_picked_canned_answer(office: Tenant) -> None:
    staff = Staff(office, Role.OFFICER)
    client = staff.clients[Role.OFFICER]
    # The templates page is in the staff menu; a template is added there
    home = client.get("/console/", tenant=office).content.decode()
    assert f'href="/t/{office.slug}/console/templat-jawaban/"' in home
    bad = client.post("/console/templat-jawaban/", {"title": "", "body": "x"}, tenant=office)
    assert bad.status_code == 400 and 'id="error-title"' in bad.content.decode()
    added = client.post("/console/templat-jawaban/",
                        {"title": "Jam layanan", "body": "Yth. {nama}, layanan buka 08.00."},
                        tenant=office)  # fmt: skip
    assert added.status_code == 302
    with schema_context(office.schema_name):
        answer = CannedAnswer.objects.get()
    complaint = file_complaint(office, name="Budi")
    # When the officer picks it for the direct answer
    page = client.get(f"/console/complaints/{complaint.pk}/steps/?templat={answer.pk}"
                      "&langkah=answer_directly", tenant=office).content.decode()  # fmt: skip
    # Then the response box holds the filled text
    assert ">Yth. Budi, layanan buka 08.00.</textarea>" in page
    # and for an anonymous complaint the page says what cannot be filled
    anonymous = file_complaint(office, is_anonymous=True)
    failed = client.get(f"/console/complaints/{anonymous.pk}/steps/?templat={answer.pk}"
                        "&langkah=answer_directly", tenant=office)  # fmt: skip
    assert failed.status_code == 400
    assert "Isian {nama} tidak dapat diisi" in failed.content.decode()
