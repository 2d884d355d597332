"""Reads of the tenants app."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from aduan.db import RowReader, fetch
from aduan.errors import NotFoundError
from tenants import permissions
from tenants.actions.onboarding import is_kelurahan
from tenants.models import (
    DeskRequest,
    Domain,
    Membership,
    Region,
    RegionLevel,
    Role,
    Tenant,
    TenantEvent,
    TenantKind,
    TenantStatus,
)
from tenants.permissions import AnyUser
from tenants.regions import REGION_ROWS, region_at

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


# --- Onboarding and lifecycle -------------------------------------------------------------


@dataclass(frozen=True)
class VillageMatch:
    """A village with the names people tell it apart by (28 villages are called Babakan)."""

    code: str
    name: str
    is_kelurahan: bool
    district: str
    regency: str
    province: str

    @property
    def label(self) -> str:
        kind = "Kel." if self.is_kelurahan else "Desa"
        return (
            f"{kind} {self.name} — Kec. {self.district} — {_short_regency(self.regency)}"
            f" — {self.province.title()}"
        )


def _short_regency(name: str) -> str:
    words = name.split(maxsplit=1)
    if len(words) == 2 and words[0].upper() == "KABUPATEN":
        return f"Kab. {words[1].title()}"
    return name.title()


def villages_matching(codes: Iterable[str]) -> list[VillageMatch]:
    """Villages by code, with their district, regency and province names (one query)."""
    codes = list(codes)
    ancestors = {c.rsplit(".", 1)[0] for c in codes}
    ancestors |= {c[:5] for c in codes} | {c[:2] for c in codes}
    regions = {r.code: r for r in Region.objects.filter(code__in=[*codes, *ancestors])}
    matches = []
    for code in codes:
        village = regions.get(code)
        if village is None:
            continue
        district = regions.get(code.rsplit(".", 1)[0])
        regency = regions.get(code[:5])
        province = regions.get(code[:2])
        matches.append(
            VillageMatch(
                code=code,
                name=village.name,
                is_kelurahan=is_kelurahan(village),
                district=district.name if district else "",
                regency=regency.name if regency else "",
                province=province.name if province else "",
            )
        )
    return matches


VILLAGE_SEARCH_MIN = 3
VILLAGE_SEARCH_LIMIT = 50


def search_villages(query: str, *, limit: int = VILLAGE_SEARCH_LIMIT) -> list[VillageMatch]:
    """Villages whose name contains the query, each with district, regency and province, so
    the 28 Babakans can be told apart. Bounded; a query under 3 letters finds nothing."""
    query = query.strip()
    if len(query) < VILLAGE_SEARCH_MIN:
        return []
    codes = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, name__icontains=query)
        .order_by("name", "code")
        .values_list("code", flat=True)[:limit]
    )
    return villages_matching(codes)


PLACE_SEARCH_REGENCIES = 5
PLACE_SEARCH_VILLAGES = 20


def search_places(query: str) -> list[tuple[str, str]]:
    """A citizen's place by name: regencies/cities, then villages with their district, regency
    and province (code, label); bounded, two queries at most per kind."""
    query = query.strip()
    if len(query) < VILLAGE_SEARCH_MIN:
        return []
    regencies = Region.objects.filter(level=RegionLevel.REGENCY, name__icontains=query).order_by(
        "name"
    )[:PLACE_SEARCH_REGENCIES]
    provinces = {
        r.code: r.name for r in Region.objects.filter(code__in=[r.code[:2] for r in regencies])
    }
    return [
        (r.code, f"{_short_regency(r.name)} — {provinces.get(r.code[:2], '').title()}")
        for r in regencies
    ] + [(v.code, v.label) for v in search_villages(query, limit=PLACE_SEARCH_VILLAGES)]


def place_label(code: str) -> str:
    """The label of a chosen place (a regency or a village), "" when unknown."""
    if len(code) > 5:
        found = villages_matching([code])
        return found[0].label if found else ""
    region = region_at(code, RegionLevel.REGENCY)
    return _short_regency(region.name) if region else ""


# The tenant of a request is read on every request: SQL written once (the ORM compiled this
# query with its join anew each time), its region in the same row.
_TENANTS = RowReader(Tenant)
_TENANT_WIDTH = len(Tenant._meta.concrete_fields)  # then the region's columns
_TENANT_SELECT = (
    f"SELECT {_TENANTS.columns('t')}, {REGION_ROWS.columns('r')}"  # noqa: S608 (our names)
    f" FROM {Tenant._meta.db_table} AS t"
)
_REGION_JOIN = f" LEFT JOIN {Region._meta.db_table} AS r ON r.code = t.region_id"
_TENANT_BY_SLUG = f"{_TENANT_SELECT}{_REGION_JOIN} WHERE t.slug = %s AND t.schema_name <> %s"
_TENANT_BY_SCHEMA = f"{_TENANT_SELECT}{_REGION_JOIN} WHERE t.schema_name = %s"
_TENANT_BY_DOMAIN = (
    f"{_TENANT_SELECT} JOIN {Domain._meta.db_table} AS d ON d.tenant_id = t.id{_REGION_JOIN}"
    " WHERE d.domain = %s"
)


def _tenant_of(row: Sequence[Any]) -> Tenant:
    tenant = _TENANTS.make(row[:_TENANT_WIDTH])
    if tenant.region_id is not None:
        tenant.region = REGION_ROWS.make(row[_TENANT_WIDTH:])
    return tenant


def _read_tenant(sql: str, params: list[str]) -> Tenant | None:
    rows = fetch(sql, params, public=True)
    return _tenant_of(rows[0]) if rows else None


def tenant_by_slug(slug: str) -> Tenant | None:
    """The tenant reached by the path prefix `/t/<slug>/` (never the platform's own row), with
    its region."""
    return _read_tenant(_TENANT_BY_SLUG, [slug, get_public_schema_name()])


def tenant_by_domain(hostname: str) -> Tenant | None:
    """The tenant (or the platform's own row) a host name reaches, with its region."""
    return _read_tenant(_TENANT_BY_DOMAIN, [hostname])


# The platform's own row is read by every request to its host (each front-door filing, the
# citizens' pages); `aduan migrate` (do_ensure_public_tenant) is its one writer and nothing
# edits it while the platform runs. Its values are kept per process, as the catalogue and the
# region codes are: a change is seen within PLATFORM_SECONDS. Each call makes a new instance
# from them (a caller may change its own). Never kept from inside a transaction: the row may
# be one that transaction made and will roll back.
PLATFORM_SECONDS = 300
_platform: TTLCache[str, tuple[Any, ...]] = TTLCache(1, PLATFORM_SECONDS)
_platform_lock = threading.Lock()


def platform_tenant() -> Tenant | None:
    """The platform's own row (the public schema's), as the hosts that name no tenant reach it."""
    with _platform_lock:
        row = _platform.get("row")
    if row is None:
        rows = fetch(_TENANT_BY_SCHEMA, [get_public_schema_name()], public=True)
        if not rows:
            return None
        row = rows[0]
        if not connection.in_atomic_block:
            with _platform_lock:
                _platform["row"] = row
    return _tenant_of(row)


def forget_platform() -> None:
    """Read the platform's row again on its next use (tests; after `aduan migrate` wrote it)."""
    with _platform_lock:
        _platform.clear()


def intake_tenant(tenant: Tenant) -> Tenant:
    """Where a citizen's new complaint to `tenant` goes: the tenant itself while it is
    active; its parent (the regency's PEMKAB) while it is suspended or archived and the
    parent is active; otherwise the tenant itself (the caller decides what to tell)."""
    if tenant.status == TenantStatus.ACTIVE or tenant.parent_id is None:
        return tenant
    parent = Tenant.objects.filter(pk=tenant.parent_id, status=TenantStatus.ACTIVE).first()
    return parent or tenant


def is_read_only(tenant: Tenant) -> bool:
    """Staff of a suspended or archived tenant may read but not write."""
    return tenant.schema_name != get_public_schema_name() and tenant.status in {
        TenantStatus.SUSPENDED,
        TenantStatus.ARCHIVED,
    }


def desk_request_by_public_id(public_id: str) -> DeskRequest | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    found: DeskRequest | None = (
        DeskRequest.objects.select_related("village", "tenant").filter(public_id=key).first()
    )
    return found


# The agencies page shows this many a page (the API pages by aduan.api.Pages).
AGENCIES_PER_PAGE = 25


def agencies_of(regency: Tenant) -> QuerySet[Tenant]:
    agencies: QuerySet[Tenant] = (
        Tenant.objects.filter(parent=regency)
        .select_related("region")
        .order_by("kind", "name", "pk")
    )
    return agencies


def tenant_events(tenant: Tenant, *, limit: int = 50) -> QuerySet[TenantEvent]:
    events: QuerySet[TenantEvent] = (
        TenantEvent.objects.filter(tenant=tenant)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
    return events


def access_regency(user: AnyUser, slug: str) -> Tenant:
    """A regency (PEMKAB tenant) the user administers; `NotFoundError` otherwise."""
    tenant = permissions.access_governed_tenant(user, slug)
    if tenant.kind != TenantKind.PEMKAB:
        raise NotFoundError("tenants.not_found", _("Tidak ditemukan."), {"slug": slug})
    return tenant


def may_decide(user: AnyUser, desk_request: DeskRequest) -> bool:
    """The regency admin of the village's regency, or a platform operator (who stands in
    while the regency is not on Aduan)."""
    if permissions.is_platform_operator(user):
        return True
    pemkab = Tenant.objects.filter(
        kind=TenantKind.PEMKAB, region_id=desk_request.village_id[:5]
    ).first()
    return pemkab is not None and permissions.has_role(user, pemkab, Role.REGENCY_ADMIN)


def access_desk_request(user: AnyUser, public_id: str) -> DeskRequest:
    """A desk request this user may verify; `NotFoundError` for missing and forbidden alike."""
    found = desk_request_by_public_id(public_id)
    if found is None or not may_decide(user, found):
        raise NotFoundError("tenants.not_found", _("Tidak ditemukan."), {"id": str(public_id)})
    return found


def desk_queue(user: AnyUser, *, status: str = "") -> QuerySet[DeskRequest]:
    """The requests this user verifies, pending first then newest."""
    requests = DeskRequest.objects.select_related("village", "tenant", "decided_by")
    if not permissions.is_platform_operator(user):
        regions = [
            code
            for code in permissions.governed_tenants(user)
            .filter(kind=TenantKind.PEMKAB)
            .values_list("region_id", flat=True)
            if code
        ]
        if not regions:
            return requests.none()
        where = Q()
        for code in regions:
            where |= Q(village__code__startswith=code + ".")
        requests = requests.filter(where)
    if status:
        requests = requests.filter(status=status)
    ordered: QuerySet[DeskRequest] = requests.order_by(
        Case(When(status="pending", then=0), default=1), "-created_at"
    )
    return ordered


def governed_list(user: AnyUser, *, query: str = "") -> QuerySet[Tenant]:
    """Tenants the user administers from above, searchable, by name: page it (a regency of
    400 villages lists them all, a page at a time)."""
    tenants = permissions.governed_tenants(user).select_related("region", "parent")
    if query:
        tenants = tenants.filter(Q(name__icontains=query) | Q(slug__icontains=query))
    listed: QuerySet[Tenant] = tenants.order_by("name", "pk")
    return listed
