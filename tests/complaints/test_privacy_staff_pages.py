"""Issue 19, the staff's side: the queue of pending erasure requests (page and API, decided
there with a reason, linked from the staff menu) and the tenant's privacy settings (DPO
contact, notice, retention periods) for its admins, audited, read by the intake page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions import privacy
from complaints.actions import wbs as wbs_actions
from complaints.models import Complaint
from tenants.models import Role, Tenant, TenantEvent, TenantEventKind, User
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db

QUEUE = "/console/penghapusan-data/"
SETTINGS = "/console/privasi/"


def client_of(user: User) -> TenantClient:
    client = TenantClient()
    sign_in(client, user)
    return client


def ask_erasure(tenant: Tenant, complaint: Complaint, reason: str) -> None:
    with schema_context(tenant.schema_name):
        privacy.do_request_erasure(complaint=Complaint.objects.get(pk=complaint.pk), reason=reason)


def test_staff_decide_pending_erasure_requests_from_their_queue(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    asked = file_complaint(tenant, name="Siti Aminah")
    quiet = file_complaint(tenant, name="Budi Santoso")
    ask_erasure(tenant, asked, "Saya pindah kota")
    with schema_context(tenant.schema_name):
        wbs_actions.do_set_wbs_policy(tenant=tenant, enabled=True, actor=None)
        report = wbs_actions.do_file_wbs_report(
            tenant=tenant, anonymous=False, name="Pelapor", phone="081200000001",
            subject="Suap", description="Suap.",
        ).complaint  # fmt: skip
    ask_erasure(tenant, report, "rahasia")
    officer = client_of(make_member(tenant, Role.OFFICER))
    # The officer reaches the queue from the staff menu
    console = officer.get("/console/pengaduan/", tenant=tenant)
    assert f'href="/t/{tenant.slug}{QUEUE}"'.encode() in console.content or (
        f'href="{QUEUE}"'.encode() in console.content
    )
    # and sees the request (not the quiet complaint, not the WBS report they may not see)
    page = officer.get(QUEUE, tenant=tenant)
    assert page.status_code == 200
    text = page.content.decode()
    assert asked.number in text and "Saya pindah kota" in text
    assert quiet.number not in text and report.number not in text
    listed = officer.get("/api/v1/erasure-requests/", tenant=tenant)
    assert listed.status_code == 200
    assert [r["number"] for r in listed.json()["results"]] == [asked.number]
    assert listed.json()["results"][0]["reason"] == "Saya pindah kota"
    # A decision without a reason is a field error, nothing changes
    refused = officer.post(QUEUE, {"complaint": asked.pk, "approve": "1"}, tenant=tenant)
    assert refused.status_code == 400
    assert "Alasan keputusan wajib diisi." in refused.content.decode()
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=asked.pk).erased_at is None
    # With a reason: anonymised, gone from the queue
    done = officer.post(
        QUEUE, {"complaint": asked.pk, "approve": "1", "reason": "Sesuai UU PDP"}, tenant=tenant
    )
    assert done.status_code == 302
    with schema_context(tenant.schema_name):
        erased = Complaint.objects.get(pk=asked.pk)
        assert erased.erased_at is not None and erased.name == ""
    assert officer.get("/api/v1/erasure-requests/", tenant=tenant).json()["results"] == []
    # The WBS officer sees the WBS report's request only
    wbs_officer = client_of(make_member(tenant, Role.WBS_OFFICER))
    theirs = wbs_officer.get("/api/v1/erasure-requests/", tenant=tenant).json()["results"]
    assert [r["number"] for r in theirs] == [report.number]
    # An auditor (who changes nothing) has no queue
    auditor = client_of(make_member(tenant, Role.AUDITOR))
    assert auditor.get(QUEUE, tenant=tenant).status_code in (403, 404)
    assert auditor.get("/api/v1/erasure-requests/", tenant=tenant).status_code in (403, 404)


def _put(client: TenantClient, tenant: Tenant, body: dict[str, Any]) -> Any:
    return client.put(
        "/api/v1/privacy/settings/", json.dumps(body), content_type="application/json",
        tenant=tenant,
    )  # fmt: skip


def test_the_tenant_admin_sets_the_privacy_settings_that_intake_shows_and_it_is_audited(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    admin_user = make_member(tenant, Role.TENANT_ADMIN)
    admin = client_of(admin_user)
    # Reached from the staff menu
    assert SETTINGS.encode() in admin.get("/console/pengaduan/", tenant=tenant).content or (
        SETTINGS.encode() in admin.get(SETTINGS, tenant=tenant).content
    )
    assert admin.get(SETTINGS, tenant=tenant).status_code == 200
    current = admin.get("/api/v1/privacy/settings/", tenant=tenant).json()
    assert (current["retention_years"], current["wbs_retention_years"]) == (5, 10)
    # Bad periods are field errors in the user's language; nothing is recorded
    bad = _put(admin, tenant, {**current, "retention_years": 0})
    assert bad.status_code == 400 and "retention_years" in json.dumps(bad.json())
    action_bad = admin.post(
        SETTINGS,
        {"dpo_contact": "", "notice": "", "retention_years": 5, "wbs_retention_years": 0},
        tenant=tenant,
    )
    assert action_bad.status_code == 400
    assert not TenantEvent.objects.filter(tenant=tenant, kind=TenantEventKind.PRIVACY).exists()
    # When the admin sets them
    notice = "Data Anda hanya dipakai untuk menangani pengaduan. Tanya PPID kami."
    done = admin.post(
        SETTINGS,
        {
            "dpo_contact": "ppid@labura.go.id",
            "notice": notice,
            "retention_years": 3,
            "wbs_retention_years": 7,
        },
        tenant=tenant,
    )
    assert done.status_code == 302
    # Then the API reads them, the change is in the tenant's trail with before and after
    got = admin.get("/api/v1/privacy/settings/", tenant=tenant).json()
    assert got == {
        "dpo_contact": "ppid@labura.go.id", "notice": notice, "retention_years": 3,
        "wbs_retention_years": 7, "notice_shown": notice,
    }  # fmt: skip
    (event,) = TenantEvent.objects.filter(tenant=tenant, kind=TenantEventKind.PRIVACY)
    assert event.actor_id == admin_user.pk
    assert event.detail["before"]["retention_years"] == 5
    assert event.detail["after"]["wbs_retention_years"] == 7
    # and the intake page shows the tenant's notice
    form = tenant_client.get("/pengaduan/baru/", tenant=tenant)
    assert notice in form.content.decode()
    # Empty notice: the standard one, with the new period and the DPO's contact
    _put(admin, tenant, {**got, "notice": ""})
    standard = tenant_client.get("/pengaduan/baru/", tenant=tenant).content.decode()
    assert "dianonimkan 3 tahun" in standard and "ppid@labura.go.id" in standard
    # An officer may neither read nor change them
    officer = client_of(make_member(tenant, Role.OFFICER))
    assert officer.get("/api/v1/privacy/settings/", tenant=tenant).status_code in (403, 404)
    assert _put(officer, tenant, got).status_code in (403, 404)
    assert TenantEvent.objects.filter(tenant=tenant, kind=TenantEventKind.PRIVACY).count() == 2
