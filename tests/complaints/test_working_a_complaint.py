"""Working a complaint (issue 15): the step inputs seen, the village passing a complaint up,
urgency ordering the work, the register's filters."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import ResolverMatch, clear_url_caches, resolve
from django_tenants.utils import schema_context

from aduan import navigation
from aduan.errors import AduanError
from complaints.actions.assign import do_assign_complaint
from complaints.actions.forward import do_forward_complaint
from complaints.actions.route import do_refer_up
from complaints.actions.workflow import complaint_sop, do_transition_complaint
from complaints.errors import ComplaintError, ComplaintErrorCode
from complaints.models import Complaint, EventKind, ForwardStub
from complaints.sop import SopError, SopErrorCode, validate_sop
from complaints.sop_templates import template_for
from complaints.tasks import route_filed_complaint
from routing.actions.directory import do_update_authority
from routing.models import (
    Hop,
    HopKind,
    HopStatus,
    LaporReferral,
    OwnDoor,
    TrackingCode,
    TriageEntry,
    TriageStatus,
)
from routing.selectors import own_door_policy
from tenants.models import Role, Tenant, TenantKind
from tests.client import TenantClient
from tests.complaints.test_workflow import PEMDES_PATH, Staff, state_of, walk
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def test_the_pemdes_flow_shows_every_entered_value_on_the_page_and_in_the_api(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village complaint worked through the whole village SOP
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER, Role.LIAISON, Role.HEAD)
    complaint = file_complaint(tenant)
    walk(staff, complaint, PEMDES_PATH)
    client = staff.clients[Role.OFFICER]
    # When the officer reads it through the API
    detail = client.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).json()
    steps = {e["text"]: e["inputs"] for e in detail["events"] if e["kind"] == "transition"}
    # Then each step's entry shows what was entered, labelled, choices by their label
    assert steps["Verifikasi awal"] == [
        {"key": "note", "label": "Hasil verifikasi", "value": "Identitas dan objek jelas"}
    ]
    assert steps["Klasifikasi dan urgensi"] == [
        {"key": "classification", "label": "Klasifikasi", "value": "Pelayanan publik"},
        {"key": "urgency", "label": "Urgensi", "value": "Tinggi"},
    ]
    assert steps["Teruskan ke perangkat desa berwenang"] == [
        {"key": "official", "label": "Perangkat desa berwenang", "value": "Kepala Urusan (Kaur)"},
        {"key": "official_name", "label": "Nama pejabat", "value": "Bapak Darto"},
    ]
    assert steps["Jadwalkan rapat pembahasan"] == [
        {"key": "meeting_date", "label": "Tanggal rapat", "value": "27-11-2026"},
        {"key": "invite_reporter", "label": "Undang pelapor", "value": "Ya"},
        {"key": "invite_reported", "label": "Undang pihak terlapor", "value": "Tidak"},
    ]
    assert steps["Tetapkan hasil pembahasan"] == [
        {"key": "minutes", "label": "Berita acara rapat (PDF/foto)", "value": "berita-acara.pdf"},
        {"key": "outcome_kind", "label": "Jenis hasil", "value": "Penyelesaian administratif"},
        {"key": "outcome_action", "label": "Tindak lanjut",
         "value": "Perbaikan prosedur pelayanan"},
        {"key": "recommendation", "label": "Rekomendasi tindak lanjut",
         "value": "Perbaikan jalan masuk RKPDes."},
    ]  # fmt: skip
    # and the summary holds the current classification, urgency and outcome
    assert [(s["key"], s["value"]) for s in detail["summary"]] == [
        ("classification", "Pelayanan publik"),
        ("urgency", "Tinggi"),
        ("outcome_kind", "Penyelesaian administratif"),
        ("outcome_action", "Perbaikan prosedur pelayanan"),
    ]
    assert detail["urgency"] == "high"
    # and the complaint's page shows the same values
    page = client.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant)
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("Kepala Urusan (Kaur)", "Bapak Darto", "27-11-2026", "Perbaikan jalan masuk",
                 "Penyelesaian administratif", 'data-summary="urgency">Tinggi<'):  # fmt: skip
        assert text in html
    # and in English for a reader in English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).json()
    labels = {s["key"]: (s["label"], s["value"]) for s in english["summary"]}
    assert labels["urgency"] == ("Urgency", "High")


def cilacap(tenant_factory: TenantFactory) -> tuple[Tenant, Tenant]:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    village = tenant_factory(region_code="33.01.02.2014", parent=regency, slug="desa-kuripan-kidul")
    return regency, village


def verified(staff: Staff, complaint: Complaint) -> None:
    walk(staff, complaint, PEMDES_PATH[:2])


def test_refer_up_at_kuripan_kidul_arrives_at_pemkab_cilacap_with_one_tracking_code(
    tenant_factory: TenantFactory,
) -> None:
    # Given Desa Kuripan Kidul under Pemkab Cilacap, and a verified complaint
    regency, village = cilacap(tenant_factory)
    staff = Staff(village, Role.OFFICER)
    complaint = file_complaint(village, subject="Jembatan kabupaten putus")
    verified(staff, complaint)
    # When the officer passes it on to the higher authority with a reason
    response = staff.take(Role.OFFICER, complaint, "refer_up", note="Jalan kabupaten")
    assert response.status_code == 200, response.json()
    # Then it is at Pemkab Cilacap, waiting to be accepted, under the same tracking code
    assert TrackingCode.objects.get(code=complaint.tracking_code).tenant == regency
    hop = Hop.objects.get(tracking_code=complaint.tracking_code)
    assert (hop.kind, hop.from_tenant, hop.to_tenant, hop.status) == (
        HopKind.FORWARD, village, regency, HopStatus.PENDING
    )  # fmt: skip
    assert hop.reason.startswith("Jalan kabupaten; ")
    with schema_context(regency.schema_name):
        arrived = Complaint.objects.get(tracking_code=complaint.tracking_code)
        kinds = list(arrived.events.values_list("kind", flat=True))
    assert arrived.subject == "Jembatan kabupaten putus"
    assert EventKind.FORWARDED in kinds
    # and the village keeps its register entry, moved in the step's state
    with schema_context(village.schema_name):
        stub = ForwardStub.objects.get()
        assert not Complaint.objects.exists()
    assert (stub.tracking_code, stub.to_tenant_id, stub.state_when_moved) == (
        complaint.tracking_code, regency.pk, "referred"
    )  # fmt: skip
    assert not LaporReferral.objects.exists()


def test_refer_up_goes_to_the_directorys_declared_higher_authority_first(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village whose directory entry names the regency's village office (DPMD)
    _regency, village = cilacap(tenant_factory)
    dpmd = tenant_factory(kind=TenantKind.OPD, region_code="33.01", slug="dpmd-cilacap")
    do_update_authority(tenant=village, category_keys=[], coverage_code="33.01.02.2014",
                        higher_slug="dpmd-cilacap", actor=None)  # fmt: skip
    staff = Staff(village, Role.OFFICER)
    complaint = file_complaint(village)
    verified(staff, complaint)
    # When it is passed up
    assert staff.take(Role.OFFICER, complaint, "refer_up", note="Wewenang DPMD").status_code == 200
    # Then it went to the declared body, not the parent
    assert TrackingCode.objects.get(code=complaint.tracking_code).tenant == dpmd
    assert Hop.objects.get().to_tenant == dpmd


def test_refer_up_without_a_declared_one_goes_to_the_parent(tenant_factory: TenantFactory) -> None:
    regency, village = cilacap(tenant_factory)
    do_update_authority(tenant=village, category_keys=[], coverage_code="33.01.02.2014",
                        higher_slug="", actor=None)  # fmt: skip
    staff = Staff(village, Role.OFFICER)
    complaint = file_complaint(village)
    verified(staff, complaint)
    assert staff.take(Role.OFFICER, complaint, "refer_up", note="Bukan desa").status_code == 200
    assert Hop.objects.get().to_tenant == regency


def test_refer_up_with_no_higher_body_on_aduan_goes_to_sp4n_lapor(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village with no parent and no regency or province government on Aduan
    village = tenant_factory(region_code="33.01.02.2014", slug="desa-kuripan-kidul")
    staff = Staff(village, Role.OFFICER)
    complaint = file_complaint(village)
    verified(staff, complaint)
    # When it is passed up
    assert staff.take(Role.OFFICER, complaint, "refer_up", note="Wewenang pusat").status_code == 200
    # Then it is marked for SP4N-LAPOR! by the village, and moved nowhere
    referral = LaporReferral.objects.get()
    assert (referral.tracking_code, referral.holder) == (complaint.tracking_code, village)
    assert referral.reason.startswith("Wewenang pusat; ")
    assert not Hop.objects.exists()
    assert state_of(village, complaint) == "referred"


def test_a_refused_hand_over_refuses_the_step(tenant_factory: TenantFactory) -> None:
    # Given a complaint forwarded to Kuripan Kidul, still waiting to be accepted there
    regency, village = cilacap(tenant_factory)
    sender = tenant_factory(region_code="33.01.09.2014", slug="desa-babakan")
    filed = file_complaint(sender)
    moved = do_forward_complaint(
        tenant=sender, complaint_id=filed.pk, to=village, reason="Lokasi Kuripan", actor=None
    )
    staff = Staff(village, Role.OFFICER)
    verified(staff, moved.complaint)
    # When the officer tries to pass it up before accepting it
    response = staff.take(Role.OFFICER, moved.complaint, "refer_up", note="Jalan kabupaten")
    # Then neither the hand-over nor the step happens
    assert response.status_code == 400
    assert response.json()["code"] == ComplaintErrorCode.FORWARD_PENDING
    assert state_of(village, moved.complaint) == "verified"
    assert Hop.objects.filter(to_tenant=regency).count() == 0


def test_a_wbs_report_is_never_passed_up(tenant_factory: TenantFactory) -> None:
    _regency, village = cilacap(tenant_factory)
    officer = make_member(village, Role.OFFICER)
    complaint = file_complaint(village, is_wbs=True)
    with schema_context(village.schema_name):
        # A WBS report runs the whistleblowing SOP (issue 18), which has no step up at all
        assert "refer_up" not in {t.key for t in complaint_sop(complaint).transitions}
        with pytest.raises(AduanError):
            do_transition_complaint(
                complaint=complaint, transition="refer_up", actor=officer,
                inputs={"note": "Jalan kabupaten"},
            )  # fmt: skip
        # and the hand-over itself refuses a WBS report, whatever step would call it
        with pytest.raises(ComplaintError) as refused:
            do_refer_up(
                tenant=village, complaint_id=complaint.pk, reason="Jalan kabupaten", actor=officer
            )
        assert Complaint.objects.get(pk=complaint.pk).state == complaint.state
    assert refused.value.code == ComplaintErrorCode.FORWARD_WBS
    assert not Hop.objects.exists() and not LaporReferral.objects.exists()


def classify(staff: Staff, complaint: Complaint, urgency: str) -> None:
    walk(staff, complaint, [
        *PEMDES_PATH[:2],
        (Role.OFFICER, "classify", {"classification": "public_service", "urgency": urgency}),
    ])  # fmt: skip


@time_machine.travel(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC), tick=False)  # a Monday
def test_a_high_urgency_complaint_is_sorted_first_with_its_shorter_limit(
    tenant_factory: TenantFactory,
) -> None:
    # Given two classified village complaints, the older one low, the newer one high
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER)
    low = file_complaint(tenant, subject="Lampu jalan mati")
    high = file_complaint(tenant, subject="Tanggul jebol")
    classify(staff, low, "low")
    classify(staff, high, "high")
    # Then the high one's step limit is the SOP's for high urgency: one working day, not two
    with schema_context(tenant.schema_name):
        limits = {c.subject: (c.urgency, c.sla_limit) for c in Complaint.objects.all()}
        due = {c.subject: c.due_at for c in Complaint.objects.all()}
    assert limits == {
        "Lampu jalan mati": ("low", {"working_days": 2}),
        "Tanggul jebol": ("high", {"working_days": 1}),
    }
    assert due["Tanggul jebol"] is not None and due["Lampu jalan mati"] is not None
    assert due["Tanggul jebol"] < due["Lampu jalan mati"]
    # and the register sorted by urgency lists it first, in the API and on the page
    client = staff.clients[Role.OFFICER]
    listed = client.get("/api/v1/register/?sort=urgency", tenant=tenant).json()
    assert [r["subject"] for r in listed["results"]] == ["Tanggul jebol", "Lampu jalan mati"]
    assert [r["urgency"] for r in listed["results"]] == ["high", "low"]
    only_high = client.get("/api/v1/register/?urgency=high", tenant=tenant).json()
    assert [r["subject"] for r in only_high["results"]] == ["Tanggul jebol"]
    page = client.get("/console/pengaduan/?sort=urgency", tenant=tenant).content.decode()
    assert page.index("Tanggul jebol") < page.index("Lampu jalan mati")


def test_limits_by_urgency_are_validated() -> None:
    definition = template_for(TenantKind.PEMDES)
    state = next(s for s in definition["states"] if s["key"] == "classified")
    assert validate_sop(definition).state("classified").limit_for("high").amount == 1  # type: ignore[union-attr]
    state["limits_by_urgency"] = {"urgent": {"working_days": 1}}
    with pytest.raises(SopError) as unknown:
        validate_sop(definition)
    assert unknown.value.code == SopErrorCode.BAD_LIMIT
    assert unknown.value.extra["path"] == "states[4].limits_by_urgency.urgent"
    state["limits_by_urgency"] = {"high": {"working_days": 0}}
    with pytest.raises(SopError) as bad:
        validate_sop(definition)
    assert bad.value.code == SopErrorCode.BAD_LIMIT


def test_the_registers_filters_are_kept_in_the_url_and_the_api(
    tenant_factory: TenantFactory,
) -> None:
    # Given two complaints, one classified high and assigned, one untouched
    tenant = tenant_factory()
    staff = Staff(tenant, Role.OFFICER)
    officer = staff.users[Role.OFFICER]
    worked = file_complaint(tenant, subject="Tanggul jebol")
    file_complaint(tenant, subject="Lampu jalan mati")
    classify(staff, worked, "high")
    client = staff.clients[Role.OFFICER]
    assigned = client.post(
        f"/api/v1/complaints/{worked.pk}/assignment/",
        {"assignee": officer.pk},
        content_type="application/json",
        tenant=tenant,
    )
    assert assigned.status_code == 200

    def subjects(query: str) -> list[str]:
        response = client.get(f"/api/v1/register/?{query}", tenant=tenant)
        assert response.status_code == 200, response.json()
        return sorted(r["subject"] for r in response.json()["results"])

    # Then each filter narrows the list
    assert subjects("state=classified") == ["Tanggul jebol"]
    assert subjects("state=received") == ["Lampu jalan mati"]
    assert subjects(f"assignee={officer.pk}") == ["Tanggul jebol"]
    assert subjects("assignee=none") == ["Lampu jalan mati"]
    assert subjects("urgency=none") == ["Lampu jalan mati"]
    assert subjects("channel=desk") == []
    assert subjects("received_from=2000-01-01&received_to=2999-12-31") == [
        "Lampu jalan mati", "Tanggul jebol"
    ]  # fmt: skip
    assert subjects("received_to=2000-01-01") == []
    assert subjects("overdue=true") == []
    # and a bad filter gets a 400 naming its field, never a 5xx
    bad = client.get("/api/v1/register/?state=nowhere&received_from=x", tenant=tenant)
    assert bad.status_code == 400
    assert set(bad.json()["extra"]["fields"]) == {"state", "received_from"}
    # and the page keeps the filters in its URL, its form showing them chosen
    page = client.get("/console/pengaduan/?state=classified&urgency=high", tenant=tenant)
    html = page.content.decode()
    assert "Tanggul jebol" in html and "Lampu jalan mati" not in html
    assert '<option value="classified" selected>' in html
    assert '<option value="high" selected>' in html


def triaged(tenant_factory: TenantFactory, client: TenantClient) -> tuple[Tenant, str]:
    """A complaint the router could not place, waiting in Cilacap's triage queue."""
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab")
    response = client.post(
        "/api/v1/intake/",
        {"name": "Siti Aminah", "address": "RT 02", "phone": "0812-3456-7890",
         "regency_code": "33.01", "subject": "Mohon bantuan", "description": "Tolong"},
        content_type="application/json",
    )  # fmt: skip
    assert response.json()["outcome"] == "triage"
    return regency, str(response.json()["tracking_code"])


def test_a_triage_entry_shows_its_complaint_and_is_gone_once_it_is_closed(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    # Given a triaged complaint, and the regency's admin who is also its tenant admin
    regency, code = triaged(tenant_factory, tenant_client)
    admin = make_member(regency, Role.REGENCY_ADMIN, Role.TENANT_ADMIN)
    sign_in(tenant_client, admin)
    with schema_context(regency.schema_name):
        complaint = Complaint.objects.get(tracking_code=code)
    # Then its entry shows the code, the register number, the date, the category, a link
    (entry,) = tenant_client.get("/api/v1/triage/", tenant=regency).json()["results"]
    assert (entry["tracking_code"], entry["number"], entry["complaint_id"]) == (
        code, complaint.number, complaint.pk
    )  # fmt: skip
    assert "category" in entry and entry["created_at"]
    page = tenant_client.get("/triage/", tenant=regency).content.decode()
    assert code in page and complaint.number in page
    assert f"/console/pengaduan/{complaint.pk}/" in page
    # When the holder closes it (archives it, an end of its SOP)
    with schema_context(regency.schema_name):
        do_transition_complaint(
            complaint=complaint, transition="archive", actor=admin, inputs={"reason": "Spam"}
        )
    # Then it has left the queue and cannot be sent on any more
    assert TriageEntry.objects.get(tracking_code=code).status == TriageStatus.DONE
    assert tenant_client.get("/api/v1/triage/", tenant=regency).json()["results"] == []
    assert code not in tenant_client.get("/triage/", tenant=regency).content.decode()
    sent = tenant_client.post(
        f"/api/v1/triage/{code}/",
        {"to": "pemkab", "reason": "lagi"},
        content_type="application/json",
        tenant=regency,
    )
    assert sent.status_code == 404
    assert not Hop.objects.exists()


def test_a_triage_entry_leaves_the_queue_once_the_holder_takes_it(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    regency, code = triaged(tenant_factory, tenant_client)
    officer = make_member(regency, Role.OFFICER)
    with schema_context(regency.schema_name):
        complaint = Complaint.objects.get(tracking_code=code)
        do_assign_complaint(tenant=regency, complaint=complaint, assignee=officer, actor=officer)
    assert TriageEntry.objects.get(tracking_code=code).status == TriageStatus.DONE


def babakan_with_dukcapil(tenant_factory: TenantFactory) -> tuple[Tenant, Tenant]:
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap")
    dukcapil = tenant_factory(
        kind=TenantKind.DISDUKCAPIL, region_code="33.01", parent=regency, slug="dukcapil-cilacap"
    )
    village = tenant_factory(region_code="33.01.09.2014", parent=regency, slug="desa-babakan")
    return village, dukcapil


KTP_MATTER = {
    "subject": "KTP-el belum jadi",
    "description": "Perekaman e-KTP sudah tiga bulan lalu, KTP belum dicetak.",
}


def test_a_village_complaint_stays_and_is_forwarded_only_by_the_officers_click(
    tenant_factory: TenantFactory,
) -> None:
    # Given Desa Babakan (villages are asked by default) and a KTP matter filed at its door
    village, dukcapil = babakan_with_dukcapil(tenant_factory)
    assert own_door_policy(village) == OwnDoor.SUGGEST
    staff = Staff(village, Role.OFFICER)
    filed = file_complaint(village, **KTP_MATTER)
    # When the router looks at it
    route_filed_complaint(village.schema_name, filed.pk)
    # Then it stays with the village, the proposal and its reason shown on the complaint
    assert not Hop.objects.exists()
    assert TrackingCode.objects.get(code=filed.tracking_code).tenant == village
    client = staff.clients[Role.OFFICER]
    proposal = client.get(f"/api/v1/complaints/{filed.pk}/route-suggestion/", tenant=village)
    suggestion = proposal.json()["suggestion"]
    assert (suggestion["to"], suggestion["to_name"]) == ("dukcapil-cilacap", dukcapil.name)
    assert "KTP" in suggestion["reason"]
    page = client.get(f"/console/pengaduan/{filed.pk}/", tenant=village).content.decode()
    assert 'id="route-suggestion"' in page and f"Teruskan ke {dukcapil.name}" in page
    # When the officer clicks "forward"
    clicked = client.post(
        f"/console/pengaduan/{filed.pk}/usulan-penerusan/", {"decision": "forward"}, tenant=village
    )
    # Then it is at Disdukcapil, under the same tracking code
    assert clicked.status_code == 302
    assert TrackingCode.objects.get(code=filed.tracking_code).tenant == dukcapil
    hop = Hop.objects.get()
    assert (hop.from_tenant, hop.to_tenant) == (village, dukcapil)


def test_the_officer_keeps_a_proposed_complaint(tenant_factory: TenantFactory) -> None:
    village, _dukcapil = babakan_with_dukcapil(tenant_factory)
    staff = Staff(village, Role.OFFICER)
    filed = file_complaint(village, **KTP_MATTER)
    route_filed_complaint(village.schema_name, filed.pk)
    client = staff.clients[Role.OFFICER]
    url = f"/api/v1/complaints/{filed.pk}/route-suggestion/"
    kept = client.post(url, {"decision": "keep"}, content_type="application/json", tenant=village)
    assert kept.status_code == 200, kept.json()
    assert kept.json()["suggestion"] is None
    assert client.get(url, tenant=village).json()["suggestion"] is None
    # and a second decision is refused, nothing moved
    again = client.post(
        url, {"decision": "forward"}, content_type="application/json", tenant=village
    )
    assert again.status_code == 400
    assert again.json()["code"] == ComplaintErrorCode.NO_SUGGESTION
    assert not Hop.objects.exists()


def test_the_own_door_setting_is_the_tenants(tenant_factory: TenantFactory) -> None:
    # Given a village whose admin lets the router hand over at once
    village, dukcapil = babakan_with_dukcapil(tenant_factory)
    staff = Staff(village, Role.TENANT_ADMIN)
    client = staff.clients[Role.TENANT_ADMIN]
    url = "/api/v1/routing/own-door/"
    assert client.get(url, tenant=village).json() == {"own_door": "suggest"}
    bad = client.put(url, {"own_door": "x"}, content_type="application/json", tenant=village)
    assert bad.status_code == 400
    changed = client.put(
        url, {"own_door": "forward"}, content_type="application/json", tenant=village
    )
    assert changed.json() == {"own_door": "forward"}
    # When a KTP matter is filed at its door and the router looks at it
    filed = file_complaint(village, **KTP_MATTER)
    route_filed_complaint(village.schema_name, filed.pk)
    # Then it was handed over at once
    assert TrackingCode.objects.get(code=filed.tracking_code).tenant == dukcapil
    # and a regency body's default is to hand over at once
    assert own_door_policy(dukcapil) == OwnDoor.FORWARD
    # and the setting's page shows and changes it
    page = client.get("/console/pengaturan/penerusan/", tenant=village)
    assert 'value="forward" checked' in page.content.decode()
    client.post("/console/pengaturan/penerusan/", {"own_door": "suggest"}, tenant=village)
    assert own_door_policy(village) == OwnDoor.SUGGEST


@time_machine.travel(dt.datetime(2026, 11, 23, 2, tzinfo=dt.UTC), tick=False)  # Monday 09:00 WIB
def test_the_staff_home_is_a_work_queue_with_counts_most_urgent_first(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village officer and its complaints: one assigned to them, two classified
    # (low, then high) nobody holds, one incomplete, one forwarded in, one the router proposes
    village, _dukcapil = babakan_with_dukcapil(tenant_factory)
    sender = tenant_factory(region_code="33.01.02.2014", slug="desa-kuripan-kidul")
    staff = Staff(village, Role.OFFICER)
    officer = staff.users[Role.OFFICER]
    client = staff.clients[Role.OFFICER]
    mine = file_complaint(village, subject="Punya saya")
    with schema_context(village.schema_name):
        do_assign_complaint(tenant=village, complaint=mine, assignee=officer, actor=officer)
    low = file_complaint(village, subject="Lampu jalan mati")
    high = file_complaint(village, subject="Tanggul jebol")
    classify(staff, low, "low")
    classify(staff, high, "high")
    file_complaint(village, subject="Belum lengkap", name="")
    sent = file_complaint(sender, subject="Salah alamat")
    do_forward_complaint(tenant=sender, complaint_id=sent.pk, to=village, reason="x", actor=None)
    proposed = file_complaint(village, **KTP_MATTER)
    route_filed_complaint(village.schema_name, proposed.pk)
    # When the officer opens the work queue's API
    response = client.get("/api/v1/work/", tenant=village)
    assert response.status_code == 200
    queues = {q["key"]: q for q in response.json()}
    subjects = {key: [c["subject"] for c in q["complaints"]] for key, q in queues.items()}
    # Then each list holds its complaints with its count, the most urgent first
    assert list(queues) == [
        "mine", "team", "unassigned", "due_today", "overdue", "waiting_for_complainant",
        "waiting_for_acceptance", "proposals", "approval", "likely_duplicates",
    ]  # fmt: skip
    assert subjects["mine"] == ["Punya saya"]
    assert subjects["unassigned"][:2] == ["Tanggul jebol", "Lampu jalan mati"]
    assert queues["unassigned"]["count"] == 5
    assert subjects["waiting_for_complainant"] == ["Belum lengkap"]
    assert subjects["waiting_for_acceptance"] == ["Salah alamat"]
    assert subjects["proposals"] == ["KTP-el belum jadi"]
    assert subjects["overdue"] == [] and queues["team"]["count"] == 0
    # and two days later, the high one (one working day) is overdue, the low one not yet
    with time_machine.travel(dt.datetime(2026, 11, 25, 3, tzinfo=dt.UTC), tick=False):
        later = {q["key"]: q for q in client.get("/api/v1/work/", tenant=village).json()}
    assert "Tanggul jebol" in [c["subject"] for c in later["overdue"]["complaints"]]
    assert "Lampu jalan mati" not in [c["subject"] for c in later["overdue"]["complaints"]]
    # and the page shows the same counts, each complaint linked
    page = client.get("/console/", tenant=village).content.decode()
    assert '<mark data-count="unassigned">5</mark>' in page
    assert f"/console/pengaduan/{high.pk}/" in page


def test_sign_in_lands_on_the_work_queue(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    user = make_member(tenant, Role.OFFICER)
    user.set_password("rahasia-sekali-123")
    user.save()
    client = TenantClient()
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "rahasia-sekali-123"},
        tenant=tenant,
    )
    assert response.status_code == 302
    assert response["Location"] == f"/t/{tenant.slug}/console/"


def test_the_menu_shows_only_what_the_role_may_open(tenant_factory: TenantFactory) -> None:
    # Given a village's auditor and its admin
    tenant = tenant_factory()
    staff = Staff(tenant, Role.AUDITOR, Role.TENANT_ADMIN)

    def menu(role: Role) -> list[str]:
        page = staff.clients[role].get("/console/", tenant=tenant).content.decode()
        nav = page[
            page.index('id="staff-nav"') : page.index("</nav>", page.index('id="staff-nav"'))
        ]
        return [part.split('"')[0] for part in nav.split('href="')[1:]]

    prefix = f"/t/{tenant.slug}"
    auditor, admin = menu(Role.AUDITOR), menu(Role.TENANT_ADMIN)
    # Then the auditor reads the register, but sees no settings, teams or SOP editing
    assert f"{prefix}/console/pengaduan/" in auditor
    assert f"{prefix}/console/pengaturan/penerusan/" not in auditor
    assert f"{prefix}/console/members/" not in auditor
    # and the admin sees the settings
    assert f"{prefix}/console/pengaturan/penerusan/" in admin
    assert f"{prefix}/console/members/" in admin
    # and every link of each menu opens for its role
    for role, links in ((Role.AUDITOR, auditor), (Role.TENANT_ADMIN, admin)):
        for link in links:
            assert staff.clients[role].get(link).status_code == 200, (role, link)


def test_the_menu_is_worked_out_once_a_process_and_linked_under_each_tenant(
    tenant_factory: TenantFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two villages' admins, and a process that has worked out no menu yet
    first, second = tenant_factory(), tenant_factory()
    staff = [Staff(first, Role.TENANT_ADMIN), Staff(second, Role.TENANT_ADMIN)]
    clear_url_caches()
    resolved: list[str] = []

    def counted(path: str) -> ResolverMatch:
        resolved.append(path)
        return resolve(path)

    monkeypatch.setattr(navigation, "resolve", counted)

    def menu(team: Staff) -> list[str]:
        page = team.clients[Role.TENANT_ADMIN].get("/console/", tenant=team.tenant)
        html = page.content.decode()
        nav = html[
            html.index('id="staff-nav"') : html.index("</nav>", html.index('id="staff-nav"'))
        ]
        return [part.split('"')[0] for part in nav.split('href="')[1:]]

    # When each opens the console
    at_first = menu(staff[0])
    worked_out = len(resolved)
    at_second = menu(staff[1])
    # Then the menu's pages were looked up for the first only
    assert worked_out > 0
    assert len(resolved) == worked_out
    # and each menu links under its own tenant, to the same pages
    assert all(link.startswith(f"/t/{first.slug}/") for link in at_first)
    assert all(link.startswith(f"/t/{second.slug}/") for link in at_second)
    assert [link.replace(second.slug, first.slug, 1) for link in at_second] == at_first


def test_the_tenant_landing_page_links_to_filing_and_tracking(
    tenant_factory: TenantFactory, tenant_client: TenantClient
) -> None:
    tenant = tenant_factory()
    page = tenant_client.get("/", tenant=tenant).content.decode()
    assert f'href="/t/{tenant.slug}/pengaduan/baru/"' in page
    assert f'href="/t/{tenant.slug}/lacak/"' in page


def test_a_priority_sets_the_urgency_where_the_sop_has_none(
    tenant_factory: TenantFactory,
) -> None:
    # Given a Disdukcapil office (its SOP has no urgency, its distribution step a priority)
    tenant = tenant_factory(kind=TenantKind.DISDUKCAPIL, region_code="61.03")
    staff = Staff(tenant, Role.OFFICER)
    complaint = file_complaint(tenant, subject="KTP-el belum jadi")
    # When the officer distributes it with a high priority
    walk(staff, complaint, [(Role.OFFICER, "distribute", {"priority": "high"})])
    # Then the complaint is high on the register and in its summary
    client = staff.clients[Role.OFFICER]
    detail = client.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).json()
    assert detail["urgency"] == "high"
    assert [(s["key"], s["value"]) for s in detail["summary"]] == [("priority", "Tinggi")]
    listed = client.get("/api/v1/register/?urgency=high", tenant=tenant).json()
    assert [r["id"] for r in listed["results"]] == [complaint.pk]
