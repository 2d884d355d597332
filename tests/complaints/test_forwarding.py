"""Forwarding between tenants: the move in one transaction, accept, return, chains, loops,
WBS, and the router's automatic forward of a matter filed at the wrong desk."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dramatiq
import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from complaints import forwarding
from complaints.actions.assign import do_assign_complaint
from complaints.actions.forward import (
    do_accept_forwarded_complaint,
    do_forward_complaint,
    do_return_forwarded_complaint,
)
from complaints.actions.route import do_hand_to_authority
from complaints.actions.teams import do_assign_team, do_save_team
from complaints.actions.workflow import do_transition_complaint
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Attachment, Complaint, ComplaintEvent, EventKind, ForwardStub
from complaints.public.models import Deadline
from complaints.tasks import after_filing, route_filed_complaint
from routing.actions.directory import do_set_own_door
from routing.models import Hop, HopKind, HopStatus, LaporReferral, OwnDoor, TrackingCode
from routing.selectors import journey
from tenants.models import Role, Tenant, TenantKind
from tenants.permissions import has_object_permission
from tests.client import TenantClient
from tests.complaints.files import photo, png_bytes
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

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
    # (a village that lets the router hand over at once: villages are asked by default)
    do_set_own_door(tenant=village, own_door=OwnDoor.FORWARD, actor=None)
    broker = dramatiq.get_broker()
    broker.flush_all()
    # When the village desk files a KTP-el matter
    with django_capture_on_commit_callbacks(execute=True):
        filed = file_complaint(
            village,
            subject="KTP-el belum jadi",
            description="Perekaman e-KTP sudah tiga bulan lalu, KTP belum dicetak.",
        )

    # Then the request queued one job, the filing's follow-ups
    def queued() -> list[dramatiq.Message[Any]]:
        # (the statistics' batch job, on its own delayed queue, is not the router's concern)
        return [
            dramatiq.Message.decode(m) for name, q in broker.queues.items()
            if not name.startswith("statistics") for m in list(q.queue)
        ]  # fmt: skip

    [follow_ups] = queued()
    assert (follow_ups.actor_name, follow_ups.args, follow_ups.kwargs) == (
        "after_filing",
        (village.schema_name, filed.pk),
        {"route": True, "index": True},
    )
    broker.flush_all()
    # which, run by a worker, queues the router's job (and the duplicate finder's key and the
    # search vocabulary's new words, issue 17)
    after_filing(*follow_ups.args, **follow_ups.kwargs)
    messages = queued()
    assert [(m.actor_name, m.args) for m in messages] == [
        ("route_filed_complaint", (village.schema_name, filed.pk)),
        ("record_similarity_key", (village.schema_name, filed.pk)),
        ("learn_search_words", (village.schema_name, filed.pk)),
    ]
    # and when a worker runs the router's
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
    hops = journey(filed.tracking_code)
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
    assert [(h.from_tenant.slug, h.to_tenant.slug) for h in journey(filed.tracking_code)] == [
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


# --- what travels with a move: object permissions, the SLA clock, "not our authority" -----


def test_a_moved_complaint_leaves_no_object_permission_and_no_team_at_the_origin(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint at Babakan assigned to its liaison officer (guardian grants on it)
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr")
    officer = make_member(village, Role.OFFICER)
    liaison = make_member(village, Role.LIAISON)
    filed = file_complaint(village)
    # and to a team of two (guardian grants to each member)
    members = [make_member(village, Role.ANSWER_TEAM) for _ in range(2)]
    with schema_context(village.schema_name):
        do_assign_complaint(tenant=village, complaint=filed, assignee=liaison, actor=officer)
        team = do_save_team(
            tenant=village, team=None, name="Tim Penjawab", member_ids=[m.pk for m in members],
            actor=officer,
        )  # fmt: skip
        do_assign_team(tenant=village, complaint=filed, team=team, actor=officer)
        assert grants(str(filed.pk)) == 6
        # and an unrelated complaint assigned too, whose grants must stay
        other = file_complaint(village)
        do_assign_complaint(tenant=village, complaint=other, assignee=liaison, actor=officer)
    # When the complaint is forwarded
    moved = do_forward_complaint(
        tenant=village, complaint_id=filed.pk, to=pupr, reason="r", actor=officer
    )
    # Then the origin holds no grant on it (only the other complaint's), the liaison can
    # reach nothing of it at the origin, and the receiver starts without an assignee or grant
    with schema_context(village.schema_name):
        assert grants(str(filed.pk)) == 0
        assert grants(str(other.pk)) == 2
        assert not has_object_permission(liaison, "complaints.view_complaint", filed)
        assert not has_object_permission(members[0], "complaints.view_complaint", filed)
    with schema_context(pupr.schema_name):
        assert grants(str(moved.complaint.pk)) == 0
        arrived = Complaint.objects.get()
    assert (arrived.assignee_id, arrived.team_id) == (None, None)


def grants(object_pk: str) -> int:
    from guardian.models import GroupObjectPermission, UserObjectPermission

    return (
        UserObjectPermission.objects.filter(object_pk=object_pk).count()
        + GroupObjectPermission.objects.filter(object_pk=object_pk).count()
    )


WIB = ZoneInfo("Asia/Jakarta")


def test_a_state_unknown_to_the_receiver_starts_at_its_first_state_with_a_new_clock(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint at Desa Babakan (the village SOP) in its "receipt given" step, which
    # the public-works agency's SOP (SP4N-LAPOR!) does not have
    village = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr")
    officer = make_member(village, Role.OFFICER)
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=WIB), tick=False):
        filed = file_complaint(village)
        with schema_context(village.schema_name):
            do_transition_complaint(complaint=filed, transition="give_receipt", actor=officer)
    assert Deadline.objects.filter(tenant=village, complaint_id=filed.pk).exists()
    # When it is forwarded on Wednesday at 10:00 WIB
    forwarded_at = dt.datetime(2026, 11, 25, 10, 0, tzinfo=WIB)
    with time_machine.travel(forwarded_at, tick=False):
        moved = do_forward_complaint(
            tenant=village, complaint_id=filed.pk, to=pupr, reason="Jalan kabupaten", actor=None
        )
    # Then it starts at the receiver's first state, its clock started at the forward: three
    # working days not counting the day of receipt (Thu, Fri, Mon) → Monday 30 November
    with schema_context(pupr.schema_name):
        arrived = Complaint.objects.get()
        events = list(ComplaintEvent.objects.filter(complaint=arrived))
    assert (arrived.state, arrived.sla_state, arrived.sla_started_at) == (
        "received",
        "received",
        forwarded_at,
    )
    assert arrived.sla_limit == {"working_days": 3}
    assert arrived.due_at is not None
    assert arrived.due_at.astimezone(WIB).date() == dt.date(2026, 11, 30)
    assert arrived.due_at.astimezone(WIB).time() >= dt.time(23, 59, 59)
    # and the deadline index names the receiver's rows only: the step, and the receiver's
    # whole-case limit (Perpres 76/2013: 60 days) counted from the forward too
    assert arrived.case_started_at == forwarded_at
    assert arrived.case_due_at == dt.datetime(2027, 1, 24, 23, 59, 59, tzinfo=WIB)
    assert list(
        Deadline.objects.order_by("kind").values_list("tenant_id", "complaint_id", "kind", "due_at")
    ) == [
        (pupr.pk, moved.complaint.pk, "case", arrived.case_due_at),
        (pupr.pk, moved.complaint.pk, "step", arrived.due_at),
    ]
    # and the timeline says why, after the forward
    assert [e.kind for e in events][-2:] == [EventKind.FORWARDED, EventKind.TRANSITION]
    restart = events[-1]
    assert (restart.before, restart.after) == (
        {"state": "receipt_given"},
        {"state": "received", "restarted": True},
    )
    assert restart.message == (
        f"Tahap receipt_given tidak ada di SOP {pupr.name}: pengaduan mulai dari tahap awal "
        "(Diterima: menunggu verifikasi admin); batas waktunya dihitung sejak diterima di sini."
    )


def test_a_state_the_receiver_knows_keeps_its_clock(tenant_factory: TenantFactory) -> None:
    # Given a complaint just received at one village, forwarded to another (same SOP)
    a, b = tenant_factory(slug="desa-a"), tenant_factory(slug="desa-b")
    filed = file_complaint(a)
    with schema_context(a.schema_name):
        before = Complaint.objects.get()
    moved = do_forward_complaint(tenant=a, complaint_id=filed.pk, to=b, reason="r", actor=None)
    # Then it continues in the same step with the same due date, indexed at the receiver
    arrived = moved.complaint
    assert (arrived.state, arrived.sla_started_at, arrived.due_at) == (
        before.state,
        before.sla_started_at,
        before.due_at,
    )
    assert list(Deadline.objects.values_list("tenant_id", "complaint_id")) == [(b.pk, arrived.pk)]
    with schema_context(b.schema_name):
        assert EventKind.TRANSITION not in set(
            ComplaintEvent.objects.values_list("kind", flat=True)
        )


def not_our_authority(client: TenantClient, tenant: Tenant, complaint: Complaint) -> Any:
    return client.post(
        f"/api/v1/complaints/{complaint.pk}/transitions/",
        json.dumps(
            {
                "transition": "mark_not_our_authority",
                "inputs": {"reason": "Urusan KTP-el, bukan wewenang dinas ini"},
            }
        ),
        content_type="application/json",
        tenant=tenant,
    )


def test_the_sops_not_our_authority_step_hands_it_to_the_competent_body(
    tenant_factory: TenantFactory,
) -> None:
    # Given a KTP-el matter filed at Cilacap's public-works agency (SP4N-LAPOR! SOP), and
    # Cilacap's Disdukcapil on Aduan
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab")
    pupr = tenant_factory(
        kind=TenantKind.OPD,
        region_code="33.01",
        parent=regency,
        name="Dinas Pekerjaan Umum",
        slug="pupr",
    )
    dukcapil = tenant_factory(
        kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency, slug="dukcapil"
    )
    filed = file_complaint(
        pupr,
        subject="KTP-el belum jadi",
        description="e-KTP belum dicetak.",
        village_code="33.01.09.2014",
    )
    officer = make_member(pupr, Role.OFFICER)
    client = TenantClient()
    sign_in(client, officer)
    # When the officer takes the "bukan wewenang" step through the API
    response = not_our_authority(client, pupr, filed)
    # Then the step is taken, and the complaint is forwarded to Disdukcapil by the router
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["terminal"]) == ("not_our_authority", True)
    hop = Hop.objects.get(tracking_code=filed.tracking_code)
    assert (hop.from_tenant, hop.to_tenant, hop.kind, hop.status) == (
        pupr,
        dukcapil,
        HopKind.FORWARD,
        HopStatus.PENDING,
    )
    assert hop.reason.startswith("Urusan KTP-el, bukan wewenang dinas ini; kata kunci: ")
    assert TrackingCode.objects.get(code=filed.tracking_code).tenant == dukcapil
    # and the agency keeps the stub with the state it left in; Disdukcapil starts it afresh
    with schema_context(pupr.schema_name):
        assert not Complaint.objects.exists()
        assert ForwardStub.objects.get().state_when_moved == "not_our_authority"
    with schema_context(dukcapil.schema_name):
        arrived = Complaint.objects.get()
    assert (arrived.state, arrived.sla_state) == ("received", "received")
    # and the complaint's steps at the agency are gone (not found), not an error
    gone = client.get(f"/api/v1/complaints/{filed.pk}/transitions/", tenant=pupr)
    assert gone.status_code == 404


def test_not_our_authority_with_no_body_on_aduan_marks_it_for_lapor(
    tenant_factory: TenantFactory,
) -> None:
    # Given a KTP-el matter at Cilacap's public-works agency, and no Disdukcapil, no regency
    # government and no province on Aduan
    pupr = tenant_factory(
        kind=TenantKind.OPD, region_code="33.01", name="Dinas Pekerjaan Umum", slug="pupr"
    )
    filed = file_complaint(pupr, subject="KTP-el belum jadi", description="e-KTP belum dicetak.")
    officer = make_member(pupr, Role.OFFICER)
    client = TenantClient()
    sign_in(client, officer)
    # When the officer takes the "bukan wewenang" step
    response = not_our_authority(client, pupr, filed)
    # Then it is marked for SP4N-LAPOR! and stays, closed as not ours, at the agency
    assert response.status_code == 200, response.json()
    referral = LaporReferral.objects.get(tracking_code=filed.tracking_code)
    assert referral.holder == pupr
    assert referral.reason.startswith("Urusan KTP-el, bukan wewenang dinas ini; ")
    assert not Hop.objects.exists()
    with schema_context(pupr.schema_name):
        assert Complaint.objects.get().state == "not_our_authority"


def test_a_refused_hand_over_leaves_the_step_untaken(tenant_factory: TenantFactory) -> None:
    # Given a complaint waiting at Disdukcapil to be accepted (forwarded by a village)
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab")
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="desa-babakan")
    dukcapil = tenant_factory(
        kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency, slug="dukcapil"
    )
    opd = tenant_factory(kind=TenantKind.OPD, region_code="33.01", parent=regency, slug="opd")
    filed = file_complaint(village, subject="Jalan rusak", description="Jalan rusak parah.")
    at_opd = do_forward_complaint(
        tenant=village, complaint_id=filed.pk, to=opd, reason="r", actor=None
    ).complaint
    officer = make_member(opd, Role.OFFICER)
    client = TenantClient()
    sign_in(client, officer)
    # When its officer marks it "not our authority" before accepting it
    response = not_our_authority(client, opd, at_opd)
    # Then it is refused (accept or return it first), and nothing changed
    assert response.status_code == 400
    assert response.json()["code"] == ComplaintErrorCode.FORWARD_PENDING
    with schema_context(opd.schema_name):
        assert Complaint.objects.get().state == "received"
    assert Hop.objects.count() == 1
    assert not dukcapil_holds(dukcapil)


def dukcapil_holds(tenant: Tenant) -> bool:
    with schema_context(tenant.schema_name):
        return Complaint.objects.exists()


def test_a_file_added_while_the_move_starts_moves_too(
    tenant_factory: TenantFactory,
    media_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a complaint with a photo at Babakan
    village = tenant_factory(slug="desa-babakan")
    pupr = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="pupr")
    filed = file_complaint(village, attachments=[photo("satu.png")])
    copy_files = forwarding._copy_files
    added: list[str] = []

    # When a second file arrives after the move read the attachments, before its row lock
    def copy_then_add(attachments: list[Attachment], target: Tenant) -> list[str]:
        copies = copy_files(attachments, target)
        if not added:
            with schema_context(village.schema_name):
                late = Attachment(
                    complaint_id=filed.pk,
                    original_name="dua.png",
                    content_type="image/png",
                    size=len(png_bytes()),
                    sha256="-",
                )
                late.file.save("upload.png", photo("dua.png"), save=True)
            added.append(str(late.file.name))
        return copies

    monkeypatch.setattr(forwarding, "_copy_files", copy_then_add)
    with django_capture_on_commit_callbacks(execute=True):
        moved = do_forward_complaint(
            tenant=village, complaint_id=filed.pk, to=pupr, reason="r", actor=None
        )
    # Then the move noticed, started again, and both files arrived; no stray copy is left and
    # the originals are gone once it committed
    with schema_context(pupr.schema_name):
        names = sorted(
            Attachment.objects.filter(complaint_id=moved.complaint.pk).values_list(
                "original_name", flat=True
            )
        )
    assert names == ["dua.png", "satu.png"]
    assert files_under(media_root) == [pupr.schema_name, pupr.schema_name]


def test_the_origins_grants_are_found_by_index(tenant_factory: TenantFactory) -> None:
    # Given a tenant schema holding many grants, all on complaints (so guardian's own indexes,
    # which lead with the user, the permission or the content type, do not narrow them down)
    village = tenant_factory()
    with schema_context(village.schema_name), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO guardian_userobjectpermission"
            " (user_id, permission_id, content_type_id, object_pk)"
            " SELECT n % 50, 1, 7, n::text FROM generate_series(1, 5000) AS n"
        )
        cur.execute("ANALYZE guardian_userobjectpermission")
        # When the move's delete of every grant on one complaint is planned
        cur.execute(
            "EXPLAIN DELETE FROM guardian_userobjectpermission"
            " WHERE content_type_id = 7 AND object_pk = '123'"
        )
        plan = "\n".join(row[0] for row in cur.fetchall())
        transaction.set_rollback(True)
    # Then it is a lookup by the object (not a scan of every grant ever made)
    assert "Index Cond: (((object_pk)::text = '123'::text)" in plan, plan
    assert "guardian_user_grants_by_object" in plan, plan
