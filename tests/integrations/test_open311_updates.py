"""Open311: mySociety's servicerequestupdates extension and the client applications' page
and API."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django_tenants.utils import schema_context

from complaints.audit import record_event
from complaints.models import ComplaintEvent, EventKind
from integrations.models import Open311Client
from integrations.open311.actions import do_create_open311_client, hash_key
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def platform_host() -> Tenant:
    return do_ensure_public_tenant()


@pytest.fixture
def village(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMDES, region_code="33.01.09.2014", slug="babakan")


def responses(tenant: Tenant) -> list[ComplaintEvent]:
    with schema_context(tenant.schema_name):
        return list(ComplaintEvent.objects.filter(kind=EventKind.RESPONSE).order_by("pk"))


def test_a_back_office_pushes_an_update_once(tenant_client: TenantClient, village: Tenant) -> None:
    # Given a public complaint and a back office's key that may push updates
    complaint = file_complaint(village, is_confidential=False)
    _client, key = do_create_open311_client(
        name="SIMDA Desa", tenant=village, can_push_updates=True, actor=None
    )
    form = {
        "api_key": key,
        "service_request_id": f"babakan-{complaint.pk}",
        "update_id": "bo-77",
        "status": "in_progress",
        "description": "Petugas sudah meninjau lokasi.",
        "updated_datetime": "2026-11-24T09:00:00+07:00",
    }
    # When it pushes an update, twice (a retried delivery)
    first = tenant_client.post(f"{BASE}/servicerequestupdates.json", data=form)
    again = tenant_client.post(f"{BASE}/servicerequestupdates.json", data=form)
    # Then one public response is recorded and both answers name it
    assert first.status_code == 200 and again.status_code == 200
    recorded = responses(village)
    assert [(e.message, e.actor_label, e.is_public) for e in recorded] == [
        ("Petugas sudah meninjau lokasi.", "SIMDA Desa", True)
    ]
    assert json.loads(first.content) == [{"update_id": str(recorded[0].pk)}]
    assert json.loads(again.content) == json.loads(first.content)
    # And it is the request's status_notes, and listed as an update
    item = json.loads(tenant_client.get(f"{BASE}/requests/babakan-{complaint.pk}.json").content)
    assert item[0]["status_notes"] == "Petugas sudah meninjau lokasi."
    listed = tenant_client.get(f"{BASE}/servicerequestupdates.xml?jurisdiction_id=babakan")
    root = ET.fromstring(listed.content)  # noqa: S314 - our own server's answer
    assert root.tag == "service_request_updates"
    assert [
        (u.findtext("service_request_id"), u.findtext("status"), u.findtext("description"))
        for u in root.findall("request_update")
    ] == [(f"babakan-{complaint.pk}", "OPEN", "Petugas sudah meninjau lokasi.")]


def test_pushing_needs_the_right_key_and_fields(
    tenant_client: TenantClient, village: Tenant
) -> None:
    complaint = file_complaint(village, is_confidential=False)
    wbs = file_complaint(village, is_wbs=True)
    _c, citizen_key = do_create_open311_client(name="Warga", actor=None)
    _c, office_key = do_create_open311_client(name="BO", can_push_updates=True, actor=None)
    form = {
        "service_request_id": f"babakan-{complaint.pk}",
        "update_id": "1",
        "status": "OPEN",
        "description": "Ditinjau.",
    }

    def push(**changes: Any) -> Any:
        return tenant_client.post(f"{BASE}/servicerequestupdates.json", data={**form, **changes})

    # A missing field is 400, a citizen app's or a wrong key 403, an unknown or WBS request 404
    assert json.loads(push(api_key=office_key, update_id="").content) == [
        {"code": 400, "description": "update_id wajib diisi."}
    ]
    assert push(api_key=citizen_key).status_code == 403
    assert push(api_key="salah").status_code == 403
    assert push(api_key=office_key, status="MUNGKIN").status_code == 400
    assert push(api_key=office_key, service_request_id="babakan-999999").status_code == 404
    assert push(api_key=office_key, service_request_id=f"babakan-{wbs.pk}").status_code == 404
    # And nothing was recorded
    assert responses(village) == []


def test_updates_list_skips_confidential_and_wbs(
    tenant_client: TenantClient, village: Tenant
) -> None:
    secret = file_complaint(village)
    wbs = file_complaint(village, is_wbs=True)
    with schema_context(village.schema_name):
        record_event(secret, kind=EventKind.RESPONSE, message="rahasia", is_public=True)
        record_event(wbs, kind=EventKind.RESPONSE, message="wbs", is_public=True)
    response = tenant_client.get(f"{BASE}/servicerequestupdates.json?jurisdiction_id=babakan")
    assert response.status_code == 200
    assert json.loads(response.content) == []


def test_tenant_admin_creates_and_revokes_a_key_on_the_page(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # Given the tenant's admin
    sign_in(tenant_client, make_member(village, Role.TENANT_ADMIN))
    # When they create a client application
    page = tenant_client.post(
        "/open311/clients/",
        {"name": "Aplikasi Desa", "contact": "dev@example.test"},
        tenant=village,
    )
    # Then the key is shown once, bound to the tenant, and only its hash is stored
    assert page.status_code == 200
    client = Open311Client.objects.get()
    key = page.context["new_key"]
    assert (client.tenant, client.key_hash, client.can_push_updates) == (
        village,
        hash_key(key),
        False,
    )
    assert key in page.content.decode()
    assert key not in tenant_client.get("/open311/clients/", tenant=village).content.decode()
    # When they revoke it
    tenant_client.post(f"/open311/clients/{client.pk}/revoke/", tenant=village)
    # Then it no longer posts
    client.refresh_from_db()
    assert client.revoked_at is not None
    refused = tenant_client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "pemerintahan-umum", "address_string": "Balai desa"},
        tenant=village,
    )
    assert refused.status_code == 403


def test_clients_api(
    tenant_client: TenantClient, village: Tenant, tenant_factory: TenantFactory
) -> None:
    other = tenant_factory(kind=TenantKind.PEMDES, slug="lain")
    admin = make_member(village, Role.TENANT_ADMIN)
    sign_in(tenant_client, admin)
    created = tenant_client.post(
        "/api/v1/open311/clients/",
        {"name": "Back office", "can_push_updates": True},
        content_type="application/json",
        tenant=village,
    )
    assert created.status_code == 201
    data = json.loads(created.content)
    assert data["can_push_updates"] is True and data["key_prefix"] == data["api_key"][:8]
    bad = tenant_client.post(
        "/api/v1/open311/clients/", {"name": ""}, content_type="application/json", tenant=village
    )
    assert bad.status_code == 400
    assert Open311Client.objects.count() == 1
    # Another tenant's admin sees none of them and cannot revoke them
    sign_in(tenant_client, make_member(other, Role.TENANT_ADMIN))
    assert json.loads(tenant_client.get("/api/v1/open311/clients/", tenant=other).content) == []
    revoke = tenant_client.post(f"/api/v1/open311/clients/{data['id']}/revoke/", tenant=other)
    assert revoke.status_code == 404
    assert Open311Client.objects.get().revoked_at is None
