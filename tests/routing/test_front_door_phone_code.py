"""Phone confirmation at the platform's front door: the code is asked when the body the
complaint is routed to confirms phones (known only after routing), checked inside the one
intake action; a body that does not confirm takes the complaint without one."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions.doors import do_set_citizen_doors
from complaints.models import Complaint, ComplaintEvent
from integrations.models import NotificationKind, OutboxMessage
from routing.models import TrackingCode
from tenants.models import Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db

FILED = {
    "name": "Siti Aminah",
    "address": "RT 02 RW 03",
    "phone": "0812-3456-7890",
    "regency_code": "33.01",
    "village_code": "33.01.12.2010",
    "subject": "Dana desa tidak diumumkan",
    "description": "APBDes tahun ini tidak dipasang di balai desa.",
}


def babakan(tenant_factory: TenantFactory, *, confirms: bool) -> Tenant:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    village = tenant_factory(
        name="Desa Babakan", region_code="33.01.12.2010", parent=regency, slug="babakan"
    )
    do_set_citizen_doors(
        tenant=village, embed_origins=[], colour="", confirm_phone=confirms, actor=None
    )
    return village


def file_api(client: TenantClient, **extra: str) -> Any:
    return client.post(
        "/api/v1/intake/", json.dumps({**FILED, **extra}), content_type="application/json"
    )


def ask_code(client: TenantClient) -> str:
    response = client.post(
        "/api/v1/intake/phone-code/",
        json.dumps({"phone": FILED["phone"], "channel": "sms"}),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    sent = OutboxMessage.objects.filter(kind=NotificationKind.PHONE_CODE).order_by("-pk").first()
    assert sent is not None and sent.recipient == "+6281234567890"
    assert sent.tenant is not None and sent.tenant.schema_name == "public"  # Aduan's own code
    found = re.search(r"\b(\d{6})\b", sent.body)
    assert found is not None
    return found.group(1)


def filed_in(tenant: Tenant) -> list[Complaint]:
    with schema_context(tenant.schema_name):
        return list(Complaint.objects.all())


def test_a_body_that_confirms_phones_gets_the_complaint_only_with_the_code(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = babakan(tenant_factory, confirms=True)
    # When the citizen files without a code: refused, naming the body, nothing kept
    missing = file_api(tenant_client)
    assert missing.status_code == 400, missing.content
    assert missing.json()["code"] == "complaints.phone_code_required"
    assert missing.json()["extra"]["field"] == "phone_code"
    assert "Desa Babakan" in missing.json()["message"]
    # When they ask for the code and type a wrong one: refused, nothing kept
    code = ask_code(tenant_client)
    wrong = file_api(tenant_client, phone_code="000000" if code != "000000" else "111111")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "complaints.bad_phone_code"
    assert filed_in(village) == [] and not TrackingCode.objects.exists()
    # When they send the right code: filed there, the phone marked confirmed on its timeline
    filed = file_api(tenant_client, phone_code=code)
    assert filed.status_code == 201, filed.content
    assert filed.json()["holder"] == "Desa Babakan"
    [complaint] = filed_in(village)
    assert complaint.tracking_code == filed.json()["tracking_code"]
    with schema_context(village.schema_name):
        afters = [e.after or {} for e in ComplaintEvent.objects.filter(complaint=complaint)]
    assert any(a.get("phone_confirmed") for a in afters)
    # and the code is used up
    again = file_api(tenant_client, phone_code=code)
    assert again.json()["code"] == "complaints.bad_phone_code"


def test_a_body_that_does_not_confirm_phones_files_without_a_code(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = babakan(tenant_factory, confirms=False)
    filed = file_api(tenant_client)
    assert filed.status_code == 201, filed.content
    assert [c.tracking_code for c in filed_in(village)] == [filed.json()["tracking_code"]]
    assert not OutboxMessage.objects.filter(kind=NotificationKind.PHONE_CODE).exists()


def test_the_front_door_page_asks_the_code_when_the_body_wants_it(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    village = babakan(tenant_factory, confirms=True)
    form = {k: v for k, v in FILED.items() if k not in ("regency_code", "village_code")}
    form["place"] = FILED["village_code"]
    # The page has no code box until a body asks for one
    assert 'name="phone_code"' not in tenant_client.get("/pengaduan/").content.decode()
    first = tenant_client.post("/pengaduan/", form)
    page = first.content.decode()
    assert first.status_code == 400
    assert 'name="send_code"' in page and 'id="error-phone_code"' in page
    assert "Desa Babakan" in page and filed_in(village) == []
    # The "send code" button sends it and keeps what was typed
    sent = tenant_client.post("/pengaduan/", {**form, "send_code": "sms"})
    assert 'id="code-sent"' in sent.content.decode()
    assert FILED["subject"] in sent.content.decode()
    body = OutboxMessage.objects.get(kind=NotificationKind.PHONE_CODE).body
    found = re.search(r"\b(\d{6})\b", body)
    assert found is not None
    wrong = tenant_client.post("/pengaduan/", {**form, "phone_code": "1"})
    assert wrong.status_code == 400 and filed_in(village) == []
    filed = tenant_client.post("/pengaduan/", {**form, "phone_code": found.group(1)})
    assert filed.status_code == 200, filed.content.decode()[:500]
    [complaint] = filed_in(village)
    assert complaint.tracking_code in filed.content.decode()
