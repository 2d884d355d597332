"""Reads of the tenants app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django_tenants.utils import get_public_schema_name

from tenants.models import Membership, Region, Tenant, TenantStatus

DIRECTORY_LIMIT = 50


def directory(*, query: str = "") -> QuerySet[Tenant]:
    """Active tenants for the front door, searchable by name or region; bounded, because a
    deployment holds thousands."""
    tenants = (
        Tenant.objects.select_related("region")
        .exclude(schema_name=get_public_schema_name())
        .filter(status=TenantStatus.ACTIVE)
    )
    if query:
        tenants = tenants.filter(Q(name__icontains=query) | Q(region__name__icontains=query))
    bounded: QuerySet[Tenant] = tenants.order_by("name")[:DIRECTORY_LIMIT]
    return bounded


def region_path(region: Region | None) -> list[Region]:
    """The region and its ancestors, village first: Babakan, Kecamatan, Kabupaten, Provinsi."""
    if region is None:
        return []
    codes = [region.code[: len(p)] for p in _prefix_lengths(region.code)]
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in reversed(codes) if c in found]


def _prefix_lengths(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def roles_of(user: AbstractBaseUser | AnonymousUser, tenant: Tenant) -> list[str]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user_id=user.pk, tenant=tenant).values_list("role", flat=True)
    )


def tenant_url(tenant: Tenant) -> str:
    """The path-prefix URL, which works on any host without DNS."""
    return f"/{settings.TENANT_PATH_PREFIX}/{tenant.slug}/"
