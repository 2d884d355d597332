"""Merging duplicates: B is closed as a duplicate of A, its files and timeline are read from A,
its tracking code follows A; merging into itself, a closed one, another tenant's or in a loop
is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions.workflow import do_transition_complaint
from complaints.forwarding import platform_track
from complaints.models import Complaint, ComplaintEvent
from integrations.models import NotificationKind, OutboxMessage
from tenants.models import Role, Tenant, TenantKind, User
from tests.client import TenantClient
from tests.complaints.files import photo
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")


@pytest.fixture
def officer(office: Tenant) -> User:
    return make_member(office, Role.OFFICER)


@pytest.fixture
def staff(office: Tenant, officer: User) -> TenantClient:
    client = TenantClient()
    sign_in(client, officer)
    return client


def merge(client: TenantClient, tenant: Tenant, b: Complaint, into: Any) -> Any:
    return client.post(
        f"/api/v1/complaints/{b.pk}/merge/",
        json.dumps({"into": str(into), "reason": "Laporan yang sama"}),
        content_type="application/json",
        tenant=tenant,
    )


def reload(tenant: Tenant, complaint: Complaint) -> Complaint:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get(pk=complaint.pk)


def kinds(tenant: Tenant, complaint: Complaint) -> list[str]:
    with schema_context(tenant.schema_name):
        events = ComplaintEvent.objects.filter(complaint_id=complaint.pk)
        return list(events.values_list("kind", flat=True))


def test_a_duplicate_is_merged_and_follows_the_original(
    office: Tenant, officer: User, staff: TenantClient, tenant_client: TenantClient
) -> None:
    # Given two complaints about the same thing, the second with a photo and an e-mail
    a = file_complaint(office, subject="KTP-el belum jadi")
    b = file_complaint(
        office, subject="KTP-el saya belum jadi", email="budi@example.test", attachments=[photo()]
    )
    # When the officer merges B into A by its register number
    response = merge(staff, office, b, a.number)
    # Then B is closed as a duplicate linked to A
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["merged_into_id"]) == ("closed", a.pk)
    stored = reload(office, b)
    assert stored.merged_into_id == a.pk and stored.closed_at is not None
    assert stored.due_at is None  # its clock stopped
    # and both timelines record it, with who did it
    assert kinds(office, b)[-1] == "merged"
    assert kinds(office, a)[-1] == "merge_received"
    with schema_context(office.schema_name):
        entry = ComplaintEvent.objects.filter(complaint_id=a.pk).last()
    assert entry is not None and entry.actor_id == officer.pk
    assert entry.after == {"duplicate": b.pk, "number": b.number}
    # and B's timeline and photo are read from A (API and page, file download included)
    detail = staff.get(f"/api/v1/complaints/{a.pk}/", tenant=office).json()
    [duplicate] = detail["duplicates"]
    assert (duplicate["id"], duplicate["number"]) == (b.pk, b.number)
    assert [e["kind"] for e in duplicate["events"]][-1] == "merged"
    [picture] = duplicate["attachments"]
    page = staff.get(f"/console/pengaduan/{a.pk}/", tenant=office).content.decode()
    assert f'id="duplicate-{b.pk}"' in page
    download = staff.get(f"/console/pengaduan/{a.pk}/lampiran/{picture['id']}/", tenant=office)
    assert download.status_code == 200
    # and B's tracking code shows the merge and A's step (A's number, never A's code)
    tracked = tenant_client.get(f"/api/v1/track/{b.tracking_code}/", tenant=office).json()
    assert tracked["merged_into_number"] == a.number
    assert (tracked["state"], tracked["can_rate"], tracked["can_reopen"]) == (
        "received", False, False,
    )  # fmt: skip
    assert tracked["events"][-1]["text"] == (
        f"Pengaduan ini digabungkan ke pengaduan nomor {a.number}."
    )
    # (also on the platform's front door, which finds a code wherever it is)
    found = platform_track(b.tracking_code)
    assert found is not None and found["state"] == "received"
    track_page = tenant_client.get(f"/lacak/{b.tracking_code}/", tenant=office).content.decode()
    assert 'id="merged-into"' in track_page and a.number in track_page
    assert a.tracking_code not in track_page
    # and B's complainant was told, once, by e-mail
    [told] = OutboxMessage.objects.filter(tracking_code=b.tracking_code, kind="status")
    assert a.number in told.body
    # When A moves on, B's complainant hears of A's step (its name only)
    with schema_context(office.schema_name):
        do_transition_complaint(
            complaint=a,
            transition="answer_directly",
            actor=officer,
            inputs={"response": "Silakan ambil KTP-el Siti Aminah di loket 3."},
        )
    follow = OutboxMessage.objects.filter(tracking_code=b.tracking_code).order_by("pk").last()
    assert follow is not None and follow.kind == NotificationKind.STATUS
    assert "Jawaban disampaikan kepada pengadu" in follow.body
    assert "Siti Aminah" not in follow.body
    tracked = tenant_client.get(f"/api/v1/track/{b.tracking_code}/", tenant=office).json()
    assert tracked["state"] == "answered"
    # and B can be neither rated nor reopened on its own
    rating = tenant_client.post(
        f"/api/v1/track/{b.tracking_code}/rating/", {"score": 5}, tenant=office
    )
    assert rating.status_code == 400 and rating.json()["code"] == "complaints.merged"


def test_merges_that_make_no_sense_are_refused_and_change_nothing(
    office: Tenant,
    officer: User,
    staff: TenantClient,
    tenant_factory: TenantFactory,
) -> None:
    a, b, c = (file_complaint(office) for _ in range(3))
    closed = file_complaint(office)
    with schema_context(office.schema_name):
        do_transition_complaint(
            complaint=closed, transition="answer_directly", actor=officer,
            inputs={"response": "Sudah."},
        )  # fmt: skip
        do_transition_complaint(complaint=closed, transition="close", actor=officer)
    other = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="12.23")
    elsewhere = file_complaint(other)
    wbs_officer = make_member(office, Role.WBS_OFFICER)
    wbs = file_complaint(office, is_wbs=True)
    wbs_client = TenantClient()
    sign_in(wbs_client, wbs_officer)

    def refused(response: Any, code: str) -> None:
        assert response.status_code == 400, response.json()
        assert response.json()["code"] == code
        assert list(response.json()["extra"]["fields"]) == ["into"]

    # Into itself; into a closed complaint; into another tenant's (by its number); unknown
    refused(merge(staff, office, a, a.pk), "complaints.merge_into_itself")
    refused(merge(staff, office, a, closed.number), "complaints.merge_into_closed")
    refused(merge(staff, office, a, elsewhere.number), "complaints.merge_unknown_target")
    refused(merge(staff, office, a, "999999"), "complaints.merge_unknown_target")
    # A WBS report with an ordinary complaint
    refused(merge(wbs_client, office, wbs, a.pk), "complaints.merge_wbs")
    # Nothing changed
    for complaint in (a, closed, wbs):
        assert reload(office, complaint).merged_into_id is None
    assert reload(other, elsewhere).merged_into_id is None
    # C into B, then B into A: C now follows A directly (no chain)
    assert merge(staff, office, c, b.pk).status_code == 200
    assert merge(staff, office, b, a.pk).status_code == 200
    assert reload(office, c).merged_into_id == a.pk
    # A back into B or C (a loop) is refused, and B cannot be merged twice
    refused(merge(staff, office, a, b.pk), "complaints.merge_into_closed")
    refused(merge(staff, office, a, c.pk), "complaints.merge_into_closed")
    refused(merge(staff, office, b, closed.pk), "complaints.already_merged")
    assert reload(office, a).merged_into_id is None


def test_the_merge_page(office: Tenant, staff: TenantClient) -> None:
    # Given two complaints
    a, b = file_complaint(office), file_complaint(office)
    page = f"/console/pengaduan/{b.pk}/gabung/"
    assert 'id="merge-form"' in staff.get(page, tenant=office).content.decode()
    # When the form names B itself
    response = staff.post(page, {"into": str(b.pk)}, tenant=office)
    # Then the page says why
    assert response.status_code == 400
    assert "tidak dapat digabung ke dirinya" in response.content.decode()
    # When it names A: merged, and the officer lands on A
    response = staff.post(page, {"into": a.number, "reason": "Sama"}, tenant=office)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/console/pengaduan/{a.pk}/")
    assert reload(office, b).merged_into_id == a.pk


def test_a_complaint_with_merged_duplicates_is_not_forwarded(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village complaint A with a duplicate B merged into it, and the regency's agency
    from aduan.errors import AduanError
    from complaints.actions.forward import do_forward_complaint
    from complaints.actions.merge import do_merge_complaints

    village = tenant_factory()
    tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr-merge")
    officer = make_member(village, Role.OFFICER)
    a, b = file_complaint(village), file_complaint(village, attachments=[photo()])
    with schema_context(village.schema_name):
        do_merge_complaints(duplicate=b, into=a, actor=officer)
    # When A is forwarded
    with pytest.raises(AduanError) as refused:
        do_forward_complaint(
            tenant=village, complaint_id=a.pk, to="pupr-merge", reason="Jalan", actor=officer
        )
    # Then the move is refused whole: A, its timeline and B's link stay
    assert refused.value.code == "complaints.forward_has_duplicates"
    assert reload(village, b).merged_into_id == a.pk
    assert kinds(village, a)[-1] == "merge_received"
