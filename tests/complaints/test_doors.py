"""The citizens' doors: the embeddable form for the village website (framed only by the
origins the tenant registered) and identity confirmation by a one-time code."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints.actions.doors import do_set_citizen_doors
from complaints.models import Complaint, ComplaintEvent, EventKind
from integrations.models import ChannelName, NotificationKind, OutboxMessage
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db

FILED = {
    "name": "Budi Santoso",
    "address": "Dusun Krajan RT 01 RW 02",
    "phone": "0813 2222 3333",
    "subject": "Lampu jalan mati",
    "description": "Lampu jalan di depan balai desa mati sejak seminggu.",
}
SITE = "https://desa-kuripankidul.id"


def policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parts = (p.strip() for p in header.split(";"))
    return {part.split()[0]: part.split()[1:] for part in parts if part}


def complaints_of(tenant: Tenant) -> list[Complaint]:
    with schema_context(tenant.schema_name):
        return list(Complaint.objects.order_by("pk"))


# -- settings -------------------------------------------------------------------------------


def test_the_admin_registers_website_origins_by_api_and_bad_ones_change_nothing(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    put = {
        "embed_origins": ["https://Desa-KuripanKidul.id/", "http://localhost:8001"],
        "colour": "#AA3300",
        "confirm_phone": True,
    }
    response = tenant_client.put(
        "/api/v1/settings/citizen-doors/",
        json.dumps(put),
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["embed_origins"] == [SITE, "http://localhost:8001"]
    assert (body["colour"], body["confirm_phone"]) == ("#aa3300", True)
    assert body["embed_url"].endswith(f"/t/{tenant.slug}/embed/")
    # A path, a wildcard or another scheme is refused on its field; nothing changes
    for bad in ("https://desa.id/halaman", "https://*.desa.id", "ftp://desa.id", "desa.id"):
        refused = tenant_client.put(
            "/api/v1/settings/citizen-doors/",
            json.dumps({"embed_origins": [SITE, bad]}),
            content_type="application/json",
            tenant=tenant,
        )
        assert refused.status_code == 400, bad
        assert refused.json()["code"] == "complaints.invalid_origin"
        assert refused.json()["extra"]["field"] == "embed_origins"
    tenant.refresh_from_db()
    assert tenant.doors["embed_origins"] == [SITE, "http://localhost:8001"]


def test_the_settings_page_shows_the_snippet_and_is_in_the_admins_menu(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    sign_in(tenant_client, make_member(tenant, Role.TENANT_ADMIN))
    saved = tenant_client.post(
        "/console/pintu-warga/",
        {"embed_origins": f"{SITE}\nhttps://www.desa-kuripankidul.id", "colour": "#1d6b45"},
        tenant=tenant,
    )
    assert saved.status_code == 302
    page = tenant_client.get("/console/pintu-warga/", tenant=tenant).content.decode()
    assert f"&lt;iframe src=&quot;http://localhost/t/{tenant.slug}/embed/&quot;" in page
    assert "https://www.desa-kuripankidul.id" in page
    work = tenant_client.get("/console/", tenant=tenant).content.decode()
    assert f'href="/t/{tenant.slug}/console/pintu-warga/"' in work
    bad = tenant_client.post(
        "/console/pintu-warga/", {"embed_origins": "javascript:alert(1)"}, tenant=tenant
    )
    assert bad.status_code == 400
    assert 'id="error-embed_origins"' in bad.content.decode()


def test_officers_and_strangers_cannot_change_the_doors(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    put = json.dumps({"embed_origins": ["https://evil.example"]})
    anonymous = tenant_client.put(
        "/api/v1/settings/citizen-doors/", put, content_type="application/json", tenant=tenant
    )
    sign_in(tenant_client, make_member(tenant, Role.OFFICER))
    officer = tenant_client.put(
        "/api/v1/settings/citizen-doors/", put, content_type="application/json", tenant=tenant
    )
    assert (anonymous.status_code, officer.status_code) == (403, 404)
    tenant.refresh_from_db()
    assert tenant.doors == {}


# -- the embeddable form ----------------------------------------------------------------------


def test_only_the_embed_may_be_framed_and_only_by_the_registered_origins(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant, stranger = tenant_factory(), tenant_factory()
    # Before any origin is registered nobody may frame it
    closed = tenant_client.get("/embed/", tenant=tenant)
    assert policy(closed)["frame-ancestors"] == ["'none'"]
    assert closed["X-Frame-Options"] == "DENY"
    do_set_citizen_doors(
        tenant=tenant, embed_origins=[SITE], colour="", confirm_phone=False, actor=None
    )
    embed = tenant_client.get("/embed/", tenant=tenant)
    assert embed.status_code == 200
    assert policy(embed)["frame-ancestors"] == [SITE]
    assert "X-Frame-Options" not in embed
    # every other page keeps refusing to be framed
    for path in ("/pengaduan/baru/", "/lacak/", "/transparansi/"):
        other = tenant_client.get(path, tenant=tenant)
        assert policy(other)["frame-ancestors"] == ["'none'"], path
        assert other["X-Frame-Options"] == "DENY", path
    # and another tenant's embed is not opened by this tenant's origins
    assert policy(tenant_client.get("/embed/", tenant=stranger))["frame-ancestors"] == ["'none'"]


def test_the_embed_files_through_the_one_intake_action_in_the_tenants_name_and_colour(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory(name="Pemerintah Desa Kuripan Kidul")
    do_set_citizen_doors(
        tenant=tenant, embed_origins=[SITE], colour="#aa3300", confirm_phone=False, actor=None
    )
    page = tenant_client.get("/embed/", tenant=tenant)
    html = page.content.decode()
    assert "Pemerintah Desa Kuripan Kidul" in html
    assert "<script" not in html  # works without script on an old phone
    assert len(page.content) < 15_000
    style = tenant_client.get("/embed/gaya.css", tenant=tenant)
    assert style.content.decode() == ":root{--brand:#aa3300}\n"
    # A bad phone comes back on its field, nothing filed
    bad = tenant_client.post("/embed/", {**FILED, "phone": "12"}, tenant=tenant)
    assert bad.status_code == 400
    assert 'id="error-phone"' in bad.content.decode()
    assert complaints_of(tenant) == []
    filed = tenant_client.post("/embed/", FILED, tenant=tenant)
    [complaint] = complaints_of(tenant)
    assert filed.status_code == 302
    assert filed["Location"] == f"/t/{tenant.slug}/embed/diterima/{complaint.tracking_code}/"
    receipt = tenant_client.get(f"/embed/diterima/{complaint.tracking_code}/", tenant=tenant)
    assert complaint.tracking_code in receipt.content.decode()
    assert policy(receipt)["frame-ancestors"] == [SITE]
    assert complaint.channel == "web" and complaint.subject == "Lampu jalan mati"


# -- identity confirmation --------------------------------------------------------------------


@pytest.fixture
def confirming(tenant_factory: TenantFactory) -> Tenant:
    tenant = tenant_factory(name="Desa Babakan")
    do_set_citizen_doors(tenant=tenant, embed_origins=[], colour="", confirm_phone=True, actor=None)
    return tenant


def ask_code(client: TenantClient, tenant: Tenant, channel: str = "sms") -> str:
    response = client.post(
        "/api/v1/phone-codes/",
        {"phone": FILED["phone"], "channel": channel},
        content_type="application/json",
        tenant=tenant,
    )
    assert response.status_code == 202, response.content
    sent = OutboxMessage.objects.filter(kind=NotificationKind.PHONE_CODE).order_by("-pk").first()
    assert sent is not None
    found = re.search(r"\b(\d{6})\b", sent.body)
    assert found is not None
    return found.group(1)


def file_api(client: TenantClient, tenant: Tenant, **extra: str) -> Any:
    return client.post(
        "/api/v1/complaints/", {**FILED, **extra}, content_type="application/json", tenant=tenant
    )


def test_a_tenant_that_confirms_phones_files_only_with_the_phones_code(
    confirming: Tenant, tenant_client: TenantClient
) -> None:
    # Without a code, or with a wrong one, nothing is filed
    missing = file_api(tenant_client, confirming)
    assert missing.status_code == 400
    assert missing.json()["code"] == "complaints.phone_code_required"
    assert missing.json()["extra"]["field"] == "phone_code"
    code = ask_code(tenant_client, confirming)
    [sent] = OutboxMessage.objects.filter(kind=NotificationKind.PHONE_CODE)
    assert (sent.channel, sent.recipient) == (ChannelName.SMS, "+6281322223333")
    wrong = file_api(tenant_client, confirming, phone_code="000000" if code != "000000" else "1")
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "complaints.bad_phone_code"
    assert complaints_of(confirming) == []
    # With the code the complaint is filed, and the confirmed phone is recorded
    filed = file_api(tenant_client, confirming, phone_code=code)
    assert filed.status_code == 201
    [complaint] = complaints_of(confirming)
    with schema_context(confirming.schema_name):
        event = ComplaintEvent.objects.get(complaint=complaint, kind=EventKind.FILED)
    assert event.after is not None and event.after["phone_confirmed"] is True
    # A code is spent by its use
    again = file_api(tenant_client, confirming, phone_code=code)
    assert again.json()["code"] == "complaints.bad_phone_code"
    # Without a phone (no updates wanted) no code is asked
    assert file_api(tenant_client, confirming, phone="").status_code == 201


def test_an_expired_code_is_refused(confirming: Tenant, tenant_client: TenantClient) -> None:
    code = ask_code(tenant_client, confirming, channel="whatsapp")
    [sent] = OutboxMessage.objects.filter(kind=NotificationKind.PHONE_CODE)
    assert (sent.channel, sent.recipient) == (ChannelName.WHATSAPP, "6281322223333")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        late = file_api(tenant_client, confirming, phone_code=code)
    assert late.status_code == 400
    assert late.json()["code"] == "complaints.bad_phone_code"
    assert complaints_of(confirming) == []


def test_guessing_codes_is_rate_limited_per_phone(
    confirming: Tenant, tenant_client: TenantClient
) -> None:
    code = ask_code(tenant_client, confirming)
    wrong = "111111" if code != "111111" else "222222"
    answers = [file_api(tenant_client, confirming, phone_code=wrong).status_code for _ in range(5)]
    assert answers == [400] * 5
    # the sixth try is refused even with the right code
    limited = file_api(tenant_client, confirming, phone_code=code)
    assert limited.status_code == 429
    assert limited.json()["code"] == "complaints.phone_code_rate_limited"
    assert complaints_of(confirming) == []


def test_sending_codes_is_rate_limited_per_phone(
    confirming: Tenant, tenant_client: TenantClient
) -> None:
    for _ in range(5):
        ask_code(tenant_client, confirming)
    sixth = tenant_client.post(
        "/api/v1/phone-codes/",
        {"phone": FILED["phone"]},
        content_type="application/json",
        tenant=confirming,
    )
    assert sixth.status_code == 429
    assert OutboxMessage.objects.filter(kind=NotificationKind.PHONE_CODE).count() == 5


def test_the_form_sends_the_code_and_files_with_it(
    confirming: Tenant, tenant_client: TenantClient
) -> None:
    page = tenant_client.get("/pengaduan/baru/", tenant=confirming).content.decode()
    assert 'name="send_code"' in page and 'name="phone_code"' in page
    asked = tenant_client.post("/pengaduan/baru/", {**FILED, "send_code": "sms"}, tenant=confirming)
    assert asked.status_code == 200
    assert 'id="code-sent"' in asked.content.decode()
    assert complaints_of(confirming) == []
    sent = OutboxMessage.objects.get(kind=NotificationKind.PHONE_CODE)
    code = re.search(r"\b(\d{6})\b", sent.body).group(1)  # type: ignore[union-attr]
    wrong = tenant_client.post(
        "/pengaduan/baru/", {**FILED, "phone_code": "999999" if code != "999999" else "1"},
        tenant=confirming,
    )  # fmt: skip
    assert wrong.status_code == 400
    assert 'id="error-phone_code"' in wrong.content.decode()
    filed = tenant_client.post("/pengaduan/baru/", {**FILED, "phone_code": code}, tenant=confirming)
    assert filed.status_code == 302
    assert len(complaints_of(confirming)) == 1


def test_the_desk_and_a_tenant_without_confirmation_ask_no_code(
    tenant_factory: TenantFactory, tenant_client: TenantClient, confirming: Tenant
) -> None:
    plain = tenant_factory()
    assert file_api(tenant_client, plain).status_code == 201
    assert (
        'name="phone_code"'
        not in tenant_client.get("/pengaduan/baru/", tenant=plain).content.decode()
    )
    sign_in(tenant_client, make_member(confirming, Role.OFFICER))
    desk = tenant_client.post(
        "/api/v1/complaints/desk/",
        {**FILED, "channel": "desk"},
        content_type="application/json",
        tenant=confirming,
    )
    assert desk.status_code == 201, desk.content
