"""Every door goes through the one router and the one executor: the front door's page and
API, Open311's front door, and the doors that file with a tenant first (WhatsApp's shared
number, SMS), whose complaint the router's job then looks at; and "bukan wewenang"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dramatiq
import pytest
from django_tenants.utils import schema_context

from complaints.actions import dispose as executor
from complaints.actions import front_door, route
from complaints.actions.dispose import Carried
from complaints.models import Channel, Complaint
from complaints.tasks import after_filing, route_filed_complaint
from integrations.open311 import actions as open311
from integrations.sms.keywords import do_set_sms_keyword
from routing.actions.directory import do_set_own_door
from routing.disposition import Action
from routing.models import Hop, HopKind, OwnDoor, TriageEntry
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Tenant, TenantKind
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint
from tests.integrations.conftest import WA_SHARED_NUMBER, cloud_api, sms_gateway  # noqa: F401
from tests.integrations.test_sms import deliver_sms, process_all
from tests.integrations.test_whatsapp import notification, post, text

pytestmark = pytest.mark.django_db

CITIZEN = {"name": "Siti Aminah", "address": "RT 02 RW 03", "phone": "0812-3456-7890"}
KTP = "KTP-el belum jadi, perekaman sudah tiga bulan lalu."
BABAKAN = "33.01.09.2014"


@dataclass(frozen=True)
class Seen:
    caller: str
    action: Action
    holder: str | None  # the holder before: None for a complaint not filed yet
    now: str | None  # who holds it after


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Seen]]:
    """Every call of the executor, from whichever module called it."""
    calls: list[Seen] = []
    original = executor.do_carry_out_disposition

    def spy(caller: str) -> Any:
        def carry_out(**kwargs: Any) -> Carried:
            carried = original(**kwargs)
            holder = kwargs.get("holder")
            calls.append(
                Seen(
                    caller,
                    kwargs["disposition"].action,
                    holder.slug if holder is not None else None,
                    carried.holder.slug if carried.holder is not None else None,
                )
            )
            return carried

        return carry_out

    for module in (front_door, route, open311):
        monkeypatch.setattr(module, "do_carry_out_disposition", spy(module.__name__))
    yield calls


@pytest.fixture
def cilacap(tenant_factory: TenantFactory) -> dict[str, Tenant]:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    dukcapil = tenant_factory(
        kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency, slug="dukcapil-cilacap"
    )
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="desa-babakan")
    return {"regency": regency, "dukcapil": dukcapil, "village": village}


def run_routing_jobs(broker: dramatiq.Broker) -> list[tuple[str, int]]:
    """What a worker would do with the filings' follow-ups (complaints.tasks.after_filing)
    and the router's jobs they queue."""

    def queued() -> list[dramatiq.Message[Any]]:
        return [dramatiq.Message.decode(m) for q in broker.queues.values() for m in list(q.queue)]

    for message in queued():
        if message.actor_name == "after_filing":
            after_filing(*message.args, **message.kwargs)
    jobs = [m.args for m in queued() if m.actor_name == "route_filed_complaint"]
    for args in jobs:
        route_filed_complaint(*args)
    broker.flush_all()
    return [(str(a[0]), int(a[1])) for a in jobs]


def test_the_front_door_page_and_api_file_through_the_executor(
    cilacap: dict[str, Tenant], tenant_client: TenantClient, seen: list[Seen]
) -> None:
    # When a citizen files a KTP matter at the front door, by the API and by the page
    api = tenant_client.post(
        "/api/v1/intake/",
        data=json.dumps({**CITIZEN, "village_code": BABAKAN, "subject": KTP}),
        content_type="application/json",
    )
    page = tenant_client.post("/pengaduan/", {**CITIZEN, "village_code": BABAKAN, "subject": KTP})
    # Then both went through the executor, filed with Disdukcapil
    assert api.status_code == 201 and page.status_code == 200
    door = "complaints.actions.front_door"
    assert seen == [Seen(door, Action.FORWARD, None, "dukcapil-cilacap")] * 2


def test_open311_front_door_goes_through_the_executor(
    cilacap: dict[str, Tenant], tenant_client: TenantClient, seen: list[Seen]
) -> None:
    do_ensure_public_tenant()
    _client, key = open311.do_create_open311_client(name="Aplikasi", actor=None)
    places = (
        {"attribute[kode_desa]": BABAKAN, "address_string": "RT 02"},
        {"lat": "1", "long": "120"},
    )
    for extra in places:
        response = tenant_client.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "ktp-el",
                "description": KTP,
                # KTP-el's own questions (the service definition's q_ attributes)
                "attribute[q_nik]": "3301010101010001",
                "attribute[q_kantor]": "Disdukcapil Cilacap",
                **extra,
            },
        )
        assert response.status_code == 200, response.content
    door = "integrations.open311.actions"
    assert seen == [
        Seen(door, Action.FORWARD, None, "dukcapil-cilacap"),
        Seen(door, Action.LAPOR, None, None),
    ]


def test_an_sms_goes_through_the_routers_job_and_the_executor(
    cilacap: dict[str, Tenant],
    tenant_client: TenantClient,
    sms_gateway: Any,  # noqa: F811
    seen: list[Seen],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the village's SMS keyword, and a village that lets the router hand over at once
    do_set_sms_keyword(tenant=cilacap["village"], keyword="babakan", actor=None)
    do_set_own_door(tenant=cilacap["village"], own_door=OwnDoor.FORWARD, actor=None)
    broker = dramatiq.get_broker()
    broker.flush_all()
    # When a citizen sends a KTP matter by SMS, and the worker runs the jobs
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver_sms(tenant_client, f"babakan aduan {KTP}").status_code == 200
        process_all()
    [(schema, _id)] = run_routing_jobs(broker)
    # Then the router's job carried it out through the executor: moved to Disdukcapil
    assert schema == cilacap["village"].schema_name
    job = "complaints.actions.route"
    assert seen == [Seen(job, Action.FORWARD, "desa-babakan", "dukcapil-cilacap")]
    with schema_context(cilacap["dukcapil"].schema_name):
        assert Complaint.objects.get().channel == Channel.SMS
    assert Hop.objects.get().kind == HopKind.ROUTE


def test_whatsapps_shared_number_goes_through_the_routers_job_and_the_executor(
    cilacap: dict[str, Tenant],
    tenant_client: TenantClient,
    cloud_api: Any,  # noqa: F811
    seen: list[Seen],
    django_capture_on_commit_callbacks: Any,
) -> None:
    broker = dramatiq.get_broker()
    broker.flush_all()
    # When a citizen files a KTP matter on the shared number, naming the regency
    with django_capture_on_commit_callbacks(execute=True):
        for message in ("Halo", "Kabupaten Cilacap", "Siti Aminah", "RT 02", KTP, "KIRIM"):
            # (the replies stay in the outbox: delivering them is WhatsApp's own test)
            body = notification(WA_SHARED_NUMBER, text(message))
            assert post(tenant_client, body).status_code == 200
            process_all()
    run_routing_jobs(broker)
    # Then it was filed with the regency's government, and the router (sure of the category,
    # not of the village) put it in that government's own triage queue
    job = "complaints.actions.route"
    assert seen == [Seen(job, Action.TRIAGE, "pemkab-cilacap", "pemkab-cilacap")]
    with schema_context(cilacap["regency"].schema_name):
        complaint = Complaint.objects.get()
    assert complaint.channel == Channel.WHATSAPP
    assert TriageEntry.objects.get().tracking_code == complaint.tracking_code


def test_bukan_wewenang_goes_through_the_executor(
    cilacap: dict[str, Tenant], seen: list[Seen]
) -> None:
    # Given a KTP matter the village holds
    filed = file_complaint(cilacap["village"], subject=KTP)
    # When its officer says "not ours"
    route.do_hand_to_authority(
        tenant=cilacap["village"], complaint_id=filed.pk, reason="Bukan wewenang desa", actor=None
    )
    # Then the executor moved it, as a person's forward
    assert seen == [
        Seen("complaints.actions.route", Action.FORWARD, "desa-babakan", "dukcapil-cilacap")
    ]
    assert Hop.objects.get().kind == HopKind.FORWARD
