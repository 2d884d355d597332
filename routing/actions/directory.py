"""The authority directory's one writer for a person: a regency admin (or the operator)
adjusts what a tenant declares it handles (the defaults are made by routing.directory)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from routing.directory import declare_defaults
from routing.models import Authority, Category, OwnDoor
from tenants.errors import TenantError, TenantErrorCode
from tenants.models import Region, Tenant, TenantKind


def do_update_authority(
    *,
    tenant: Tenant,
    category_keys: Sequence[str],
    coverage_code: str,
    higher_slug: str = "",
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Authority:
    """A regency admin (or the operator) adjusts a tenant's declaration. The caller has checked
    that the actor governs the tenant (tenants.permissions.access_governed_tenant)."""
    known = set(Category.objects.filter(key__in=category_keys).values_list("key", flat=True))
    unknown = sorted(set(category_keys) - known)
    if unknown:
        raise TenantError(
            TenantErrorCode.UNKNOWN_CATEGORY,
            _("Kategori tidak dikenal: %(keys)s.") % {"keys": ", ".join(unknown)},
            {"field": "categories", "value": unknown},
        )
    coverage_code = coverage_code.strip()
    region_code = tenant.region_id or ""
    # A body may only cover land inside its own regency (a province: its province).
    root = region_code[:2] if tenant.kind == TenantKind.PROVINSI else region_code[:5]
    if coverage_code and not (root and coverage_code.startswith(root)):
        raise TenantError(
            TenantErrorCode.COVERAGE_OUTSIDE,
            _("Wilayah %(code)s di luar wilayah instansi ini.") % {"code": coverage_code},
            {"field": "coverage_code", "value": coverage_code},
        )
    if coverage_code and not Region.objects.filter(code=coverage_code).exists():
        raise TenantError(
            TenantErrorCode.UNKNOWN_REGION,
            _("Kode wilayah %(code)s tidak dikenal.") % {"code": coverage_code},
            {"field": "coverage_code", "value": coverage_code},
        )
    higher = None
    if higher_slug:
        higher = (
            Tenant.objects.exclude(schema_name=get_public_schema_name())
            .exclude(pk=tenant.pk)
            .filter(slug=higher_slug)
            .first()
        )
        if higher is None:
            raise TenantError(
                TenantErrorCode.UNKNOWN_TENANT,
                _("Instansi %(slug)s tidak ditemukan.") % {"slug": higher_slug},
                {"field": "higher", "value": higher_slug},
            )
    with transaction.atomic():
        authority = declare_defaults(tenant)
        authority.coverage_code = coverage_code
        authority.higher = higher
        authority.is_customized = True
        authority.save()
        authority.categories.set(Category.objects.filter(key__in=known))
    return authority


def do_set_own_door(
    *, tenant: Tenant, own_door: str, actor: AbstractBaseUser | AnonymousUser | None
) -> Authority:
    """The tenant's admin says whether the router may hand over a complaint filed at the
    tenant's own door without asking (routing.selectors.own_door_policy)."""
    if own_door not in OwnDoor.values:
        raise TenantError(
            TenantErrorCode.INVALID_CHOICE,
            _("Pilihan tidak dikenal: %(value)s.") % {"value": own_door},
            {"field": "own_door", "value": own_door},
        )
    with transaction.atomic():
        authority = declare_defaults(tenant)
        authority.own_door = own_door
        authority.save(update_fields=["own_door", "updated_at"])
    return authority
