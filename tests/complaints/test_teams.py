"""Teams (tim): admins manage them, a complaint is assigned to a team, every member works
it (guardian object permissions per member), a member added later sees the team's complaints
and a member removed no longer does (unless it is theirs in person)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django_tenants.utils import schema_context

from complaints.actions.forward import do_forward_complaint
from complaints.models import Complaint, ComplaintEvent, EventKind, Team, TeamMember
from tenants.models import Role, Tenant, User
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def client_of(user: User) -> TenantClient:
    client = TenantClient()
    sign_in(client, user)
    return client


def sees(client: TenantClient, tenant: Tenant, complaint: Complaint) -> bool:
    status = client.get(f"/api/v1/complaints/{complaint.pk}/", tenant=tenant).status_code
    assert status in (200, 404)
    return status == 200


def send(client: TenantClient, method: str, path: str, tenant: Tenant, body: dict[str, Any]) -> Any:
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", tenant=tenant
    )


def test_a_team_works_its_complaints_and_later_members_see_them_too(
    tenant_factory: TenantFactory,
) -> None:
    # Given a village with an admin, an officer and three liaison officers (who see only
    # what is assigned to them), and two complaints
    tenant = tenant_factory()
    admin = client_of(make_member(tenant, Role.TENANT_ADMIN))
    officer = client_of(make_member(tenant, Role.OFFICER))
    ana, budi, cici = (make_member(tenant, Role.LIAISON) for _ in range(3))
    as_ana, as_budi, as_cici = client_of(ana), client_of(budi), client_of(cici)
    first, second = file_complaint(tenant, subject="Jalan"), file_complaint(tenant, subject="Air")
    # When the admin makes a team of Ana and Budi
    made = send(admin, "post", "/api/v1/teams/", tenant,
                {"name": "Tim Penjawab", "members": [ana.pk, budi.pk]})  # fmt: skip
    assert made.status_code == 201, made.json()
    team = made.json()
    assert [m["id"] for m in team["members"]] == sorted([ana.pk, budi.pk], key=lambda pk: (
        User.objects.get(pk=pk).username))  # fmt: skip
    # and the officer gives the first complaint to the team
    given = send(officer, "post", f"/api/v1/complaints/{first.pk}/team/", tenant,
                 {"team": team["id"]})  # fmt: skip
    assert given.status_code == 200 and given.json()["team"] == "Tim Penjawab"
    detail = officer.get(f"/api/v1/complaints/{first.pk}/", tenant=tenant).json()
    assert detail["team"] == "Tim Penjawab"
    # Then both members see and may work it; neither sees the other complaint; Cici nothing
    assert sees(as_ana, tenant, first) and sees(as_budi, tenant, first)
    assert not sees(as_ana, tenant, second)
    assert not sees(as_cici, tenant, first)
    steps = as_budi.get(f"/api/v1/complaints/{first.pk}/transitions/", tenant=tenant)
    assert steps.status_code == 200
    # When Cici joins the team later, and Ana leaves it
    changed = send(admin, "put", f"/api/v1/teams/{team['id']}/", tenant,
                   {"name": "Tim Penjawab", "members": [budi.pk, cici.pk]})  # fmt: skip
    assert changed.status_code == 200, changed.json()
    # Then Cici sees the team's complaint, Ana no longer does
    assert sees(as_cici, tenant, first)
    assert not sees(as_ana, tenant, first)
    assert sees(as_budi, tenant, first)
    # And the timeline says who has it
    with schema_context(tenant.schema_name):
        (event,) = ComplaintEvent.objects.filter(complaint=first, kind=EventKind.TEAM_ASSIGNED)
    assert (event.before, event.after) == ({"team": None}, {"team": "Tim Penjawab"})


def test_a_member_removed_keeps_what_was_assigned_to_them_in_person(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    admin = client_of(make_member(tenant, Role.TENANT_ADMIN))
    officer = client_of(make_member(tenant, Role.OFFICER))
    ana = make_member(tenant, Role.LIAISON)
    as_ana = client_of(ana)
    mine, teams = file_complaint(tenant, subject="Jalan"), file_complaint(tenant, subject="Air")
    team = send(admin, "post", "/api/v1/teams/", tenant, {"name": "Tim A", "members": [ana.pk]})
    for complaint in (mine, teams):
        send(officer, "post", f"/api/v1/complaints/{complaint.pk}/team/", tenant,
             {"team": team.json()["id"]})  # fmt: skip
    assigned = send(officer, "post", f"/api/v1/complaints/{mine.pk}/assignment/", tenant,
                    {"assignee": ana.pk})  # fmt: skip
    assert assigned.status_code == 200
    # When Ana leaves the team
    send(admin, "put", f"/api/v1/teams/{team.json()['id']}/", tenant,
         {"name": "Tim A", "members": []})  # fmt: skip
    # Then she keeps the complaint assigned to her in person, not the team's other one
    assert sees(as_ana, tenant, mine)
    assert not sees(as_ana, tenant, teams)


def test_moving_a_complaint_to_another_team_moves_the_access(
    tenant_factory: TenantFactory,
) -> None:
    tenant = tenant_factory()
    admin = client_of(make_member(tenant, Role.TENANT_ADMIN))
    officer = client_of(make_member(tenant, Role.OFFICER))
    ana, budi = make_member(tenant, Role.LIAISON), make_member(tenant, Role.LIAISON)
    complaint = file_complaint(tenant)
    one = send(admin, "post", "/api/v1/teams/", tenant, {"name": "Satu", "members": [ana.pk]})
    two = send(admin, "post", "/api/v1/teams/", tenant, {"name": "Dua", "members": [budi.pk]})
    path = f"/api/v1/complaints/{complaint.pk}/team/"
    send(officer, "post", path, tenant, {"team": one.json()["id"]})
    send(officer, "post", path, tenant, {"team": two.json()["id"]})
    assert not sees(client_of(ana), tenant, complaint)
    assert sees(client_of(budi), tenant, complaint)
    # and taking it from every team leaves it to no liaison
    assert send(officer, "post", path, tenant, {"team": None}).json()["team"] is None
    assert not sees(client_of(budi), tenant, complaint)


def test_bad_teams_are_refused_and_nothing_changes(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    other = tenant_factory()
    admin = client_of(make_member(tenant, Role.TENANT_ADMIN))
    officer_user = make_member(tenant, Role.OFFICER)
    officer = client_of(officer_user)
    outsider = make_member(other, Role.LIAISON)
    auditor = make_member(tenant, Role.AUDITOR)
    # A member of another tenant, or one who may not be given complaints (an auditor)
    for member in (outsider, auditor):
        refused = send(admin, "post", "/api/v1/teams/", tenant,
                       {"name": "Tim", "members": [member.pk]})  # fmt: skip
        assert refused.status_code == 400
        assert refused.json()["code"] == "complaints.invalid_team"
    # A blank or duplicate name
    assert send(admin, "post", "/api/v1/teams/", tenant, {"name": " "}).status_code == 400
    assert send(admin, "post", "/api/v1/teams/", tenant, {"name": "Tim"}).status_code == 201
    duplicate = send(admin, "post", "/api/v1/teams/", tenant, {"name": "Tim"})
    assert duplicate.status_code == 400 and duplicate.json()["extra"]["field"] == "name"
    with schema_context(tenant.schema_name):
        assert list(Team.objects.values_list("name", flat=True)) == ["Tim"]
        assert TeamMember.objects.count() == 0
        team_id = Team.objects.get().pk
    # Not an admin: the officer may read the teams but not create one
    assert officer.get("/api/v1/teams/", tenant=tenant).status_code == 200
    assert send(officer, "post", "/api/v1/teams/", tenant, {"name": "X"}).status_code == 404
    # A whistleblowing report is never given to a team; an unknown team is not found
    wbs = file_complaint(tenant, is_wbs=True)
    wbs_officer = client_of(make_member(tenant, Role.OFFICER, Role.WBS_OFFICER))
    refused_wbs = send(wbs_officer, "post", f"/api/v1/complaints/{wbs.pk}/team/", tenant,
                       {"team": team_id})  # fmt: skip
    assert refused_wbs.status_code == 400
    assert refused_wbs.json()["code"] == "complaints.not_assignable"
    plain = file_complaint(tenant)
    missing = send(officer, "post", f"/api/v1/complaints/{plain.pk}/team/", tenant,
                   {"team": team_id + 99})  # fmt: skip
    assert missing.status_code == 404
    with schema_context(tenant.schema_name):
        assert Complaint.objects.filter(team__isnull=False).count() == 0
    del officer_user


def test_team_pages(tenant_factory: TenantFactory) -> None:
    # Given a village admin and an officer, and a liaison officer
    tenant = tenant_factory()
    admin = client_of(make_member(tenant, Role.TENANT_ADMIN))
    officer = client_of(make_member(tenant, Role.OFFICER))
    ana = make_member(tenant, Role.LIAISON, username="ana")
    complaint = file_complaint(tenant)
    # When the admin adds a team on the page
    page = admin.get("/console/tim/", tenant=tenant)
    assert page.status_code == 200 and 'id="team-form"' in page.content.decode()
    created = admin.post("/console/tim/", {"name": "Tim Penjawab", "members": [ana.pk]},
                         tenant=tenant)  # fmt: skip
    assert created.status_code == 302
    with schema_context(tenant.schema_name):
        team = Team.objects.get()
    listing = officer.get("/console/tim/", tenant=tenant).content.decode()
    assert "Tim Penjawab" in listing and "ana" in listing and 'id="team-form"' not in listing
    # and renames it on its page
    renamed = admin.post(f"/console/tim/{team.pk}/", {"name": "Tim Jawab", "members": [ana.pk]},
                         tenant=tenant)  # fmt: skip
    assert renamed.status_code == 302
    # When the officer gives the complaint to the team on the complaint's team page
    assigned = officer.post(f"/console/pengaduan/{complaint.pk}/tim/", {"team": team.pk},
                            tenant=tenant)  # fmt: skip
    assert assigned.status_code == 302
    # Then the complaint view shows the team, and Ana can open the complaint
    view = officer.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant).content.decode()
    assert '<dd id="team">Tim Jawab' in view
    assert (
        client_of(ana).get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant).status_code == 200
    )
    # And a blank name is refused on the page with the field's error
    blank = admin.post("/console/tim/", {"name": "", "members": []}, tenant=tenant)
    assert blank.status_code == 400


def test_a_forwarded_complaint_leaves_its_team_behind(tenant_factory: TenantFactory) -> None:
    # Given a village complaint assigned to a team, and another village with a team of its own
    a, b = tenant_factory(slug="desa-a"), tenant_factory(slug="desa-b")
    admin_a = client_of(make_member(a, Role.TENANT_ADMIN, Role.OFFICER))
    admin_b = client_of(make_member(b, Role.TENANT_ADMIN))
    complaint = file_complaint(a)
    team = send(admin_a, "post", "/api/v1/teams/", a, {"name": "Tim A"}).json()
    assert send(admin_b, "post", "/api/v1/teams/", b, {"name": "Tim B"}).status_code == 201
    send(admin_a, "post", f"/api/v1/complaints/{complaint.pk}/team/", a, {"team": team["id"]})
    # When it is forwarded to the other village
    moved = do_forward_complaint(tenant=a, complaint_id=complaint.pk, to=b, reason="r", actor=None)
    # Then it arrives without a team (the origin's team id means nothing there)
    with schema_context(b.schema_name):
        assert Complaint.objects.get(pk=moved.complaint.pk).team_id is None


def test_member_changes_are_recorded_on_each_complaint_whose_access_changed(
    tenant_factory: TenantFactory,
) -> None:
    # Given a team of Ana with two complaints, one of them also assigned to Budi in person,
    # and a complaint of no team
    tenant = tenant_factory()
    admin_user = make_member(tenant, Role.TENANT_ADMIN)
    admin, officer = client_of(admin_user), client_of(make_member(tenant, Role.OFFICER))
    ana, budi = make_member(tenant, Role.LIAISON), make_member(tenant, Role.LIAISON)
    plain, budis = file_complaint(tenant, subject="Jalan"), file_complaint(tenant, subject="Air")
    other = file_complaint(tenant, subject="Listrik")
    made = send(admin, "post", "/api/v1/teams/", tenant, {"name": "Tim A", "members": [ana.pk]})
    team_id = made.json()["id"]
    for complaint in (plain, budis):
        send(officer, "post", f"/api/v1/complaints/{complaint.pk}/team/", tenant,
             {"team": team_id})  # fmt: skip
    send(officer, "post", f"/api/v1/complaints/{budis.pk}/assignment/", tenant,
         {"assignee": budi.pk})  # fmt: skip

    def entries(complaint: Complaint) -> list[ComplaintEvent]:
        with schema_context(tenant.schema_name):
            return list(
                ComplaintEvent.objects.filter(complaint=complaint, kind=EventKind.TEAM_MEMBERS)
            )

    # Creating and renaming a team changes nobody's access: nothing is recorded
    renamed = send(admin, "put", f"/api/v1/teams/{team_id}/", tenant,
                   {"name": "Tim B", "members": [ana.pk]})  # fmt: skip
    assert renamed.status_code == 200
    assert entries(plain) == [] and entries(budis) == []
    # When the admin adds Budi and removes Ana
    changed = send(admin, "put", f"/api/v1/teams/{team_id}/", tenant,
                   {"name": "Tim B", "members": [budi.pk]})  # fmt: skip
    assert changed.status_code == 200, changed.json()
    # Then each team complaint says who gained and who lost access, by whom, internally
    (event,) = entries(plain)
    assert event.after == {"team": "Tim B", "added": [budi.username], "removed": [ana.username]}
    assert event.actor_id == admin_user.pk and not event.is_public
    event_text = event.message
    assert event_text == (
        f"Anggota tim Tim B berubah. Ditambahkan: {budi.username}. Dikeluarkan: {ana.username}."
    )
    # (Budi held his own complaint in person already: only Ana's loss is recorded there)
    (event,) = entries(budis)
    assert event.after == {"team": "Tim B", "added": [], "removed": [ana.username]}
    # And a complaint of no team has nothing
    assert entries(other) == []
    # And the staff timeline API shows it
    detail = officer.get(f"/api/v1/complaints/{plain.pk}/", tenant=tenant).json()
    shown = [(e["kind"], e["text"]) for e in detail["events"] if e["kind"] == "team_members"]
    assert shown == [("team_members", event_text)]
