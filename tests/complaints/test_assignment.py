"""Assignment (penugasan): the assignee gets object permissions on that one complaint, so a
liaison officer sees exactly what was handed to them; reassigning takes it away again."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from complaints.models import Complaint, ComplaintEvent, EventKind
from tenants.actions.members import do_grant_role
from tenants.models import Role, Tenant
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

pytestmark = pytest.mark.django_db


def _visible(client: TenantClient, tenant: Tenant) -> list[str]:
    body = client.get("/api/v1/register/", tenant=tenant).json()
    return sorted(r["number"] for r in body["results"])


def _assign(client: TenantClient, tenant: Tenant, complaint: Complaint, user_id: int | None) -> int:
    response = client.post(
        f"/api/v1/complaints/{complaint.pk}/assignment/",
        {"assignee": user_id},
        content_type="application/json",
        tenant=tenant,
    )
    return int(response.status_code)


def _assignment_events(tenant: Tenant, complaint: Complaint) -> list[tuple[object, object]]:
    with schema_context(tenant.schema_name):
        events = ComplaintEvent.objects.filter(complaint_id=complaint.pk, kind=EventKind.ASSIGNED)
        return [(e.before, e.after) for e in events.order_by("id")]


def test_a_liaison_sees_only_the_complaints_assigned_to_them(
    tenant_factory: TenantFactory,
) -> None:
    # Given two complaints, an officer and two liaison officers
    tenant = tenant_factory()
    first, second = file_complaint(tenant, subject="Jalan"), file_complaint(tenant, subject="Air")
    officer = make_member(tenant, Role.OFFICER)
    ana, budi = make_member(tenant, Role.LIAISON), make_member(tenant, Role.LIAISON)
    as_officer, as_ana, as_budi = TenantClient(), TenantClient(), TenantClient()
    for client, user in ((as_officer, officer), (as_ana, ana), (as_budi, budi)):
        sign_in(client, user)
    # Before any assignment a liaison sees nothing
    assert _visible(as_ana, tenant) == []
    # When the officer hands the first complaint to Ana
    assert _assign(as_officer, tenant, first, ana.pk) == 200
    # Then Ana sees it (register, API, page) and only it; Budi sees nothing
    assert _visible(as_ana, tenant) == [first.number]
    assert as_ana.get(f"/api/v1/complaints/{first.pk}/", tenant=tenant).status_code == 200
    assert as_ana.get(f"/console/pengaduan/{first.pk}/", tenant=tenant).status_code == 200
    assert as_ana.get(f"/api/v1/complaints/{second.pk}/", tenant=tenant).status_code == 404
    assert _visible(as_budi, tenant) == []
    assert as_budi.get(f"/console/pengaduan/{first.pk}/", tenant=tenant).status_code == 404
    # and the officer still sees both; the timeline says who got it
    assert _visible(as_officer, tenant) == sorted([first.number, second.number])
    assert _assignment_events(tenant, first) == [
        ({"assignee": None}, {"assignee": ana.get_username()})
    ]
    # When it is reassigned to Budi
    assert _assign(as_officer, tenant, first, budi.pk) == 200
    # Then Ana lost it and Budi has it
    assert _visible(as_ana, tenant) == []
    assert as_ana.get(f"/api/v1/complaints/{first.pk}/", tenant=tenant).status_code == 404
    assert _visible(as_budi, tenant) == [first.number]
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=first.pk).assignee_id == budi.pk


def test_a_grant_in_one_tenant_does_not_reach_the_same_id_in_another(
    tenant_factory: TenantFactory,
) -> None:
    # Given complaint #1 in two tenants and a liaison serving both desks
    a, b = tenant_factory(), tenant_factory()
    in_a, in_b = file_complaint(a), file_complaint(b)
    assert in_a.pk == in_b.pk
    liaison = make_member(a, Role.LIAISON)
    do_grant_role(tenant=b, user=liaison, role=Role.LIAISON)
    officer_a = make_member(a, Role.OFFICER)
    as_officer, as_liaison = TenantClient(), TenantClient()
    sign_in(as_officer, officer_a)
    sign_in(as_liaison, liaison)
    # When tenant A assigns its complaint to the liaison
    assert _assign(as_officer, a, in_a, liaison.pk) == 200
    # Then the liaison sees A's and not B's, though both are complaint #1
    assert _visible(as_liaison, a) == [in_a.number]
    assert _visible(as_liaison, b) == []


def test_bad_assignments_are_refused_and_change_nothing(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint, its officer, an auditor here and an officer of another tenant
    tenant, other = tenant_factory(), tenant_factory()
    complaint = file_complaint(tenant)
    officer = make_member(tenant, Role.OFFICER)
    auditor = make_member(tenant, Role.AUDITOR)
    stranger = make_member(other, Role.OFFICER)
    client = TenantClient()
    sign_in(client, officer)
    # When the officer assigns it to a stranger, to an auditor (who may not work it) and to
    # an id that does not exist
    for user_id in (stranger.pk, auditor.pk, 987654):
        response = client.post(
            f"/api/v1/complaints/{complaint.pk}/assignment/",
            {"assignee": user_id},
            content_type="application/json",
            tenant=tenant,
        )
        # Then each is a field error
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "complaints.not_assignable"
        assert list(body["extra"]["fields"]) == ["assignee"]
    # and nothing changed
    with schema_context(tenant.schema_name):
        assert Complaint.objects.get(pk=complaint.pk).assignee_id is None
    assert _assignment_events(tenant, complaint) == []
    # and the answer team may not assign at all (404: the endpoint is not theirs)
    answer = TenantClient()
    sign_in(answer, make_member(tenant, Role.ANSWER_TEAM))
    assert _assign(answer, tenant, complaint, officer.pk) == 404
    assert _assignment_events(tenant, complaint) == []


def test_the_assignment_page_assigns(tenant_factory: TenantFactory) -> None:
    # Given a complaint, its officer and a liaison
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    liaison = make_member(tenant, Role.LIAISON, username="penghubung-babakan")
    client = TenantClient()
    sign_in(client, make_member(tenant, Role.OFFICER))
    # When the officer opens the page, the liaison is offered
    page = client.get(f"/console/pengaduan/{complaint.pk}/penugasan/", tenant=tenant)
    assert page.status_code == 200
    assert "penghubung-babakan" in page.content.decode()
    # and choosing them assigns the complaint and returns to it
    done = client.post(
        f"/console/pengaduan/{complaint.pk}/penugasan/", {"assignee": liaison.pk}, tenant=tenant
    )
    assert done.status_code == 302
    view = client.get(f"/console/pengaduan/{complaint.pk}/", tenant=tenant).content.decode()
    assert 'id="assignee">penghubung-babakan' in view


def test_a_liaison_works_the_steps_of_assigned_complaints_only(
    tenant_factory: TenantFactory,
) -> None:
    # Given a complaint and a liaison officer it is not assigned to
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    liaison = make_member(tenant, Role.LIAISON)
    officer = TenantClient()
    sign_in(officer, make_member(tenant, Role.OFFICER))
    client = TenantClient()
    sign_in(client, liaison)
    steps = f"/api/v1/complaints/{complaint.pk}/transitions/"
    # Then its steps do not exist for them, by API or page
    assert client.get(steps, tenant=tenant).status_code == 404
    page = f"/console/complaints/{complaint.pk}/steps/"
    assert client.get(page, tenant=tenant).status_code == 404
    # When it is assigned to them, they reach its steps
    assert _assign(officer, tenant, complaint, liaison.pk) == 200
    assert client.get(steps, tenant=tenant).status_code == 200
    assert client.get(page, tenant=tenant).status_code == 200
