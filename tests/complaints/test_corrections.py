"""Corrections and moderation (F48): officers correct a complaint after intake and hide a
passage or a file from the public view; each with a reason on the timeline, before and after,
nothing deleted, and the public view (tracking page, its API, Open311) shows the redacted
version."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.models import Complaint, ComplaintEvent
from routing.models import Category
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.test_workflow import Staff
from tests.factories import TenantFactory, file_complaint

pytestmark = pytest.mark.django_db

SECRET = "HP saya 0812-9999-0000"


def post(staff: Staff, role: Role, url: str, body: dict[str, Any]) -> Any:
    return staff.clients[role].post(url, json.dumps(body), content_type="application/json",
                                    tenant=staff.tenant)  # fmt: skip


def reload(tenant: Tenant, complaint: Complaint) -> Complaint:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=complaint.pk)


def entries(tenant: Tenant, complaint: Complaint, kind: str) -> list[ComplaintEvent]:
    with schema_context(tenant.schema_name):
        return list(ComplaintEvent.objects.filter(complaint_id=complaint.pk, kind=kind))


@pytest.fixture
def village(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMDES, region_code="33.01.09.2014")


def test_an_officer_corrects_a_complaint_with_the_reason_on_the_timeline(village: Tenant) -> None:
    staff = Staff(village, Role.OFFICER, Role.AUDITOR, Role.ANSWER_TEAM)
    complaint = file_complaint(village, subject="Jalan rusk", category="")
    category = Category.objects.order_by("key").first()
    assert category is not None
    url = f"/api/v1/complaints/{complaint.pk}/corrections/"
    # When the officer corrects category, subject, place and urgency and makes it public
    response = post(staff, Role.OFFICER, url, {
        "reason": "Salah ketik saat dicatat di meja layanan.", "category": category.key,
        "subject": "Jalan rusak", "incident_place": "Dusun 2", "urgency": "high",
        "is_confidential": False,
    })  # fmt: skip
    # Then the values change and the timeline keeps the reason, before and after
    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Jalan rusak"
    stored = reload(village, complaint)
    assert (stored.category, stored.subject, stored.incident_place, stored.urgency) == (
        category.key, "Jalan rusak", "Dusun 2", "high",
    )  # fmt: skip
    assert stored.is_confidential is False
    (entry,) = entries(village, complaint, "corrected")
    assert entry.message == "Salah ketik saat dicatat di meja layanan."
    assert entry.before == {"category": "", "subject": "Jalan rusk", "incident_place": "",
                            "urgency": "", "is_confidential": True}  # fmt: skip
    assert entry.after == {"category": category.key, "subject": "Jalan rusak",
                           "incident_place": "Dusun 2", "urgency": "high",
                           "is_confidential": False}  # fmt: skip
    assert (entry.actor_id, entry.is_public) == (staff.users[Role.OFFICER].pk, False)
    # and the staff API shows the timeline entry
    detail = staff.clients[Role.OFFICER].get(f"/api/v1/complaints/{complaint.pk}/",
                                             tenant=village).json()  # fmt: skip
    assert "corrected" in [e["kind"] for e in detail["events"]]


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"reason": "", "subject": "Baru"}, "corrections.reason_required", "reason"),
        ({"reason": "x", "category": "tidak-ada"}, "corrections.unknown_category", "category"),
        ({"reason": "x", "urgency": "darurat"}, "corrections.invalid_urgency", "urgency"),
        ({"reason": "x", "subject": "s" * 201}, "corrections.too_long", "subject"),
        ({"reason": "x", "subject": "Jalan rusk"}, "corrections.nothing_changed", "reason"),
    ],
)
def test_bad_corrections_get_a_field_message_and_change_nothing(
    village: Tenant, body: dict[str, Any], code: str, field: str
) -> None:
    staff = Staff(village, Role.OFFICER)
    complaint = file_complaint(village, subject="Jalan rusk")
    response = post(staff, Role.OFFICER, f"/api/v1/complaints/{complaint.pk}/corrections/", body)
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["extra"]["field"]) == (code, field)
    assert response.json()["extra"]["fields"][field]
    assert reload(village, complaint).subject == "Jalan rusk"
    assert entries(village, complaint, "corrected") == []


def test_a_wbs_report_is_never_made_public_and_readers_cannot_correct(village: Tenant) -> None:
    staff = Staff(village, Role.OFFICER, Role.WBS_OFFICER, Role.AUDITOR)
    wbs = file_complaint(village, is_wbs=True)
    refused = post(staff, Role.WBS_OFFICER, f"/api/v1/complaints/{wbs.pk}/corrections/",
                   {"reason": "Publikasikan", "is_confidential": False})  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (400, "corrections.wbs")
    assert reload(village, wbs).is_confidential is True
    # an officer does not even see it; an auditor may not correct anything
    ordinary = file_complaint(village)
    for role, target in ((Role.OFFICER, wbs), (Role.AUDITOR, ordinary)):
        response = post(staff, role, f"/api/v1/complaints/{target.pk}/corrections/",
                        {"reason": "x", "subject": "Lain"})  # fmt: skip
        assert response.status_code == 404
    assert entries(village, ordinary, "corrected") == []


def test_a_redacted_passage_leaves_the_public_view_and_open311_but_stays_for_staff(
    village: Tenant,
) -> None:
    staff = Staff(village, Role.OFFICER)
    complaint = file_complaint(
        village, is_confidential=False, subject=f"Lampu mati, {SECRET}",
        description=f"Lampu jalan mati sejak Senin. {SECRET}.",
    )  # fmt: skip
    url = f"/api/v1/complaints/{complaint.pk}/redactions/"
    # A passage that is not in the text is refused, field by field, and nothing changes
    missing = post(staff, Role.OFFICER, url, {"reason": "Data pribadi", "field": "description",
                                              "passage": "tidak ada"})  # fmt: skip
    assert (missing.status_code, missing.json()["extra"]["field"]) == (400, "passage")
    assert reload(village, complaint).redactions == []
    # When the officer hides the phone number from the subject and the description
    for field in ("subject", "description"):
        body = {"reason": "Data pribadi pengadu", "field": field, "passage": SECRET}
        response = post(staff, Role.OFFICER, url, body)
        assert response.status_code == 200, response.json()
    body = response.json()
    assert body["public_description"] == "Lampu jalan mati sejak Senin. [disamarkan]."
    assert body["public_subject"] == "Lampu mati, [disamarkan]"
    # Then the text as written is kept, and the timeline says why, before and after
    stored = reload(village, complaint)
    assert stored.description == f"Lampu jalan mati sejak Senin. {SECRET}."
    _, second = entries(village, complaint, "redacted")
    assert second.message == "Data pribadi pengadu"
    assert second.before == {"description": f"Lampu jalan mati sejak Senin. {SECRET}."}
    assert second.after == {"description": "Lampu jalan mati sejak Senin. [disamarkan]."}
    # The tracking page, its API and Open311 show the redacted version only
    citizen = TenantClient()
    track = citizen.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=village).json()
    assert track["subject"] == "Lampu mati, [disamarkan]"
    page = citizen.get(f"/lacak/{complaint.tracking_code}/", tenant=village).content.decode()
    assert "[disamarkan]" in page and SECRET not in page
    open311 = json.loads(
        citizen.get(f"/open311/v2/requests/{village.slug}-{complaint.pk}.json").content
    )
    assert open311[0]["description"] == "Lampu jalan mati sejak Senin. [disamarkan]."
    # while staff still read it as written
    detail = staff.clients[Role.OFFICER].get(f"/api/v1/complaints/{complaint.pk}/",
                                             tenant=village).json()  # fmt: skip
    assert SECRET in detail["description"]


def test_the_corrections_page_shows_field_messages_and_records_a_correction(
    village: Tenant,
) -> None:
    staff = Staff(village, Role.OFFICER)
    complaint = file_complaint(village, subject="Jalan rusk")
    url = f"/console/pengaduan/{complaint.pk}/koreksi/"
    client = staff.clients[Role.OFFICER]
    # reached from the complaint's page
    detail = client.get(f"/console/pengaduan/{complaint.pk}/", tenant=village).content.decode()
    assert f"/t/{village.slug}{url}" in detail
    form = {"action": "correct", "subject": "Jalan rusak", "incident_place": "",
            "category": "", "urgency": "", "privacy": "confidential"}  # fmt: skip
    bad = client.post(url, {**form, "reason": ""}, tenant=village)
    assert bad.status_code == 400 and 'id="error-reason"' in bad.content.decode()
    assert reload(village, complaint).subject == "Jalan rusk"
    good = client.post(url, {**form, "reason": "Salah ketik"}, tenant=village)
    assert good.status_code == 302
    assert reload(village, complaint).subject == "Jalan rusak"
    redact = client.post(url, {"action": "redact", "field": "subject", "passage": "rusak",
                               "reason": "Uji"}, tenant=village)  # fmt: skip
    assert redact.status_code == 302
    assert reload(village, complaint).redactions == [{"field": "subject", "passage": "rusak"}]
