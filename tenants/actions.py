"""Write paths of the tenants app. Each `do_<verb>_<noun>` is the only code that does its job."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from routing import directory
from tenants import provisioning
from tenants.errors import TenantError, TenantErrorCode
from tenants.models import Domain, Region, Tenant, TenantKind

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Leaves room for the "t_" schema prefix within PostgreSQL's 63-byte identifiers.
SLUG_MAX = 60


def tenant_host(slug: str) -> str:
    return f"{slug}.{settings.BASE_DOMAIN}"


def do_create_tenant(
    *,
    slug: str,
    name: str,
    kind: TenantKind | str,
    region_code: str | None,
    parent: Tenant | None = None,
) -> Tenant:
    """Create a tenant, its domain and its schema in one transaction."""
    if not SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise TenantError(
            TenantErrorCode.INVALID_SLUG,
            _("Slug hanya boleh huruf kecil, angka dan tanda hubung (maks. %(max)s).")
            % {"max": SLUG_MAX},
            {"field": "slug", "value": slug},
        )
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise TenantError(
                TenantErrorCode.UNKNOWN_REGION,
                _("Kode wilayah %(code)s tidak dikenal.") % {"code": region_code},
                {"field": "region_code", "value": region_code},
            )
    template = provisioning.ensure_template()
    with transaction.atomic():
        if Tenant.objects.filter(slug=slug).exists():
            raise TenantError(
                TenantErrorCode.DUPLICATE_SLUG,
                _("Slug %(slug)s sudah dipakai.") % {"slug": slug},
                {"field": "slug", "value": slug},
            )
        tenant: Tenant = Tenant.objects.create(
            schema_name=provisioning.schema_name_for(slug),
            slug=slug,
            name=name,
            kind=kind,
            region=region,
            parent=parent,
        )
        Domain.objects.create(domain=tenant_host(slug), tenant=tenant, is_primary=True)
        provisioning.provision(tenant, template)
        directory.declare_defaults(tenant)
    return tenant


def do_ensure_public_tenant() -> Tenant:
    """The public schema's row: the platform itself, reached on the bare base domain."""
    tenant: Tenant
    tenant, _created = Tenant.objects.get_or_create(
        schema_name="public",
        defaults={"slug": "platform", "name": "Aduan", "kind": TenantKind.PLATFORM},
    )
    Domain.objects.get_or_create(
        domain=settings.BASE_DOMAIN, defaults={"tenant": tenant, "is_primary": True}
    )
    return tenant


# Members and invitations have their own module; tenants.actions is where callers find them.
from tenants.members import (  # noqa: E402
    do_accept_invitation,
    do_grant_role,
    do_invite_member,
    do_revoke_invitation,
    do_revoke_role,
)

__all__ = [
    "do_accept_invitation",
    "do_create_tenant",
    "do_ensure_public_tenant",
    "do_grant_role",
    "do_invite_member",
    "do_revoke_invitation",
    "do_revoke_role",
    "tenant_host",
]
