"""Role capabilities, and django-guardian object permissions inside tenant schemas."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from complaints.models import Complaint
from tenants import permissions
from tenants.access import Access, Scope, TenantCapability
from tenants.actions.members import do_grant_role
from tenants.actions.onboarding import do_ensure_public_tenant
from tenants.models import Role, TenantKind
from tenants.permissions import READ_ONLY_CAPABILITIES, ROLE_CAPABILITIES, Capability
from tests.factories import TenantFactory, file_complaint, make_member, make_user

pytestmark = pytest.mark.django_db

VIEW = "complaints.view_complaint"


def test_every_role_has_its_capabilities_in_one_table() -> None:
    # Every role is in the table, and the rules the seeds and the issue name hold
    assert set(ROLE_CAPABILITIES) == set(Role)
    assert permissions.roles_with(Capability.VIEW_WBS) == {Role.WBS_OFFICER}
    assert ROLE_CAPABILITIES[Role.AUDITOR] <= READ_ONLY_CAPABILITIES
    assert Capability.VIEW_ALL_COMPLAINTS not in ROLE_CAPABILITIES[Role.LIAISON]
    assert Capability.VIEW_ASSIGNED_COMPLAINTS in ROLE_CAPABILITIES[Role.LIAISON]
    assert permissions.roles_with(Capability.MANAGE_MEMBERS) == {
        Role.TENANT_ADMIN,
        Role.REGENCY_ADMIN,
        Role.PLATFORM_OPERATOR,
    }
    assert permissions.roles_with(Capability.FILE_DESK_COMPLAINT) == {Role.OFFICER}


def test_capability_declaration_reads_the_table() -> None:
    declared = TenantCapability(
        Capability.WORK_COMPLAINT, read=[Capability.VIEW_ALL_COMPLAINTS]
    ).access
    assert declared == Access(
        Scope.TENANT,
        frozenset({Role.OFFICER, Role.LIAISON}),
        frozenset({Role.OFFICER, Role.LIAISON, Role.HEAD, Role.AUDITOR}),
    )
    assert declared.roles_for("POST") == {Role.OFFICER, Role.LIAISON}
    assert Role.AUDITOR in declared.roles_for("GET")


def test_capabilities_follow_roles_in_the_tenant_and_from_above(
    tenant_factory: TenantFactory,
) -> None:
    # Given a regency, its village, and a village elsewhere
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    village = tenant_factory(parent=regency)
    elsewhere = tenant_factory(region_code="33.01.02.2014")
    head = make_member(village, Role.HEAD)
    regency_admin = make_member(regency, Role.REGENCY_ADMIN)
    # Then the head's capabilities are the head's, in that village only
    assert permissions.capabilities_in(head, village) == ROLE_CAPABILITIES[Role.HEAD]
    assert permissions.capabilities_in(head, elsewhere) == frozenset()
    # and the regency admin administers the village from above, without reading complaints
    assert permissions.has_capability(regency_admin, village, Capability.MANAGE_MEMBERS)
    assert not permissions.has_capability(regency_admin, village, Capability.VIEW_ALL_COMPLAINTS)
    assert not permissions.has_capability(regency_admin, elsewhere, Capability.MANAGE_MEMBERS)


def test_roles_in_reads_every_reach_in_one_query(tenant_factory: TenantFactory) -> None:
    # Given a regency, its village, a village elsewhere, the operator and several roles
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01")
    village = tenant_factory(parent=regency)
    elsewhere = tenant_factory(region_code="33.01.02.2014")
    public = do_ensure_public_tenant()
    regency_admin = make_member(regency, Role.REGENCY_ADMIN)
    do_grant_role(user=regency_admin, tenant=village, role=Role.OFFICER)
    operator = make_member(public, Role.PLATFORM_OPERATOR)
    head = make_member(village, Role.HEAD)
    # Then each holds what they hold there, and from above
    above = {Role.PLATFORM_OPERATOR, Role.REGENCY_ADMIN}
    expected = [
        (regency_admin, regency, {Role.REGENCY_ADMIN}),
        (regency_admin, village, {Role.REGENCY_ADMIN, Role.OFFICER}),
        (regency_admin, elsewhere, set()),
        (operator, village, above),
        (operator, elsewhere, above),
        (operator, public, {Role.PLATFORM_OPERATOR}),
        (head, village, {Role.HEAD}),
        (head, regency, set()),
        (head, public, set()),
    ]
    for user, tenant, roles in expected:
        with CaptureQueriesContext(connection) as queries:
            held = permissions.roles_in(user, tenant)
        assert held == roles, (user.username, tenant.slug)
        assert len(queries) == 1


def test_object_grant_in_one_tenant_does_not_reach_the_same_id_in_another(
    tenant_factory: TenantFactory,
) -> None:
    # Given two tenants whose first complaints share the id, and a liaison officer of A
    tenant_a = tenant_factory()
    tenant_b = tenant_factory(region_code="33.01.02.2014")
    first_a = file_complaint(tenant_a, subject="Jalan rusak")
    file_complaint(tenant_a, subject="Lampu jalan mati")
    first_b = file_complaint(tenant_b, subject="Air PDAM keruh")
    assert first_a.pk == first_b.pk
    liaison = make_member(tenant_a, Role.LIAISON)
    # When A assigns its first complaint to the liaison officer
    with schema_context(tenant_a.schema_name):
        permissions.grant_object_permission(liaison, VIEW, first_a)
        permissions.grant_object_permission(liaison, VIEW, first_a)  # twice: a no-op
        # Then in A they may see exactly that complaint
        assert permissions.has_object_permission(liaison, VIEW, first_a)
        seen_in_a = list(
            permissions.objects_for(liaison, VIEW, Complaint.objects.all()).values_list(
                "subject", flat=True
            )
        )
    assert seen_in_a == ["Jalan rusak"]
    # and in B, the complaint with the same id is not theirs
    with schema_context(tenant_b.schema_name):
        assert not permissions.has_object_permission(liaison, VIEW, first_b)
        assert not permissions.objects_for(liaison, VIEW, Complaint.objects.all()).exists()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM guardian_userobjectpermission")
            assert cursor.fetchone() == (0,)


def test_revoked_grant_and_other_users_see_nothing(tenant_factory: TenantFactory) -> None:
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    liaison = make_member(tenant, Role.LIAISON)
    colleague = make_member(tenant, Role.LIAISON)
    with schema_context(tenant.schema_name):
        permissions.grant_object_permission(liaison, "view_complaint", complaint)
        assert not permissions.has_object_permission(colleague, VIEW, complaint)
        assert not permissions.objects_for(colleague, VIEW, Complaint.objects.all()).exists()
        permissions.revoke_object_permission(liaison, VIEW, complaint)
        assert not permissions.has_object_permission(liaison, VIEW, complaint)
        assert not permissions.objects_for(liaison, VIEW, Complaint.objects.all()).exists()


def test_object_permissions_refuse_the_public_schema(tenant_factory: TenantFactory) -> None:
    # A grant written to the public schema would belong to no tenant: refused
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    user = make_user()
    do_ensure_public_tenant()
    with pytest.raises(RuntimeError):
        permissions.grant_object_permission(user, VIEW, complaint)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.guardian_userobjectpermission")
        assert cursor.fetchone() == (0,)


def test_tenant_schema_keeps_guardian_lean(tenant_factory: TenantFactory) -> None:
    # No group grant table (Aduan grants to users only; public keeps the empty one), and the
    # user grant table with three indexes: its key, one unique key for a user's grants (in
    # place of guardian's key and its two indexes) and the grants on one object
    tenant = tenant_factory()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, count(*) FROM pg_indexes WHERE schemaname = %s"
            " AND tablename LIKE 'guardian%%' GROUP BY tablename ORDER BY tablename",
            [tenant.schema_name],
        )
        assert cursor.fetchall() == [("guardian_userobjectpermission", 3)]
        # and no foreign key leaves the tenant schema
        cursor.execute(
            "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE n.nspname = %s AND c.contype = 'f' AND c.conrelid::regclass::text"
            " LIKE '%%guardian%%'",
            [tenant.schema_name],
        )
        assert cursor.fetchone() == (0,)


def test_a_users_grant_is_found_and_kept_unique_by_one_key(tenant_factory: TenantFactory) -> None:
    # Given a tenant schema holding many users' grants, one of them the liaison's
    tenant = tenant_factory()
    complaint = file_complaint(tenant)
    liaison = make_user()
    with schema_context(tenant.schema_name):
        permissions.grant_object_permission(liaison, VIEW, complaint)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO guardian_userobjectpermission"
                " (user_id, permission_id, content_type_id, object_pk)"
                " SELECT 100000 + n % 50, p.permission_id, p.content_type_id, n::text"
                " FROM generate_series(1, 5000) AS n,"
                " (SELECT permission_id, content_type_id FROM guardian_userobjectpermission) AS p"
            )
            cursor.execute("ANALYZE guardian_userobjectpermission")
        # When guardian checks the liaison's grant on the complaint
        with CaptureQueriesContext(connection) as queries:
            assert permissions.has_object_permission(liaison, VIEW, complaint)
        lookup = next(q["sql"] for q in queries if "guardian_userobjectpermission" in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {lookup}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            # Then the one key finds it (no scan of every grant)
            assert "guardian_user_grant_once" in plan, plan
            # and a second grant alike in user, permission and object is refused by it
            cursor.execute("SAVEPOINT twice")
            with pytest.raises(IntegrityError, match="guardian_user_grant_once"):
                cursor.execute(
                    "INSERT INTO guardian_userobjectpermission"
                    " (user_id, permission_id, content_type_id, object_pk)"
                    " SELECT user_id, permission_id, content_type_id, object_pk"
                    " FROM guardian_userobjectpermission WHERE user_id = %s",
                    [liaison.pk],
                )
            cursor.execute("ROLLBACK TO SAVEPOINT twice")
