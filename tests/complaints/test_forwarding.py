"""Forwarding between tenants: the move in one transaction, accept, return, chains, loops,
WBS, and the router's automatic forward of a matter filed at the wrong desk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dramatiq
import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints import forwarding
from complaints.actions.forward import (
    do_accept_forwarded_complaint,
    do_forward_complaint,
    do_hand_to_authority,
    do_return_forwarded_complaint,
)
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Attachment, Complaint, ComplaintEvent, EventKind, ForwardStub
from tenants.models import Hop, HopKind, HopStatus, Tenant, TenantKind, TrackingCode
from tenants.tasks import route_filed_complaint
from tests.complaints.files import photo, png_bytes
from tests.factories import TenantFactory, file_complaint, make_member

pytestmark = pytest.mark.django_db

YEAR = timezone.localtime().year


def rows(tenant: Tenant) -> tuple[list[str], list[str], list[str]]:
    """(complaint numbers, stub numbers, attachment files) held in a tenant's schema."""
    with schema_context(tenant.schema_name):
        return (
            list(Complaint.objects.order_by("pk").values_list("number", flat=True)),
            list(ForwardStub.objects.order_by("pk").values_list("number", flat=True)),
            list(Attachment.objects.order_by("pk").values_list("file", flat=True)),
        )


def files_under(media_root: Path) -> list[str]:
    return sorted(str(p.relative_to(media_root)).split("/")[0] for p in media_root.rglob("*.png"))


def test_a_ktp_matter_filed_at_a_village_desk_ends_at_the_regencys_disdukcapil(
    tenant_factory: TenantFactory, django_capture_on_commit_callbacks: Any
) -> None:
    # Given Cilacap with its Disdukcapil, and Desa Babakan
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    dukcapil = tenant_factory(
        kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency, slug="dukcapil-cilacap"
    )
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="desa-babakan")
    broker = dramatiq.get_broker()
    broker.flush_all()
    # When the village desk files a KTP-el matter
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(
            village,
            subject="KTP-el belum jadi",
            description="Perekaman e-KTP sudah tiga bulan lalu, KTP belum dicetak.",
        )
    # Then the router's job was queued, and when a worker runs it
    queued = [m for q in broker.queues.values() for m in list(q.queue)]
    messages = [dramatiq.Message.decode(m) for m in queued]
    assert [(m.actor_name, m.args) for m in messages] == [
        ("route_filed_complaint", (village.schema_name, filed.pk))
    ]
    route_filed_complaint(*messages[0].args)
    # the complaint is in Disdukcapil's register, the village keeps a stub with its number
    assert rows(dukcapil)[0] == [f"0001/ADU/DUKCAPIL-CILACAP/{YEAR}"]
    assert rows(village) == ([], [f"0001/ADU/DESA-BABAKAN/{YEAR}"], [])
    assert TrackingCode.objects.get(code=filed.tracking_code).tenant == dukcapil
    hop = Hop.objects.get(tracking_code=filed.tracking_code)
    assert (hop.kind, hop.from_tenant, hop.to_tenant, hop.status) == (
        HopKind.ROUTE,
        village,
        dukcapil,
        HopStatus.PENDING,
    )
    # and the reason names the words, the village and the body
    assert hop.reason == (
        "kata kunci: 'KTP-el', 'Perekaman', 'e-KTP', 'KTP' → KTP elektronik (KTP-el); "
        f"desa 33.01.09.2014 (Babakan); → {dukcapil.name}"
    )
    with schema_context(dukcapil.schema_name):
        kinds = list(ComplaintEvent.objects.values_list("kind", flat=True))
    assert kinds == [EventKind.FILED, EventKind.ROUTED, EventKind.FORWARDED]
    # and running the job again changes nothing
    route_filed_complaint(*messages[0].args)
    assert Hop.objects.filter(tracking_code=filed.tracking_code).count() == 1


def test_a_village_matter_stays_at_its_village(tenant_factory: TenantFactory) -> None:
    # Given Desa Babakan
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan")
    filed = file_complaint(village, subject="Dana desa tidak diumumkan", description="APBDes")
    # When the router looks at it
    route_filed_complaint(village.schema_name, filed.pk)
    # Then it stays, with the reason on its internal timeline
    assert rows(village)[0] == [filed.number]
    assert not Hop.objects.exists()
    with schema_context(village.schema_name):
        routed = ComplaintEvent.objects.get(kind=EventKind.ROUTED)
    assert routed.is_public is False
    assert routed.message.endswith(f"→ {village.name}")


def test_manual_forward_then_accept(tenant_factory: TenantFactory, media_root: Path) -> None:
    # Given a complaint with a photo at Desa Babakan, and the regency's public-works agency
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr-cilacap")
    officer = make_member(village, "officer")
    filed = file_complaint(village, attachments=[photo()])
    # When the officer forwards it with a reason
    moved = do_forward_complaint(
        tenant=village,
        complaint_id=filed.pk,
        to="pupr-cilacap",
        reason="Jalan kabupaten",
        actor=officer,
    )
    # Then it moved whole: same code, a new number in the receiver's register, its timeline
    arrived = moved.complaint
    assert (arrived.tracking_code, arrived.number) == (
        filed.tracking_code,
        f"0001/ADU/PUPR-CILACAP/{YEAR}",
    )
    numbers, stubs, files = rows(pupr)
    assert (numbers, stubs) == ([arrived.number], [])
    assert files[0].startswith(f"{pupr.schema_name}/complaints/")
    assert Path(media_root, files[0]).read_bytes() == png_bytes()
    with schema_context(pupr.schema_name):
        events = list(ComplaintEvent.objects.filter(complaint=arrived))
    assert [e.kind for e in events] == [EventKind.FILED, EventKind.FORWARDED]
    assert events[1].message == "Jalan kabupaten"
    assert events[1].actor_id == officer.pk
    # and the origin keeps only the stub: its number, the link and the reason
    assert rows(village) == ([], [filed.number], [])
    with schema_context(village.schema_name):
        stub = ForwardStub.objects.get()
    assert (stub.to_tenant_id, stub.reason, stub.state_when_moved) == (
        pupr.pk,
        "Jalan kabupaten",
        "received",
    )
    assert forwarding.current_state(filed.tracking_code) == (pupr, "received")
    # When the receiver accepts
    receiver = make_member(pupr, "officer")
    hop = do_accept_forwarded_complaint(tenant=pupr, complaint_id=arrived.pk, actor=receiver)
    # Then the hop is accepted and the timeline says so
    assert hop.status == HopStatus.ACCEPTED
    with schema_context(pupr.schema_name):
        assert ComplaintEvent.objects.filter(kind=EventKind.FORWARD_ACCEPTED).count() == 1
    # and accepting twice is refused
    with pytest.raises(ComplaintError) as refused:
        do_accept_forwarded_complaint(tenant=pupr, complaint_id=arrived.pk, actor=receiver)
    assert refused.value.code == ComplaintErrorCode.NOT_PENDING


def test_return_sends_it_back_with_its_old_number(tenant_factory: TenantFactory) -> None:
    # Given a complaint forwarded from Babakan to Disdukcapil
    village = tenant_factory(slug="desa-babakan")
    dukcapil = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="33.01", slug="dukcapil")
    filed = file_complaint(village)
    moved = do_forward_complaint(
        tenant=village, complaint_id=filed.pk, to=dukcapil, reason="KTP", actor=None
    )
    # When Disdukcapil returns it with a reason
    back = do_return_forwarded_complaint(
        tenant=dukcapil, complaint_id=moved.complaint.pk, reason="Bukan soal KTP", actor=None
    )
    # Then the village holds it again under its own number; Disdukcapil keeps a stub
    assert back.complaint.number == filed.number
    assert rows(village) == ([filed.number], [], [])
    assert rows(dukcapil) == ([], [f"0001/ADU/DUKCAPIL/{YEAR}"], [])
    hops = forwarding.journey(filed.tracking_code)
    assert [(h.kind, h.from_tenant.slug, h.to_tenant.slug, h.status) for h in hops] == [
        (HopKind.FORWARD, "desa-babakan", "dukcapil", HopStatus.RETURNED),
        (HopKind.RETURN, "dukcapil", "desa-babakan", HopStatus.ACCEPTED),
    ]
    assert hops[0].decision_reason == "Bukan soal KTP"
    # and forwarding it to Disdukcapil again is a loop, refused with nothing moved
    with pytest.raises(ComplaintError) as refused:
        do_forward_complaint(
            tenant=village, complaint_id=back.complaint.pk, to=dukcapil, reason="x", actor=None
        )
    assert refused.value.code == ComplaintErrorCode.FORWARD_LOOP
    assert rows(village)[0] == [filed.number]


def test_a_chain_works_and_a_loop_is_refused(tenant_factory: TenantFactory) -> None:
    # Given A → B → C, each accepted
    a, b, c = (tenant_factory(slug=s) for s in ("desa-a", "desa-b", "desa-c"))
    filed = file_complaint(a)
    at_b = do_forward_complaint(tenant=a, complaint_id=filed.pk, to=b, reason="1", actor=None)
    do_accept_forwarded_complaint(tenant=b, complaint_id=at_b.complaint.pk, actor=None)
    at_c = do_forward_complaint(
        tenant=b, complaint_id=at_b.complaint.pk, to=c, reason="2", actor=None
    )
    do_accept_forwarded_complaint(tenant=c, complaint_id=at_c.complaint.pk, actor=None)
    # When C forwards it back to A
    with pytest.raises(ComplaintError) as refused:
        do_forward_complaint(tenant=c, complaint_id=at_c.complaint.pk, to=a, reason="3", actor=None)
    # Then it is refused with a clear error, and C still holds it
    assert refused.value.code == ComplaintErrorCode.FORWARD_LOOP
    assert refused.value.message.startswith(f"{a.name} sudah pernah memegang pengaduan ini")
    assert rows(c)[0] == [at_c.complaint.number]
    assert [
        (h.from_tenant.slug, h.to_tenant.slug) for h in forwarding.journey(filed.tracking_code)
    ] == [
        ("desa-a", "desa-b"),
        ("desa-b", "desa-c"),
    ]
    # and each former holder keeps its stub
    assert rows(a)[1] == [filed.number]
    assert rows(b)[1] == [at_b.complaint.number]


def test_a_pending_complaint_must_be_accepted_before_it_moves_on(
    tenant_factory: TenantFactory,
) -> None:
    a, b, c = (tenant_factory(slug=s) for s in ("desa-a", "desa-b", "desa-c"))
    filed = file_complaint(a)
    at_b = do_forward_complaint(tenant=a, complaint_id=filed.pk, to=b, reason="1", actor=None)
    # When B forwards it without accepting it
    with pytest.raises(ComplaintError) as refused:
        do_forward_complaint(tenant=b, complaint_id=at_b.complaint.pk, to=c, reason="2", actor=None)
    # Then it is refused and stays at B
    assert refused.value.code == ComplaintErrorCode.FORWARD_PENDING
    assert rows(b)[0] == [at_b.complaint.number]
    assert rows(c) == ([], [], [])


def test_wbs_reports_are_never_forwarded(tenant_factory: TenantFactory) -> None:
    # Given a whistleblowing report at Disdukcapil
    dukcapil = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="33.01")
    other = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    filed = file_complaint(dukcapil, is_wbs=True)
    # When someone tries to forward it, or the router looks at it
    with pytest.raises(ComplaintError) as refused:
        do_forward_complaint(
            tenant=dukcapil, complaint_id=filed.pk, to=other, reason="x", actor=None
        )
    route_filed_complaint(dukcapil.schema_name, filed.pk)
    # Then it is refused and never leaves
    assert refused.value.code == ComplaintErrorCode.FORWARD_WBS
    assert rows(dukcapil)[0] == [filed.number]
    assert rows(other) == ([], [], [])
    assert not Hop.objects.exists()


@pytest.mark.parametrize("step", ["read", "arrived", "left", "recorded"])
def test_a_failure_inside_the_move_leaves_the_complaint_untouched_at_the_origin(
    step: str, tenant_factory: TenantFactory, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a complaint with a photo at Babakan, and a receiver
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr")
    filed = file_complaint(village, attachments=[photo()])
    before = rows(village)
    with schema_context(village.schema_name):
        events_before = list(ComplaintEvent.objects.values_list("pk", "kind"))

    # When the move fails at this step, inside its transaction
    def fail(at: str) -> None:
        if at == step:
            raise RuntimeError(f"failed at {at}")

    monkeypatch.setattr(forwarding, "fail_point", fail)
    with pytest.raises(RuntimeError):
        do_forward_complaint(tenant=village, complaint_id=filed.pk, to=pupr, reason="r", actor=None)
    # Then the origin holds it exactly as before, the receiver has nothing, no stray file
    assert rows(village) == before
    with schema_context(village.schema_name):
        assert list(ComplaintEvent.objects.values_list("pk", "kind")) == events_before
    assert rows(pupr) == ([], [], [])
    assert not Hop.objects.exists()
    assert TrackingCode.objects.get(code=filed.tracking_code).tenant == village
    assert files_under(media_root) == [village.schema_name]


def test_not_our_authority_hands_it_to_the_body_the_router_finds(
    tenant_factory: TenantFactory,
) -> None:
    # Given Babakan, Cilacap's government and its public-works agency
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab")
    pupr = tenant_factory(
        kind=TenantKind.OPD, region_code="33.01", name="Dinas Pekerjaan Umum", slug="pupr"
    )
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="desa-babakan")
    bridge = file_complaint(village, subject="Jembatan putus", description="Jembatan ambruk.")
    funds = file_complaint(village, subject="Dana desa", description="APBDes tidak dibuka.")
    # When the village officer marks each "not our authority"
    to_pupr = do_hand_to_authority(
        tenant=village, complaint_id=bridge.pk, reason="Bukan wewenang desa", actor=None
    )
    upward = do_hand_to_authority(
        tenant=village, complaint_id=funds.pk, reason="Sudah di luar desa", actor=None
    )
    # Then the bridge goes to public works, and the village-funds matter (the village itself
    # excluded) goes up to the regency government, each with both reasons
    assert (to_pupr.target, upward.target) == (pupr, regency)
    hops = {h.tracking_code: h for h in Hop.objects.all()}
    assert hops[bridge.tracking_code].to_tenant == pupr
    assert hops[bridge.tracking_code].reason.startswith("Bukan wewenang desa; kata kunci: ")
    assert hops[funds.tracking_code].to_tenant == regency
    assert "naik ke" in hops[funds.tracking_code].reason
    assert rows(village)[0] == []
