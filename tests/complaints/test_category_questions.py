"""Questions per category (F09, as FixMyStreet's extra questions): set in the catalogue,
asked on every door that can ask (the tenant form, the desk, the API, the front door,
Open311) and published as the Open311 service definition's attributes."""

from __future__ import annotations

import json

import pytest
from django_tenants.utils import schema_context

from complaints.models import Complaint
from integrations.open311.actions import do_create_open311_client
from routing.models import TrackingCode
from tenants.actions.onboarding import do_ensure_public_tenant
from tests.client import TenantClient
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

CITIZEN = {
    "name": "Siti Aminah",
    "address": "RT 02 RW 03",
    "phone": "0812-3456-7890",
    "subject": "KTP-el belum jadi",
    "description": "Sudah tiga bulan sejak perekaman.",
}


def test_the_tenant_form_asks_the_categorys_questions(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = tenant_factory(slug="desa-babakan")
    blank = tenant_client.get("/pengaduan/baru/", tenant=village).content.decode()
    assert 'data-category="ktp-el"' in blank and 'name="q_nik"' in blank
    # When KTP-el is chosen and its required questions are left blank
    refused = tenant_client.post(
        "/pengaduan/baru/", {**CITIZEN, "category": "ktp-el"}, tenant=village
    )
    # Then each stands next to its question, and nothing is filed
    page = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="error-q_nik"' in page and 'id="error-q_kantor"' in page
    assert "Wajib dijawab untuk kategori ini: NIK (16 angka)." in page
    with schema_context(village.schema_name):
        assert not Complaint.objects.exists()
    # When answered (a road question's answer sent along is not kept)
    filed = tenant_client.post(
        "/pengaduan/baru/",
        {
            **CITIZEN,
            "category": "ktp-el",
            "q_nik": "3301010101010001",
            "q_kantor": "Kecamatan Kawunganten",
            "q_patokan": "Masjid",
        },
        tenant=village,
    )
    assert filed.status_code == 302
    with schema_context(village.schema_name):
        assert Complaint.objects.get().answers == {
            "nik": "3301010101010001",
            "kantor": "Kecamatan Kawunganten",
        }


def test_the_apis_check_the_answers_when_given(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    regency = tenant_factory(region_code="33.01", slug="pemkab")
    tenant_factory(region_code="33.01.09.2014", parent=regency, slug="babakan")
    # The front door with a road matter and a blank landmark: refused before routing
    refused = tenant_client.post(
        "/api/v1/intake/",
        data=json.dumps(
            {
                **CITIZEN,
                "village_code": "33.01.09.2014",
                "category": "jalan-jembatan",
                "answers": {"ukuran": "2 x 1 meter", "patokan": ""},
            }
        ),
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["extra"]["fields"] == {
        "q_patokan": ["Wajib dijawab untuk kategori ini: Patokan terdekat."]
    }
    assert not TrackingCode.objects.exists()


def test_open311_publishes_and_requires_the_questions(tenant_client: TenantClient) -> None:
    do_ensure_public_tenant()
    _client, key = do_create_open311_client(name="Aplikasi", actor=None)
    definition = tenant_client.get("/open311/v2/services/ktp-el.json").json()
    questions = [a for a in definition["attributes"] if a["code"].startswith("q_")]
    assert [(a["code"], a["required"], a["datatype"]) for a in questions] == [
        ("q_nik", True, "string"),
        ("q_kantor", True, "string"),
    ]
    # and a request without them is refused, nothing kept
    response = tenant_client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "ktp-el", "description": "x", "lat": "1", "long": "120"},
    )
    assert response.status_code == 400
    assert "q_nik" in response.content.decode()
    assert not TrackingCode.objects.exists()
