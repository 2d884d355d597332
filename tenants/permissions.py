"""Who may do what in which tenant: the one place that reads memberships for access checks.

Roles are held per tenant (`Membership`). Two roles reach beyond their own row:
- platform operator: a membership in the public tenant; administers the whole platform;
- regency admin: a membership in a PEMKAB tenant; administers that regency's tenants (the
  PEMKAB itself and every tenant whose parent it is).

Views, APIs and jobs ask here; they never query `Membership` for access themselves.

What a role may do is `ROLE_CAPABILITIES` (one table; `capabilities_in`, `has_capability`,
`roles_with`). Object-level rights (a liaison officer sees only the complaints assigned to them)
are django-guardian per-user permissions inside the tenant schema: `grant_object_permission`,
`revoke_object_permission`, `has_object_permission`, `objects_for`, called by each app's
`access_*` helpers. Object ids repeat across tenant schemas; so do the grant tables, so a grant
on complaint #1 of tenant A says nothing about complaint #1 of tenant B.
"""

from __future__ import annotations

import enum
from typing import TypeVar

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name
from psycopg import sql

from aduan.errors import NotFoundError
from tenants.models import Membership, Role, Tenant, TenantKind

AnyUser = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=Model)

# Roles that make someone staff of a tenant (may open its console).
STAFF_ROLES = frozenset(
    {
        Role.TENANT_ADMIN,
        Role.OFFICER,
        Role.ANSWER_TEAM,
        Role.LIAISON,
        Role.HEAD,
        Role.AUDITOR,
        Role.WBS_OFFICER,
    }
)
# Admins and heads must use two-factor authentication.
TWO_FACTOR_ROLES = frozenset(
    {Role.PLATFORM_OPERATOR, Role.REGENCY_ADMIN, Role.TENANT_ADMIN, Role.HEAD}
)


class Capability(enum.StrEnum):
    """What a role lets someone do in a tenant. Endpoints may declare a capability instead of
    roles (tenants.access.TenantCapability); both read this one table."""

    MANAGE_TENANT = "manage_tenant"  # profile, settings, SOP, holidays
    MANAGE_MEMBERS = "manage_members"  # invite, revoke, take roles away
    FILE_DESK_COMPLAINT = "file_desk_complaint"  # record a complaint brought to the desk
    VIEW_ALL_COMPLAINTS = "view_all_complaints"  # read every (non-WBS) complaint
    VIEW_ASSIGNED_COMPLAINTS = "view_assigned_complaints"  # read those granted to them
    WORK_COMPLAINT = "work_complaint"  # verify, classify, assign, move through the SOP
    ANSWER_COMPLAINT = "answer_complaint"  # draft and send the answer
    FORWARD_COMPLAINT = "forward_complaint"  # pass on to the body that is authorised
    APPROVE_ANSWER = "approve_answer"  # sign off answers and recommendations (berita acara)
    VIEW_WBS = "view_wbs"  # whistleblowing reports: reporter identity is confidential
    WORK_WBS = "work_wbs"
    VIEW_REPORTS = "view_reports"  # statistics and monthly reports
    VIEW_AUDIT = "view_audit"  # the audit trail, read-only


C = Capability
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    # The platform and the regency administer tenants; they do not read complaints.
    Role.PLATFORM_OPERATOR: frozenset({C.MANAGE_TENANT, C.MANAGE_MEMBERS}),
    Role.REGENCY_ADMIN: frozenset({C.MANAGE_TENANT, C.MANAGE_MEMBERS, C.VIEW_REPORTS}),
    Role.TENANT_ADMIN: frozenset({C.MANAGE_TENANT, C.MANAGE_MEMBERS, C.VIEW_REPORTS, C.VIEW_AUDIT}),
    # The desk officer records, verifies, classifies, answers simple ones, forwards.
    Role.OFFICER: frozenset(
        {
            C.FILE_DESK_COMPLAINT,
            C.VIEW_ALL_COMPLAINTS,
            C.WORK_COMPLAINT,
            C.ANSWER_COMPLAINT,
            C.FORWARD_COMPLAINT,
            C.VIEW_REPORTS,
        }
    ),
    # Tim penjawab: answers what is distributed to it.
    Role.ANSWER_TEAM: frozenset({C.VIEW_ASSIGNED_COMPLAINTS, C.ANSWER_COMPLAINT}),
    # Petugas penghubung: forwards to the authorised official and follows up what is theirs.
    Role.LIAISON: frozenset({C.VIEW_ASSIGNED_COMPLAINTS, C.WORK_COMPLAINT, C.FORWARD_COMPLAINT}),
    # Kepala: oversees, signs off, receives the reports.
    Role.HEAD: frozenset({C.VIEW_ALL_COMPLAINTS, C.APPROVE_ANSWER, C.VIEW_REPORTS}),
    # Auditor: reads everything but WBS, changes nothing.
    Role.AUDITOR: frozenset({C.VIEW_ALL_COMPLAINTS, C.VIEW_REPORTS, C.VIEW_AUDIT}),
    # WBS officer: the only one who sees whistleblowing reports.
    Role.WBS_OFFICER: frozenset({C.VIEW_WBS, C.WORK_WBS}),
}
# Capabilities that change nothing; an auditor holds only these.
READ_ONLY_CAPABILITIES = frozenset(
    {C.VIEW_ALL_COMPLAINTS, C.VIEW_ASSIGNED_COMPLAINTS, C.VIEW_WBS, C.VIEW_REPORTS, C.VIEW_AUDIT}
)


def roles_with(*capabilities: Capability) -> frozenset[Role]:
    """The roles that hold any of these capabilities."""
    return frozenset(role for role, held in ROLE_CAPABILITIES.items() if held & set(capabilities))


def is_platform_operator(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk,
        role=Role.PLATFORM_OPERATOR,
        tenant__schema_name=get_public_schema_name(),
    ).exists()


def is_regency_admin(user: AnyUser) -> bool:
    """Regency admin of at least one regency (a PEMKAB tenant)."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user_id=user.pk, role=Role.REGENCY_ADMIN, tenant__kind=TenantKind.PEMKAB
    ).exists()


def requires_two_factor(user: AnyUser) -> bool:
    """Holds, in any tenant, a role that must sign in with a second factor."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user_id=user.pk, role__in=TWO_FACTOR_ROLES).exists()


def governed_tenants(user: AnyUser) -> QuerySet[Tenant]:
    """Tenants this user administers as regency admin (or all, as platform operator)."""
    tenants: QuerySet[Tenant] = Tenant.objects.exclude(schema_name=get_public_schema_name())
    if not user.is_authenticated:
        return tenants.none()
    if is_platform_operator(user):
        return tenants
    regencies = Membership.objects.filter(
        user_id=user.pk, role=Role.REGENCY_ADMIN, tenant__kind=TenantKind.PEMKAB
    ).values("tenant_id")
    return tenants.filter(Q(pk__in=regencies) | Q(parent_id__in=regencies))


def roles_in(user: AnyUser, tenant: Tenant) -> frozenset[str]:
    """The user's roles in this tenant, with REGENCY_ADMIN and PLATFORM_OPERATOR added when
    they reach it from above (the operator governs every tenant, a regency admin their regency
    and its agencies and villages: `governed_tenants`). One query: it runs on every request."""
    if not user.is_authenticated:
        return frozenset()
    public = get_public_schema_name()
    reach = Q(tenant_id=tenant.pk)
    if tenant.schema_name != public:
        reach |= Q(role=Role.PLATFORM_OPERATOR, tenant__schema_name=public)
        reach |= Q(
            role=Role.REGENCY_ADMIN,
            tenant__kind=TenantKind.PEMKAB,
            tenant_id__in=[pk for pk in (tenant.pk, tenant.parent_id) if pk is not None],
        )
    roles: set[str] = set()
    for role, tenant_id in Membership.objects.filter(reach, user_id=user.pk).values_list(
        "role", "tenant_id"
    ):
        if tenant_id == tenant.pk:
            roles.add(role)
        if tenant.schema_name == public:
            continue
        if role == Role.PLATFORM_OPERATOR and tenant_id != tenant.pk:
            roles.update({Role.PLATFORM_OPERATOR, Role.REGENCY_ADMIN})
        elif role == Role.REGENCY_ADMIN:
            roles.add(Role.REGENCY_ADMIN)
    return frozenset(roles)


def has_role(user: AnyUser, tenant: Tenant, *roles: str) -> bool:
    return bool(roles_in(user, tenant) & set(roles))


def can_administer(user: AnyUser, tenant: Tenant) -> bool:
    """Tenant admin of it, regency admin over it, or platform operator."""
    return has_role(user, tenant, Role.TENANT_ADMIN, Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR)


def is_staff_of(user: AnyUser, tenant: Tenant) -> bool:
    return has_role(user, tenant, *STAFF_ROLES, Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR)


def access_governed_tenant(user: AnyUser, slug: str) -> Tenant:
    """A tenant the user administers from above, by slug; `NotFoundError` for a missing one
    and for one they may not administer alike."""
    tenant = governed_tenants(user).filter(slug=slug).select_related("region", "parent").first()
    if tenant is None:
        raise NotFoundError("tenants.not_found", _("Tidak ditemukan."), {"slug": slug})
    return tenant


def grantable_roles(user: AnyUser, tenant: Tenant) -> list[Role]:
    """The roles this user may grant (invite someone to) in this tenant; never WBS officer.

    Staff roles by whoever administers the tenant; regency admin of a PEMKAB by its regency
    admins and the operator; platform operator (in the public tenant) by an operator."""
    if tenant.schema_name == get_public_schema_name():
        return [Role.PLATFORM_OPERATOR] if is_platform_operator(user) else []
    held = roles_in(user, tenant)
    if not held & {Role.TENANT_ADMIN, Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR}:
        return []
    # WBS officers are appointed by the head alone, with the second factor
    # (complaints.actions.wbs.do_appoint_wbs_officer), never invited by an administrator.
    roles: list[Role] = [r for r in Role if r in STAFF_ROLES and r != Role.WBS_OFFICER]
    if tenant.kind == TenantKind.PEMKAB and held & {Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR}:
        roles.insert(0, Role.REGENCY_ADMIN)
    return roles


def capabilities_in(user: AnyUser, tenant: Tenant) -> frozenset[Capability]:
    held: set[Capability] = set()
    for role in roles_in(user, tenant):
        held |= ROLE_CAPABILITIES[Role(role)]
    return frozenset(held)


def has_capability(user: AnyUser, tenant: Tenant, capability: Capability) -> bool:
    return capability in capabilities_in(user, tenant)


# --- object permissions (django-guardian, per tenant schema) ------------------------------


def _in_tenant_schema() -> None:
    # The public schema holds guardian's table too (empty, for Django's delete collector);
    # a grant written there would be no tenant's and would never be read.
    if connection.schema_name == get_public_schema_name():  # type: ignore[attr-defined]
        raise RuntimeError("object permissions live in a tenant schema: enter one first")


def _codename(perm: str) -> str:
    return perm.rsplit(".", 1)[-1]


def grant_object_permission(user: AbstractBaseUser, perm: str, obj: Model) -> None:
    """Let `user` do `perm` ("complaints.view_complaint" or "view_complaint") on `obj` of the
    current tenant schema. Granting twice is a no-op."""
    from guardian.shortcuts import assign_perm

    _in_tenant_schema()
    assign_perm(perm, user, obj)


def revoke_object_permission(user: AbstractBaseUser, perm: str, obj: Model) -> None:
    from guardian.shortcuts import remove_perm

    _in_tenant_schema()
    remove_perm(perm, user, obj)


def grant_object_permission_on_many(
    user: AbstractBaseUser, perm: str, objects: QuerySet[M]
) -> None:
    """`grant_object_permission` on every object of `objects` at once (bulk insert of the
    grants missing; the ones held stay)."""
    from guardian.shortcuts import assign_perm

    _in_tenant_schema()
    assign_perm(perm, user, objects)  # type: ignore[arg-type]  # the stubs omit bulk


def revoke_object_permission_on_many(
    user: AbstractBaseUser, perm: str, objects: QuerySet[M]
) -> None:
    from guardian.shortcuts import remove_perm

    _in_tenant_schema()
    remove_perm(perm, user, objects)


def grants_dropped_sql(*, schema: str, model: type[Model], object_pk: object) -> sql.Composed:
    """The statement that deletes every grant on one object of `model` in the tenant schema
    `schema`, for a caller that composes it into a statement of its own (a complaint's move:
    complaints.forwarding). Guardian keeps grants by the object's id as text, so a later row
    that reuses the id must not inherit them. Aduan grants to users only: a tenant schema has
    no group grant table (tenants/migrations/guardian/0003). Values are literals (no
    placeholders); the table is schema-qualified."""
    content_types = apps.get_model("contenttypes", "ContentType")._meta.db_table
    content_type = sql.SQL("(SELECT id FROM {} WHERE app_label = {} AND model = {})").format(
        sql.Identifier(get_public_schema_name(), content_types),
        sql.Literal(model._meta.app_label),
        sql.Literal(model._meta.model_name),
    )

    return sql.SQL("DELETE FROM {} WHERE content_type_id = {} AND object_pk = {}").format(
        sql.Identifier(schema, apps.get_model("guardian", "UserObjectPermission")._meta.db_table),
        content_type,
        sql.Literal(str(object_pk)),
    )


def has_object_permission(user: AnyUser, perm: str, obj: Model) -> bool:
    """Whether `user` was granted `perm` on `obj` in the current tenant schema (user grants
    only; roles are checked apart, with has_role/has_capability)."""
    from guardian.shortcuts import get_user_perms

    _in_tenant_schema()
    if not user.is_authenticated or not user.is_active:
        return False
    return _codename(perm) in set(get_user_perms(user, obj))


def objects_for(user: AnyUser, perm: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """The objects of `queryset` on which `user` was granted `perm`, in the current schema."""
    from guardian.shortcuts import get_objects_for_user

    _in_tenant_schema()
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    app_label = queryset.model._meta.app_label
    found: QuerySet[M] = get_objects_for_user(
        user,
        f"{app_label}.{_codename(perm)}",
        klass=queryset,
        use_groups=False,
        with_superuser=False,
        accept_global_perms=False,
    )
    return found
