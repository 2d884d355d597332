"""Open311 GeoReport v2: discovery, services, definitions, POST and GET requests, tokens, in
JSON and XML, with the standard's errors and the traps clients trip on."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth.models import AnonymousUser
from django_tenants.utils import schema_context

from complaints.actions.sop import do_edit_sop
from complaints.actions.workflow import do_transition_complaint
from complaints.audit import record_event
from complaints.models import Channel, Complaint, ComplaintEvent, EventKind
from complaints.sla import on_state_entered
from complaints.sop_templates import parsed_template, template_for
from integrations.models import Open311Client
from integrations.open311.actions import do_create_open311_client, do_revoke_open311_client
from routing.models import LaporReferral
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


def body(response: Any) -> Any:
    return json.loads(response.content)


def xml(response: Any) -> ET.Element:
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 - our own server's answer


def count_complaints(tenant: Tenant) -> int:
    with schema_context(tenant.schema_name):
        return Complaint.objects.count()


def new_key(tenant: Tenant | None = None, **extra: Any) -> str:
    _client, key = do_create_open311_client(
        name="Aplikasi Warga", tenant=tenant, actor=None, **extra
    )
    return key


def post(client: TenantClient, fmt: str, data: dict[str, Any], tenant: Tenant | None = None) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data=data, tenant=tenant)


def enter_state(complaint: Complaint, tenant: Tenant, key: str) -> None:
    """Move a complaint into a state of its tenant's SOP (what a transition does)."""
    state = parsed_template(tenant.kind).state(key)
    assert state is not None
    with schema_context(tenant.schema_name):
        complaint.state = key
        complaint.save(update_fields=["state"])
        on_state_entered(complaint, state, complaint.created_at)


@pytest.fixture(autouse=True)
def platform_host() -> Tenant:
    """The platform's own host (the public schema's tenant row) serves /open311/v2/."""
    return do_ensure_public_tenant()


@pytest.fixture
def village(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMDES, region_code="33.01.09.2014", slug="babakan")


def test_discovery_exists_in_json_and_xml(tenant_client: TenantClient) -> None:
    # When a client asks for discovery in both formats
    as_json = tenant_client.get(f"{BASE}/discovery.json")
    as_xml = tenant_client.get(f"{BASE}/discovery.xml")
    # Then both describe the GeoReport v2 endpoint and its formats
    assert as_json.status_code == 200
    assert as_json["Content-Type"] == "application/json; charset=utf-8"
    endpoint = body(as_json)["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://localhost/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = xml(as_xml)
    assert root.tag == "discovery"
    assert (
        root.findtext("endpoints/endpoint/specification") == "http://wiki.open311.org/GeoReport_v2"
    )
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_services_list_and_definition_as_the_spec_names_them(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # When the service list is asked for, in JSON and in XML
    services = body(tenant_client.get(f"{BASE}/services.json?jurisdiction_id=babakan"))
    root = xml(tenant_client.get(f"{BASE}/services.xml?jurisdiction_id=babakan"))
    # Then each service has the spec's fields, and XML nests <services><service>
    first = services[0]
    assert set(first) == {
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    }  # fmt: skip
    assert first["metadata"] is True and first["type"] == "realtime"
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == [
        s["service_code"] for s in services
    ]
    assert root.find("service/metadata") is not None
    assert root.findtext("service/metadata") == "true"

    # When a service definition is asked for
    code = first["service_code"]
    definition = body(tenant_client.get(f"{BASE}/services/{code}.json?jurisdiction_id=babakan"))
    # Then it is an OBJECT with the code and its attributes
    assert isinstance(definition, dict)
    assert definition["service_code"] == code
    confidential = next(a for a in definition["attributes"] if a["code"] == "rahasia")
    assert set(confidential) == {
        "variable", "code", "datatype", "required", "datatype_description", "order",
        "description", "values",
    }  # fmt: skip
    assert confidential["datatype"] == "singlevaluelist"
    assert confidential["required"] is False
    assert confidential["values"] == [
        {"key": "tidak", "name": "Tidak"},
        {"key": "ya", "name": "Ya"},
    ]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4]
    root = xml(tenant_client.get(f"{BASE}/services/{code}.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == code
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == [
        "alamat_pengadu", "pokok", "kode_desa", "rahasia",
    ]  # fmt: skip
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "tidak",
        "ya",
    ]


def test_unknown_service_definition_is_404_in_the_standard_format(
    tenant_client: TenantClient,
) -> None:
    response = tenant_client.get(f"{BASE}/services/tidak-ada.xml")
    assert response.status_code == 404
    root = xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert root.findtext("error/description") == "service_code tidak dikenal."


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_without_service_code_is_400_with_the_standard_error(
    tenant_client: TenantClient, village: Tenant, fmt: str
) -> None:
    # Given a valid api_key
    key = new_key()
    # When a request is posted without service_code
    response = post(
        tenant_client,
        fmt,
        {"api_key": key, "jurisdiction_id": "babakan", "lat": "-7.1", "long": "110.4"},
    )
    # Then 400 with the standard error body, and no complaint
    assert response.status_code == 400
    if fmt == "json":
        assert body(response) == [{"code": 400, "description": "service_code wajib diisi."}]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")] == [
            ("400", "service_code wajib diisi.")
        ]
    assert count_complaints(village) == 0


def test_post_with_a_bad_api_key_is_403_and_stores_nothing(
    tenant_client: TenantClient, village: Tenant, tenant_factory: TenantFactory
) -> None:
    # Given a revoked key, and a key bound to another tenant
    client, revoked = do_create_open311_client(name="Lama", actor=None)
    do_revoke_open311_client(client=client, actor=None)
    other = tenant_factory(kind=TenantKind.PEMDES, slug="lain")
    elsewhere = new_key(tenant=other)
    form = {
        "jurisdiction_id": "babakan",
        "service_code": "infrastruktur-desa",
        "lat": "-7",
        "long": "110",
    }
    for key in ("", "salah", revoked, elsewhere):
        # When a request is posted with it
        response = post(tenant_client, "json", {**form, "api_key": key})
        # Then 403 in the standard format, and nothing stored
        assert response.status_code == 403, key
        assert body(response) == [
            {"code": 403, "description": "api_key tidak ada atau tidak berlaku."}
        ]
    assert count_complaints(village) == 0


def test_post_needs_a_location(tenant_client: TenantClient, village: Tenant) -> None:
    key = new_key()
    response = post(
        tenant_client,
        "json",
        {"api_key": key, "jurisdiction_id": "babakan", "service_code": "infrastruktur-desa"},
    )
    assert response.status_code == 400
    assert body(response) == [
        {
            "code": 400,
            "description": "Lokasi wajib diisi: lat dan long, address_string, atau address_id.",
        }
    ]
    assert count_complaints(village) == 0


def test_post_files_a_complaint_and_answers_an_array_of_one(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # Given a client application's key
    key = new_key()
    # When a request is posted with the standard fields and attributes (one multi-valued)
    response = post(
        tenant_client,
        "json",
        {
            "api_key": key,
            "jurisdiction_id": "babakan",
            "service_code": "infrastruktur-desa",
            "lat": "-7.250445",
            "long": "110.402544",
            "address_string": "Jl. Raya Babakan 12",
            "email": "siti@example.test",
            "device_id": "perangkat-1",
            "account_id": "akun-9",
            "first_name": "Siti",
            "last_name": "Aminah",
            "phone": "0812-3456-7890",
            "description": "Jalan berlubang di depan balai desa.",
            "media_url": "https://foto.example.test/1.jpg",
            "attribute[alamat_pengadu]": "RT 02 RW 03, Desa Babakan",
            "attribute[pokok]": "Jalan berlubang",
            "attribute[kode_desa]": "33.01.09.2014",
            "attribute[lampiran][]": ["a", "b"],
        },
    )
    # Then the answer is an array of one with the id and the account_id
    assert response.status_code == 200
    answer = body(response)
    assert isinstance(answer, list) and len(answer) == 1
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    assert answer[0]["service_request_id"] == f"babakan-{complaint.pk}"
    assert answer[0]["account_id"] == "akun-9"
    assert complaint.tracking_code in answer[0]["service_notice"]
    # And the complaint came through intake, complete, rahasia (the client did not say
    # otherwise) and from the Open311 channel
    assert complaint.channel == Channel.OPEN311
    assert (complaint.name, complaint.address, complaint.phone, complaint.email) == (
        "Siti Aminah",
        "RT 02 RW 03, Desa Babakan",
        "+6281234567890",
        "siti@example.test",
    )
    assert (complaint.subject, complaint.category, complaint.village_code) == (
        "Jalan berlubang",
        "infrastruktur-desa",
        "33.01.09.2014",
    )
    assert str(complaint.latitude) == "-7.250445" and str(complaint.longitude) == "110.402544"
    assert complaint.is_complete is True and complaint.is_confidential is True
    assert complaint.raw_payload is not None
    assert complaint.raw_payload["open311"]["attributes"]["lampiran"] == ["a", "b"]
    assert complaint.raw_payload["open311"]["media_url"] == "https://foto.example.test/1.jpg"


def test_post_in_xml_and_a_bad_attribute_value(
    tenant_client: TenantClient, village: Tenant
) -> None:
    key = new_key(tenant=village)
    form = {"api_key": key, "service_code": "sampah-lingkungan", "address_string": "Pasar Babakan"}
    # When a tenant-bound client posts on the tenant's host with an unknown attribute value
    refused = post(tenant_client, "xml", {**form, "attribute[rahasia]": "mungkin"}, tenant=village)
    # Then 400, nothing stored
    assert refused.status_code == 400
    assert xml(refused).findtext("error/description") == (
        "attribute[rahasia] harus salah satu dari: tidak, ya."
    )
    assert count_complaints(village) == 0
    # When it posts a valid one
    accepted = post(tenant_client, "xml", {**form, "attribute[rahasia]": "ya"}, tenant=village)
    # Then <service_requests><request> holds the id; a missing element leaves it incomplete
    root = xml(accepted)
    assert root.tag == "service_requests"
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    assert root.findtext("request/service_request_id") == f"babakan-{complaint.pk}"
    assert complaint.is_confidential is True
    assert complaint.is_complete is False
    assert complaint.missing_elements == ["name", "address", "phone", "description"]


def test_a_single_request_is_still_an_array_and_lists_hide_what_is_not_public(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # Given a public complaint with a public response, a confidential one and a WBS report
    public = file_complaint(
        village,
        is_confidential=False,
        category="infrastruktur-desa",
        description="x" * 5000,
        address_text="Jl. Raya Babakan 12",
        latitude="-7.25",
        longitude="110.4",
    )
    with schema_context(village.schema_name):
        record_event(public, kind=EventKind.RESPONSE, message="Sudah ditambal.", is_public=True)
        record_event(public, kind=EventKind.NOTE, message="catatan internal", is_public=False)
    enter_state(public, village, "closed")
    secret = file_complaint(village, description="Rahasia pengadu", address_text="Rumah saya")
    with schema_context(village.schema_name):
        record_event(secret, kind=EventKind.RESPONSE, message="Nama Anda dicatat", is_public=True)
    wbs = file_complaint(village, is_wbs=True, description="Pelanggaran kepala desa")

    # When one request is asked for
    one = body(tenant_client.get(f"{BASE}/requests/babakan-{public.pk}.json"))
    # Then it is an array of one, status closed, notes from the last public response
    assert isinstance(one, list) and len(one) == 1
    item = one[0]
    assert item["status"] == "closed"
    assert item["status_notes"] == "Sudah ditambal."
    assert item["description"] == "x" * 4000
    assert item["service_code"] == "infrastruktur-desa"
    assert item["agency_responsible"] == village.name
    assert (item["address"], item["lat"], item["long"]) == ("Jl. Raya Babakan 12", -7.25, 110.4)
    assert item["requested_datetime"].endswith("+07:00")

    # When the list is asked for
    listed = body(tenant_client.get(f"{BASE}/requests.json?jurisdiction_id=babakan"))
    # Then the WBS report is not there and the confidential one shows nothing of its text
    assert [r["service_request_id"] for r in listed] == [
        f"babakan-{secret.pk}",
        f"babakan-{public.pk}",
    ]
    hidden = listed[0]
    assert (hidden["status"], hidden["description"], hidden["status_notes"]) == ("open", "", "")
    assert (hidden["address"], hidden["lat"], hidden["long"]) == ("", None, None)
    assert "Rahasia" not in str(listed) and "Nama Anda" not in str(listed)
    assert "Pelanggaran" not in str(listed) and "Siti" not in str(listed)
    # And the WBS report is not found by its id either
    missing = tenant_client.get(f"{BASE}/requests/babakan-{wbs.pk}.json")
    assert missing.status_code == 404
    assert body(missing) == [{"code": 404, "description": "service_request_id tidak ditemukan."}]
    # And in XML, a request is <service_requests><request>
    root = xml(tenant_client.get(f"{BASE}/requests/babakan-{public.pk}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/status") == "closed"


def test_every_sop_state_maps_to_open_or_closed(village: Tenant) -> None:
    from integrations.open311.spec import status_of

    for kind in TenantKind:
        for state in parsed_template(kind).states:
            assert status_of(state.key, kind) == ("closed" if state.terminal else "open")


def test_expected_datetime_comes_from_the_sla(tenant_client: TenantClient, village: Tenant) -> None:
    complaint = file_complaint(village, is_confidential=False)
    enter_state(complaint, village, "verified")
    with schema_context(village.schema_name):
        due = Complaint.objects.get(pk=complaint.pk).due_at
    assert due is not None
    item = body(tenant_client.get(f"{BASE}/requests/babakan-{complaint.pk}.json"))[0]
    assert dt.datetime.fromisoformat(item["expected_datetime"]) == due


def test_list_filters(tenant_client: TenantClient, village: Tenant) -> None:
    # Given three complaints: two about roads (one closed), one about waste
    road = file_complaint(village, category="infrastruktur-desa", is_confidential=False)
    closed_road = file_complaint(village, category="infrastruktur-desa", is_confidential=False)
    enter_state(closed_road, village, "closed")
    waste = file_complaint(village, category="sampah-lingkungan", is_confidential=False)

    def ids(query: str) -> list[str]:
        response = tenant_client.get(f"{BASE}/requests.json?jurisdiction_id=babakan&{query}")
        assert response.status_code == 200, response.content
        return sorted(r["service_request_id"] for r in body(response))

    def rid(c: Complaint) -> str:
        return f"babakan-{c.pk}"

    assert ids("service_code=infrastruktur-desa") == sorted([rid(road), rid(closed_road)])
    assert ids("status=closed") == [rid(closed_road)]
    assert ids("status=open&service_code=sampah-lingkungan") == [rid(waste)]
    assert ids(f"service_request_id={rid(road)},{rid(waste)}&status=closed") == sorted(
        [rid(road), rid(waste)]
    )
    assert ids("start_date=2000-01-01T00:00:00Z&end_date=2000-12-31T00:00:00Z") == []
    assert ids("start_date=2000-01-01T00:00:00%2B07:00") == sorted(
        [rid(road), rid(closed_road), rid(waste)]
    )
    bad = tenant_client.get(f"{BASE}/requests.json?jurisdiction_id=babakan&start_date=kemarin")
    assert bad.status_code == 400
    assert body(bad)[0]["code"] == 400
    assert (
        tenant_client.get(f"{BASE}/requests.json?jurisdiction_id=babakan&status=x").status_code
        == 400
    )
    # A list needs a jurisdiction; an unknown one is 404
    assert tenant_client.get(f"{BASE}/requests.json").status_code == 400
    assert tenant_client.get(f"{BASE}/requests.json?jurisdiction_id=tidak-ada").status_code == 404


def test_tenants_are_isolated(
    tenant_client: TenantClient, village: Tenant, tenant_factory: TenantFactory
) -> None:
    # Given a complaint of another tenant
    other = tenant_factory(kind=TenantKind.PEMDES, slug="lain")
    theirs = file_complaint(other, is_confidential=False)
    # When it is asked for through this tenant's host or jurisdiction
    on_host = tenant_client.get(f"{BASE}/requests/lain-{theirs.pk}.json", tenant=village)
    by_list = tenant_client.get(
        f"{BASE}/requests.json?jurisdiction_id=babakan&service_request_id=lain-{theirs.pk}"
    )
    mismatch = tenant_client.get(f"{BASE}/requests.json?jurisdiction_id=lain", tenant=village)
    # Then it is not there
    assert on_host.status_code == 404
    assert body(by_list) == []
    assert mismatch.status_code == 404


def test_front_door_routes_by_village_and_answers_a_token(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # Given a platform-wide client key
    key = new_key()
    form = {
        "api_key": key,
        "service_code": "infrastruktur-desa",
        "lat": "-7.25",
        "long": "110.4",
        "description": "Jalan desa berlubang.",
    }
    # When a request comes to the front door without a place it can route (no boundaries)
    lost = post(tenant_client, "json", form)
    # Then it is not refused: SP4N-LAPOR! gets it, coordinates kept, and a token answers
    assert lost.status_code == 200, lost.content
    referral = LaporReferral.objects.get()
    assert referral.holder is None and referral.payload is not None
    assert (referral.payload["latitude"], referral.payload["longitude"]) == ("-7.25", "110.4")
    assert "koordinat tidak dipetakan ke desa" in referral.reason
    lost_token = body(lost)[0]["token"]
    assert "service_request_id" not in body(lost)[0]
    assert count_complaints(village) == 0
    assert body(tenant_client.get(f"{BASE}/tokens/{lost_token}.json")) == [
        {"service_request_id": f"platform-{referral.pk}", "token": lost_token}
    ]
    # When it names the village
    response = post(
        tenant_client,
        "json",
        {**form, "jurisdiction_id": "platform", "attribute[kode_desa]": "33.01.09.2014"},
    )
    # Then it is filed with the village's government and answered with a token
    answer = body(response)
    assert response.status_code == 200 and len(answer) == 1
    token = answer[0]["token"]
    assert "service_request_id" not in answer[0]
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    assert complaint.description == "Jalan desa berlubang."
    # And tokens/{token} gives the service_request_id, as an array of one
    found = body(tenant_client.get(f"{BASE}/tokens/{token}.json"))
    assert found == [{"service_request_id": f"babakan-{complaint.pk}", "token": token}]
    root = xml(tenant_client.get(f"{BASE}/tokens/{token}.xml"))
    assert root.findtext("request/service_request_id") == f"babakan-{complaint.pk}"
    assert tenant_client.get(f"{BASE}/tokens/tidak-ada.json").status_code == 404


def test_front_door_refuses_a_village_code_that_names_no_village(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # When a platform-wide request names a village code that is no village's
    form = {
        "api_key": new_key(),
        "service_code": "infrastruktur-desa",
        "address_string": "Jalan desa dekat balai",
        "description": "Jalan desa berlubang.",
        "attribute[kode_desa]": "99.99.99.9999",
    }
    response = post(tenant_client, "json", form)
    # Then it is refused in the standard's error shape, naming the code, and nothing is kept
    assert response.status_code == 400
    assert body(response) == [
        {"code": 400, "description": "Kode desa/kelurahan 99.99.99.9999 tidak dikenal."}
    ]
    assert not LaporReferral.objects.exists()
    assert count_complaints(village) == 0


def test_only_a_hash_of_the_key_is_kept() -> None:
    client, key = do_create_open311_client(name="Aplikasi", actor=None)
    stored = Open311Client.objects.get(pk=client.pk)
    assert key not in (stored.key_hash, stored.key_prefix) and stored.key_prefix == key[:8]
    assert ComplaintEvent.objects.none().count() == 0


def test_a_request_is_rahasia_unless_the_client_says_tidak(
    tenant_client: TenantClient, village: Tenant
) -> None:
    key = new_key(tenant=village)
    form = {
        "api_key": key,
        "service_code": "sampah-lingkungan",
        "address_string": "Pasar Babakan",
        "description": "Sampah menumpuk di pasar.",
    }
    # When a client posts without attribute[rahasia], and another with rahasia=tidak
    assert post(tenant_client, "json", form, tenant=village).status_code == 200
    public = {**form, "attribute[rahasia]": "tidak", "description": "Selokan mampet."}
    assert post(tenant_client, "json", public, tenant=village).status_code == 200
    # Then the first is rahasia (not public), the second public
    with schema_context(village.schema_name):
        secret, shown = Complaint.objects.order_by("pk")
    assert (secret.is_confidential, shown.is_confidential) == (True, False)
    # and a listing shows only the public one's description
    listed = body(tenant_client.get(f"{BASE}/requests.json", tenant=village))
    descriptions = {r["service_request_id"]: r["description"] for r in listed}
    assert descriptions == {
        f"babakan-{secret.pk}": "",
        f"babakan-{shown.pk}": "Selokan mampet.",
    }
    # and the service definition documents the default
    definition = body(tenant_client.get(f"{BASE}/services/sampah-lingkungan.json"))
    rahasia = next(a for a in definition["attributes"] if a["code"] == "rahasia")
    assert rahasia["datatype_description"].startswith("Bawaan: ya.")


def test_status_follows_the_complaints_own_sop_version(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # Given the village's SOP edited with a terminal state of its own, "ditolak"
    definition = template_for(village.kind)
    definition["states"].append(
        {"key": "ditolak", "label": {"id": "Ditolak", "en": "Rejected"}, "terminal": True}
    )
    definition["transitions"].append(
        {"key": "reject", "label": {"id": "Tolak", "en": "Reject"}, "from": ["received"],
         "to": "ditolak", "roles": ["officer"]}
    )  # fmt: skip
    with schema_context(village.schema_name):
        do_edit_sop(tenant=village, definition=definition, actor=AnonymousUser())
    # and a public complaint filed under it, rejected, and one still open
    rejected = file_complaint(village, is_confidential=False, category="infrastruktur-desa")
    waiting = file_complaint(village, is_confidential=False, category="infrastruktur-desa")
    officer = make_member(village, Role.OFFICER)
    with schema_context(village.schema_name):
        do_transition_complaint(
            complaint=Complaint.objects.get(pk=rejected.pk), transition="reject", actor=officer
        )
    # When an Open311 client asks (the kind's default template has no "ditolak")
    listed = body(tenant_client.get(f"{BASE}/requests.json", tenant=village))
    closed = body(tenant_client.get(f"{BASE}/requests.json?status=closed", tenant=village))
    opened = body(tenant_client.get(f"{BASE}/requests.json?status=open", tenant=village))
    # Then the status comes from the complaint's own SOP version
    statuses = {r["service_request_id"]: r["status"] for r in listed}
    assert statuses == {f"babakan-{rejected.pk}": "closed", f"babakan-{waiting.pk}": "open"}
    assert [r["service_request_id"] for r in closed] == [f"babakan-{rejected.pk}"]
    assert [r["service_request_id"] for r in opened] == [f"babakan-{waiting.pk}"]


def test_post_takes_the_jurisdiction_from_the_query_string_too(
    tenant_client: TenantClient, village: Tenant
) -> None:
    # Given a platform-wide key, and a client that puts jurisdiction_id in the query string
    # (as node-open311 does) and the rest in the form body
    key = new_key()
    form = {
        "api_key": key,
        "service_code": "infrastruktur-desa",
        "address_string": "Jl. Raya Babakan 12",
        "attribute[alamat_pengadu]": "RT 02",
        "attribute[pokok]": "Jalan berlubang",
        "attribute[kode_desa]": "33.01.09.2014",
    }
    # When it posts on the platform's host
    response = tenant_client.post(f"{BASE}/requests.json?jurisdiction_id=babakan", data=form)
    # Then the request is filed in that jurisdiction at once (an id, not a front-door token)
    assert response.status_code == 200, response.content
    with schema_context(village.schema_name):
        complaint = Complaint.objects.get()
    assert body(response)[0]["service_request_id"] == f"babakan-{complaint.pk}"
    assert "token" not in body(response)[0]
    # And a jurisdiction in the body wins over the query string's
    other = tenant_client.post(
        f"{BASE}/requests.json?jurisdiction_id=nowhere",
        data={**form, "jurisdiction_id": "babakan", "description": "Kedua."},
    )
    assert other.status_code == 200, other.content
    assert body(other)[0]["service_request_id"].startswith("babakan-")
