"""Open311's front door (no jurisdiction) goes through the one router and the one
disposition: it never refuses a request it cannot place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from aduan import cli
from complaints.models import Complaint, ComplaintEvent, EventKind
from integrations.models import Open311Token
from integrations.open311.actions import do_create_open311_client
from routing.models import LaporReferral, TrackingCode, TriageEntry
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
BOUNDARIES = Path(__file__).parent / "data" / "boundaries.geojson"


@pytest.fixture
def key() -> str:
    do_ensure_public_tenant()  # the platform's own host serves the front door
    return do_create_open311_client(name="Aplikasi Warga", actor=None)[1]


@pytest.fixture
def village(tenant_factory: TenantFactory) -> Tenant:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    return tenant_factory(region_code="33.01.09.2014", parent=regency, slug="babakan")


def post(client: TenantClient, data: dict[str, Any]) -> Any:
    response = client.post(f"{BASE}/requests.json", data=data)
    assert response.status_code == 200, response.content
    [answer] = json.loads(response.content)
    return answer


def resolve(client: TenantClient, token: str) -> str:
    [found] = json.loads(client.get(f"{BASE}/tokens/{token}.json").content)
    assert found["token"] == token
    return str(found["service_request_id"])


def only_complaint(tenant: Tenant) -> Complaint:
    with schema_context(tenant.schema_name):
        return Complaint.objects.get()


def test_the_address_text_places_it_without_a_village_code(
    tenant_client: TenantClient, key: str, village: Tenant
) -> None:
    # When a client sends a village matter with only an address
    answer = post(
        tenant_client,
        {
            "api_key": key,
            "service_code": "dana-desa",
            "address_string": "Desa Babakan, Kecamatan Kawunganten, Kabupaten Cilacap",
            "description": "APBDes tidak dipasang di balai desa.",
        },
    )
    # Then it is filed with that village, routed already (no second look), and the token
    # resolves to it
    complaint = only_complaint(village)
    assert resolve(tenant_client, answer["token"]) == f"babakan-{complaint.pk}"
    assert complaint.tracking_code in answer["service_notice"]
    with schema_context(village.schema_name):
        routed = ComplaintEvent.objects.get(kind=EventKind.ROUTED)
    assert "alamat 'Desa Babakan, Kecamatan Kawunganten, Kabupaten Cilacap'" in routed.message
    assert not LaporReferral.objects.exists()


def test_coordinates_place_it_where_boundaries_are_loaded(
    tenant_client: TenantClient,
    key: str,
    village: Tenant,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Given the operator loaded the boundaries
    assert cli.main(["regions", "boundaries", str(BOUNDARIES)]) == 0
    capsys.readouterr()
    # When a client sends only coordinates, inside Desa Babakan
    answer = post(
        tenant_client,
        {
            "api_key": key,
            "service_code": "dana-desa",
            "lat": "-7.62",
            "long": "108.92",
            "description": "APBDes tidak dipasang di balai desa.",
        },
    )
    # Then it is filed with the village, keeping its coordinates
    complaint = only_complaint(village)
    assert resolve(tenant_client, answer["token"]) == f"babakan-{complaint.pk}"
    assert (str(complaint.latitude), str(complaint.longitude)) == ("-7.620000", "108.920000")


def test_an_unsure_request_waits_in_the_regency_triage_queue(
    tenant_client: TenantClient, key: str, village: Tenant
) -> None:
    # When the address names the regency but no village of it
    regency = Tenant.objects.get(slug="pemkab-cilacap")
    answer = post(
        tenant_client,
        {
            "api_key": key,
            "service_code": "dana-desa",
            "address_string": "Pasar induk, Kabupaten Cilacap",
            "description": "APBDes tidak dipasang.",
        },
    )
    # Then the regency government holds it, in its triage queue
    complaint = only_complaint(regency)
    assert resolve(tenant_client, answer["token"]) == f"pemkab-cilacap-{complaint.pk}"
    entry = TriageEntry.objects.get()
    assert (entry.tracking_code, entry.holder) == (complaint.tracking_code, regency)


def test_with_no_region_known_it_goes_to_lapor_with_its_coordinates(
    tenant_client: TenantClient, key: str, village: Tenant
) -> None:
    # When a client sends only coordinates where no boundary is loaded
    answer = post(
        tenant_client,
        {
            "api_key": key,
            "service_code": "dana-desa",
            "lat": "-2.5",
            "long": "118.0",
            "first_name": "Siti",
            "description": "APBDes tidak dipasang.",
        },
    )
    # Then nobody on Aduan files it: an SP4N-LAPOR! referral keeps it whole, coordinates too
    referral = LaporReferral.objects.get()
    assert referral.holder is None and referral.payload is not None
    assert (referral.payload["latitude"], referral.payload["longitude"]) == ("-2.5", "118.0")
    assert referral.payload["name"] == "Siti"
    assert referral.category == "dana-desa"
    with schema_context(village.schema_name):
        assert not Complaint.objects.exists()
    # and its tracking code works, and the token resolves to the platform's own id for it
    assert TrackingCode.objects.get(code=referral.tracking_code).tenant is None
    assert referral.tracking_code in answer["service_notice"]
    assert "SP4N-LAPOR!" in answer["service_notice"]
    assert resolve(tenant_client, answer["token"]) == f"platform-{referral.pk}"
    assert Open311Token.objects.get().client is not None
    # and that id answers GET requests/{id}: waiting for SP4N-LAPOR!, nothing the citizen
    # wrote shown (a referral is rahasia like every complaint by default)
    [detail] = json.loads(tenant_client.get(f"{BASE}/requests/platform-{referral.pk}.json").content)
    assert detail["service_request_id"] == f"platform-{referral.pk}"
    assert detail["agency_responsible"] == "SP4N-LAPOR!"
    assert detail["status"] == "open"
    assert referral.tracking_code in detail["service_notice"]
    assert detail["description"] == "" and detail["lat"] is None
    assert "APBDes" not in json.dumps(detail) and "Siti" not in json.dumps(detail)
    # An id of the platform that names no referral is an ordinary 404 in the error shape
    missing = tenant_client.get(f"{BASE}/requests/platform-{referral.pk + 1000}.json")
    assert missing.status_code == 404
