"""Declarative access: every page and API endpoint says who may reach it.

Nothing is reachable by default. An API view without a declaration is refused for everyone
(`REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]` is `Undeclared`), and the authorization
matrix (`tests/authorization.py`, run per app) walks every URL pattern and fails on a view that
declares nothing, so a new endpoint is covered by the matrix the moment it is routed.

APIs (Django REST framework) declare a permission class::

    from tenants.access import (Public, TenantRole, TenantCapability, TenantStaff,
                                PlatformOperator, RegencyAdmin)
    from tenants.permissions import Capability   # roles -> capabilities: ROLE_CAPABILITIES

    class ComplaintListApi(APIView):
        permission_classes = [TenantRole(Role.OFFICER, Role.HEAD)]

    class MembersApi(APIView):
        # GET/HEAD/OPTIONS for any staff of the tenant, writes for its admins only
        permission_classes = [TenantRole(Role.TENANT_ADMIN, read=ALL_STAFF_ROLES)]

    permission_classes = [TenantStaff]        # any staff role in this tenant (or from above)
    permission_classes = [TenantCapability(Capability.WORK_COMPLAINT,
                                           read=[Capability.VIEW_ALL_COMPLAINTS])]
    permission_classes = [Public]             # anyone, signed in or not
    permission_classes = [PlatformOperator]   # platform (public schema) operator pages
    permission_classes = [RegencyAdmin]       # any regency admin (or the operator)

Pages declare a decorator (for a class-based view, decorate the result of `as_view()` in the
URLconf: `path("x/", tenant_staff_required(XView.as_view()))`)::

    @tenant_role_required(Role.TENANT_ADMIN, read=ALL_STAFF_ROLES)
    def members(request): ...

    @tenant_capability_required(Capability.MANAGE_TENANT)
    @tenant_staff_required
    @public_page
    @operator_required
    @regency_admin_required
    @signed_in_required     # only the sign-in steps themselves (two-factor page)

What happens (the same for pages and APIs):

- anonymous on a restricted view: pages redirect to the login page (with `next`), APIs answer
  403 `{"code": "not_authenticated"}`;
- signed in, but without one of the roles in THIS tenant (a user of any other tenant included):
  **404**, exactly as for a page that does not exist, and the view never runs, so nothing
  changes;
- signed in with a role that requires two-factor authentication (`TWO_FACTOR_ROLES`) but not
  verified in this session: pages redirect to the verification (or enrollment) page, APIs
  answer 403 `{"code": "auth.two_factor_required"}`;
- otherwise the view runs. Tenant roles come from `tenants.permissions.roles_in`, so a regency
  admin and the platform operator reach a tenant from above when the view lists their roles
  (`ALL_STAFF_ROLES` does).

A tenant-scope declaration on the platform's own host (the public schema) is always 404.
Object-level checks (is this complaint assigned to me?) stay in each app's `access_*` helpers;
a declaration only says who may reach the endpoint at all.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from tenants import permissions
from tenants.models import Role, Tenant

if TYPE_CHECKING:
    # Not at run time: DRF's settings import this module while rest_framework.views loads.
    from rest_framework.views import APIView

View = TypeVar("View", bound=Callable[..., Any])

# Everyone who may open a tenant's staff pages: its own staff and those above it.
ALL_STAFF_ROLES = frozenset({*permissions.STAFF_ROLES, Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR})
# Those who may administer a tenant (members, settings, SOP): see permissions.can_administer.
ADMIN_ROLES = frozenset({Role.TENANT_ADMIN, Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR})


class Scope(enum.StrEnum):
    PUBLIC = "public"  # anyone, anywhere
    SIGNED_IN = "signed_in"  # any signed-in user, before the two-factor step (its own pages)
    TENANT = "tenant"  # roles in the tenant of the request
    PLATFORM = "platform"  # platform-wide roles: operator, regency admin


class Decision(enum.Enum):
    ALLOW = "allow"
    LOGIN = "login"  # anonymous: sign in first
    NOT_FOUND = "not_found"  # signed in without the role: indistinguishable from missing
    TWO_FACTOR = "two_factor"  # has the role, but the session has not passed the OTP step


@dataclass(frozen=True)
class Access:
    """Who may reach a view. `roles` may use unsafe methods (POST, PATCH, DELETE, ...);
    `read_roles` may use the safe ones (GET, HEAD, OPTIONS) and always include `roles`."""

    scope: Scope
    roles: frozenset[str] = frozenset()
    read_roles: frozenset[str] = frozenset()

    @classmethod
    def public(cls) -> Access:
        return cls(Scope.PUBLIC)

    @classmethod
    def signed_in(cls) -> Access:
        return cls(Scope.SIGNED_IN)

    @classmethod
    def tenant(cls, *roles: str, read: Iterable[str] = ()) -> Access:
        if not roles:
            raise ValueError("a tenant access declaration needs at least one role")
        return cls(Scope.TENANT, frozenset(roles), frozenset(roles) | frozenset(read))

    @classmethod
    def platform(cls, *roles: str) -> Access:
        allowed = frozenset(roles) - {Role.PLATFORM_OPERATOR, Role.REGENCY_ADMIN}
        if not roles or allowed:
            raise ValueError("platform access takes PLATFORM_OPERATOR and/or REGENCY_ADMIN")
        return cls(Scope.PLATFORM, frozenset(roles), frozenset(roles))

    @property
    def is_public(self) -> bool:
        return self.scope is Scope.PUBLIC

    def roles_for(self, method: str) -> frozenset[str]:
        return self.read_roles if method.upper() in SAFE_METHODS else self.roles

    def held_roles(self, request: HttpRequest) -> frozenset[str]:
        """The roles of the request's user that count for this declaration."""
        user = request.user
        if not user.is_authenticated:
            return frozenset()
        if self.scope is Scope.TENANT:
            tenant: Tenant | None = getattr(request, "tenant", None)
            if tenant is None or tenant.schema_name == get_public_schema_name():
                return frozenset()
            return _cached_roles(request, tenant)
        held: set[str] = set()
        if permissions.is_platform_operator(user):
            held.add(Role.PLATFORM_OPERATOR)
        if permissions.is_regency_admin(user):
            held.add(Role.REGENCY_ADMIN)
        return frozenset(held)

    def decide(self, request: HttpRequest) -> Decision:
        if self.is_public:
            return Decision.ALLOW
        if not request.user.is_authenticated:
            return Decision.LOGIN
        if self.scope is Scope.SIGNED_IN:
            return Decision.ALLOW
        if not self.held_roles(request) & self.roles_for(request.method or "GET"):
            return Decision.NOT_FOUND
        if two_factor_pending(request):
            return Decision.TWO_FACTOR
        return Decision.ALLOW


def _cached_roles(request: HttpRequest, tenant: Tenant) -> frozenset[str]:
    # Several checks in one request (the view's declaration, its template) read roles once.
    cache: dict[int, frozenset[str]] = request.__dict__.setdefault("_aduan_roles", {})
    if tenant.pk not in cache:
        cache[tenant.pk] = permissions.roles_in(request.user, tenant)
    return cache[tenant.pk]


def two_factor_pending(request: HttpRequest) -> bool:
    """Signed in, holding a role that requires two-factor authentication somewhere
    (permissions.TWO_FACTOR_ROLES), and this session has not passed the OTP step yet."""
    user = request.user
    if not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's OTPMiddleware
    if is_verified is not None and is_verified():
        return False
    cached: bool | None = request.__dict__.get("_aduan_two_factor_required")
    if cached is None:
        cached = permissions.requires_two_factor(user)
        request.__dict__["_aduan_two_factor_required"] = cached
    return cached


def two_factor_url(request: HttpRequest) -> str:
    return reverse("two-factor") + "?" + urlencode({"next": request.get_full_path()})


# --- APIs -------------------------------------------------------------------------------


class TwoFactorRequired(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = _("Verifikasi dua langkah diperlukan.")
    default_code = "auth.two_factor_required"


class DeclaredAccess(BasePermission):
    """The DRF side of a declaration; subclasses carry `access`."""

    access: ClassVar[Access]

    def has_permission(self, request: Request, view: APIView) -> bool:
        decision = self.access.decide(request)
        if decision is Decision.LOGIN:
            return False  # DRF answers "not authenticated"
        if decision is Decision.NOT_FOUND:
            raise exceptions.NotFound()
        if decision is Decision.TWO_FACTOR:
            raise TwoFactorRequired()
        return True


class Undeclared(BasePermission):
    """The default permission class: an API that declares nothing is closed to everyone."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return False


def TenantRole(*roles: str, read: Iterable[str] = ()) -> type[DeclaredAccess]:  # noqa: N802
    """A permission class for these tenant roles (and `read` roles for safe methods)."""
    access = Access.tenant(*roles, read=read)
    name = "TenantRole[" + ",".join(sorted(access.roles)) + "]"
    return cast(type[DeclaredAccess], type(name, (DeclaredAccess,), {"access": access}))


def TenantCapability(  # noqa: N802
    capability: permissions.Capability, *, read: Iterable[permissions.Capability] = ()
) -> type[DeclaredAccess]:
    """A permission class for the roles holding a capability (permissions.ROLE_CAPABILITIES),
    and for safe methods also those holding one of the `read` capabilities."""
    return TenantRole(*permissions.roles_with(capability), read=permissions.roles_with(*read))


class TenantStaff(DeclaredAccess):
    access = Access.tenant(*ALL_STAFF_ROLES)


class Public(DeclaredAccess):
    access = Access.public()


class PlatformOperator(DeclaredAccess):
    access = Access.platform(Role.PLATFORM_OPERATOR)


class RegencyAdmin(DeclaredAccess):
    access = Access.platform(Role.REGENCY_ADMIN, Role.PLATFORM_OPERATOR)


class SignedIn(DeclaredAccess):
    access = Access.signed_in()


# --- pages ------------------------------------------------------------------------------


def declare(access: Access) -> Callable[[View], View]:
    """Decorate a page view with an access declaration (the named decorators below)."""

    def decorate(view: View) -> View:
        if access.is_public:
            view.access = access  # type: ignore[attr-defined]
            return view

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            decision = access.decide(request)
            if decision is Decision.LOGIN:
                return redirect_to_login(request.get_full_path())
            if decision is Decision.NOT_FOUND:
                raise Http404
            if decision is Decision.TWO_FACTOR:
                return redirect(two_factor_url(request))
            response: HttpResponse = view(request, *args, **kwargs)
            return response

        guarded.access = access  # type: ignore[attr-defined]
        return cast(View, guarded)

    return decorate


def public_page(view: View) -> View:
    return declare(Access.public())(view)


def tenant_role_required(*roles: str, read: Iterable[str] = ()) -> Callable[[View], View]:
    return declare(Access.tenant(*roles, read=read))


def tenant_capability_required(
    capability: permissions.Capability, *, read: Iterable[permissions.Capability] = ()
) -> Callable[[View], View]:
    return declare(
        Access.tenant(*permissions.roles_with(capability), read=permissions.roles_with(*read))
    )


def tenant_staff_required(view: View) -> View:
    return declare(TenantStaff.access)(view)


def signed_in_required(view: View) -> View:
    """Any signed-in user, without the two-factor step: only for the sign-in steps themselves."""
    return declare(Access.signed_in())(view)


def operator_required(view: View) -> View:
    return declare(PlatformOperator.access)(view)


def regency_admin_required(view: View) -> View:
    return declare(RegencyAdmin.access)(view)


# --- reading declarations (the authorization matrix, documentation) -----------------------


def declared_access(callback: Callable[..., Any]) -> Access | None:
    """The declaration of a routed view: a decorator's, or the DRF permission class's."""
    found: Access | None = getattr(callback, "access", None)
    if found is not None:
        return found
    from rest_framework.views import APIView

    view_class = getattr(callback, "cls", None)
    if view_class is None or not issubclass(view_class, APIView):
        return None
    initkwargs: dict[str, Any] = getattr(callback, "initkwargs", {})
    classes = initkwargs.get("permission_classes", view_class.permission_classes)
    declared = [c.access for c in classes if isinstance(c, type) and issubclass(c, DeclaredAccess)]
    return declared[0] if len(declared) == 1 else None
