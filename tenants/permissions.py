"""Who may do what in which tenant: the one place that reads memberships for access checks.

Roles are held per tenant (`Membership`). Two roles reach beyond their own row:
- platform operator: a membership in the public tenant; administers the whole platform;
- regency admin: a membership in a PEMKAB tenant; administers that regency's tenants (the
  PEMKAB itself and every tenant whose parent it is).

Views, APIs and jobs ask here; they never query `Membership` for access themselves.
Object-level rights (a liaison officer sees only what is assigned to them) are django-guardian
permissions inside the tenant schema, checked by each app's `access_*` helpers.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from aduan.errors import NotFoundError
from tenants.models import Membership, Role, Tenant, TenantKind

AnyUser = AbstractBaseUser | AnonymousUser

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
    they reach it from above."""
    if not user.is_authenticated:
        return frozenset()
    roles = set(
        Membership.objects.filter(user_id=user.pk, tenant=tenant).values_list("role", flat=True)
    )
    if tenant.schema_name != get_public_schema_name():
        if is_platform_operator(user):
            roles.add(Role.PLATFORM_OPERATOR)
        if governed_tenants(user).filter(pk=tenant.pk).exists():
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
    """The roles this user may grant (invite someone to) in this tenant.

    Staff roles by whoever administers the tenant; regency admin of a PEMKAB by its regency
    admins and the operator; platform operator (in the public tenant) by an operator."""
    if tenant.schema_name == get_public_schema_name():
        return [Role.PLATFORM_OPERATOR] if is_platform_operator(user) else []
    held = roles_in(user, tenant)
    if not held & {Role.TENANT_ADMIN, Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR}:
        return []
    roles = [role for role in Role if role in STAFF_ROLES]
    if tenant.kind == TenantKind.PEMKAB and held & {Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR}:
        roles.insert(0, Role.REGENCY_ADMIN)
    return roles
