"""The citizen's tracking page and API: public entries only, never an identity; replies
complete an incomplete complaint; a code only resolves in its own tenant."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.actions.working import do_add_note, do_respond_to_complaint
from complaints.models import Complaint, ComplaintEvent
from complaints.sla import explain_due, on_state_entered
from complaints.sop import Label, Limit, State
from tenants.models import Role
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.django_db

IDENTITY = {"name": "Rahmat Hidayat", "address": "Jl. Melati 7 Babakan", "phone": "081377778888"}


def test_tracking_shows_public_entries_only(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint with an internal note and a public response
    tenant = tenant_factory()
    officer = make_member(tenant, Role.OFFICER)
    complaint = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        do_add_note(complaint=complaint, message="Cek ke Kasi Pelayanan dulu", actor=officer)
        do_respond_to_complaint(
            complaint=complaint, message="Jalan akan ditambal minggu ini.", actor=officer
        )
    # When the citizen opens the tracking page and the tracking API
    page = tenant_client.get(f"/lacak/{complaint.tracking_code}/", tenant=tenant)
    api = tenant_client.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=tenant).json()
    # Then the response is there, the note is not, and no staff name either
    html = page.content.decode()
    assert page.status_code == 200
    assert "Jalan akan ditambal minggu ini." in html
    assert "Cek ke Kasi Pelayanan" not in html
    assert officer.username not in html
    assert [(e["kind"], e["actor"]) for e in api["events"]] == [
        ("filed", "Situs web"),
        ("response", "Petugas"),
    ]
    assert api["events"][1]["text"] == "Jalan akan ditambal minggu ini."
    assert "Cek ke Kasi Pelayanan" not in str(api)
    assert api["state"] == "received"
    assert api["state_label"] == "Diterima dan dicatat petugas pengelola pengaduan"


@pytest.mark.parametrize("privacy", [{"is_anonymous": True}, {"is_wbs": True}, {}])
def test_tracking_never_shows_who_the_complainant_is(
    tenant_factory: TenantFactory, tenant_client: TenantClient, privacy: dict[str, bool]
) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant, **IDENTITY, **privacy)
    page = tenant_client.get(f"/lacak/{complaint.tracking_code}/", tenant=tenant)
    api = tenant_client.get(f"/api/v1/track/{complaint.tracking_code}/", tenant=tenant)
    for body in (page.content.decode(), api.content.decode()):
        assert "Rahmat" not in body
        assert "Melati" not in body
        assert "7777" not in body


@pytest.mark.parametrize("privacy", [{"is_anonymous": True}, {"is_wbs": True}])
def test_receipt_of_anonymous_or_wbs_complaint_has_no_name(
    tenant_factory: TenantFactory, tenant_client: TenantClient, privacy: dict[str, bool]
) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant, **IDENTITY, **privacy)
    page = tenant_client.get(f"/pengaduan/tanda-terima/{complaint.tracking_code}/", tenant=tenant)
    if complaint.is_wbs:
        # A WBS report is reached by its receipt key only (complaints.wbs), never by a code.
        assert page.status_code == 404
        return
    assert page.status_code == 200
    assert complaint.number in page.content.decode()
    assert "Rahmat" not in page.content.decode()


def test_a_reply_completes_an_incomplete_complaint(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint filed without name and address
    tenant = tenant_factory()
    complaint = file_complaint(tenant, name="", address="")
    page = tenant_client.get(f"/lacak/{complaint.tracking_code}/", tenant=tenant).content.decode()
    assert "Mohon lengkapi: Nama, Alamat" in page
    assert 'name="name"' in page and 'name="phone"' not in page
    # When the complainant fills them in on the tracking page, also trying to change the phone
    response = tenant_client.post(
        f"/lacak/{complaint.tracking_code}/",
        {"name": "Sri Wahyuni", "address": "RT 03", "phone": "081299990000", "message": "Ini"},
        tenant=tenant,
    )
    # Then the complaint is complete and received, the phone is unchanged
    assert response.status_code == 302
    with schema_context(tenant.schema_name):
        done = Complaint.objects.get(pk=complaint.pk)
        kinds = list(
            ComplaintEvent.objects.filter(complaint=complaint).values_list("kind", "is_public")
        )
    assert (done.name, done.address, done.phone) == ("Sri Wahyuni", "RT 03", "+6281234567890")
    assert (done.is_complete, done.missing_elements, done.state) == (True, [], "received")
    assert kinds == [
        ("filed", True),
        ("info_requested", True),
        ("completed", True),
        ("reply", True),
    ]


def test_an_empty_reply_is_refused(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    response = tenant_client.post(
        f"/api/v1/track/{complaint.tracking_code}/replies/",
        {"message": "  "},
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "complaints.empty_message"
    with schema_context(tenant.schema_name):
        assert ComplaintEvent.objects.filter(kind="reply").count() == 0


def test_a_reply_through_the_api(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    response = tenant_client.post(
        f"/api/v1/track/{complaint.tracking_code.lower()}/replies/",
        {"message": "Lubangnya makin besar."},
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 201
    assert [(e["kind"], e["actor"], e["text"]) for e in response.json()["events"]][-1] == (
        "reply",
        "Pengadu",
        "Lubangnya makin besar.",
    )


def test_a_tracking_code_resolves_only_in_its_tenant(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint of tenant A
    tenant_a = tenant_factory()
    tenant_b = tenant_factory()
    code = file_complaint(tenant_a).tracking_code
    # When its code is used on tenant B's pages and API
    paths = [f"/lacak/{code}/", f"/api/v1/track/{code}/", f"/pengaduan/tanda-terima/{code}/"]
    # Then B does not know it, while A does
    assert [tenant_client.get(p, tenant=tenant_b).status_code for p in paths] == [404] * 3
    assert [tenant_client.get(p, tenant=tenant_a).status_code for p in paths] == [200] * 3
    reply = tenant_client.post(
        f"/api/v1/track/{code}/replies/",
        {"message": "Halo"},
        content_type="application/json",
        tenant=tenant_b,
    )
    assert reply.status_code == 404
    with schema_context(tenant_a.schema_name):
        assert ComplaintEvent.objects.filter(kind="reply").count() == 0


def test_an_unknown_or_malformed_code_is_not_found(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    for code in ["AAAAAAAAAA", "0O1I", "x" * 30]:
        assert tenant_client.get(f"/api/v1/track/{code}/", tenant=tenant).status_code == 404


VERIFY = State(
    key="verification", label=Label("Verifikasi", "Verification"), limit=Limit("working_days", 5)
)
WAITING = State(
    key="waiting", label=Label("Menunggu pengadu", "Waiting"), waits_for_complainant=True
)


def test_tracking_shows_the_due_date_and_a_reply_resumes_a_paused_clock(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a complaint whose verification step runs 5 working days
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    with schema_context(tenant.schema_name):
        on_state_entered(complaint, VERIFY, timezone.now())
        due = explain_due(complaint)
    assert due is not None and due.due_at is not None
    # When the citizen opens the tracking page, then the due date and its reasons are shown
    page = tenant_client.get(f"/lacak/{complaint.tracking_code}/", tenant=tenant).content.decode()
    assert 'id="due-date"' in page
    assert f"{due.due_local:%H:%M}" in page
    assert "Tahap ini tidak memiliki batas waktu" not in page
    # Given the step now waits for the complainant (the clock pauses)
    with schema_context(tenant.schema_name):
        on_state_entered(complaint, WAITING, timezone.now())
        assert Complaint.objects.get(pk=complaint.pk).paused_at is not None
    # When they reply on the tracking page
    tenant_client.post(
        f"/lacak/{complaint.tracking_code}/", {"message": "Ini datanya"}, tenant=tenant
    )
    # Then the clock runs again
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=complaint.pk).paused_at is None
