"""The authority directory (public schema): the category catalogue, and what each tenant
declares it handles (categories), where (coverage: a region-code prefix) and who is above it.

Defaults per tenant kind, made when a tenant is created (and for tenants made before the
directory existed, by `ensure_directory`, which every `aduan migrate` runs):
- PEMDES: the village-level categories, covering its village;
- DISDUKCAPIL: the civil-registry categories, covering its regency;
- OPD: the categories whose agency hint is in its name (a "Dinas Pekerjaan Umum dan Penataan
  Ruang" gets roads and bridges), covering its regency;
- PEMKAB: the regional-government categories, covering its regency (it is also where the
  router sends what no one below declares: up the hierarchy);
- PROVINSI: the province-level categories, covering its province;
- KL (ministries and agencies): nothing by default.
A regency admin adjusts the declarations of its own tenants
(routing.actions.directory.do_update_authority).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django_tenants.utils import get_public_schema_name

from routing.models import Authority, Category, CategoryLevel
from routing.selectors import catalogue, forget_catalogue
from tenants.models import Region, RegionLevel, Tenant, TenantKind, TenantStatus

CATALOGUE = Path(__file__).resolve().parent / "data" / "categories.json"


def catalogue_rows(source: Path = CATALOGUE) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(source.read_text(encoding="utf-8"))["categories"]
    for row in rows:
        row.setdefault("questions", [])
    return rows


CATALOGUE_FIELDS = ("topic", "name", "level", "agency", "agency_hints", "keywords", "questions")


def load_catalogue(source: Path = CATALOGUE) -> int:
    """Insert or update the categories of the catalogue that differ from the file (one read
    when none does); safe to repeat. Returns how many were written."""
    rows = catalogue_rows(source)
    stored = {c["key"]: c for c in Category.objects.values("key", *CATALOGUE_FIELDS)}
    changed = [
        row
        for row in rows
        if stored.get(row["key"]) != {"key": row["key"], **{f: row[f] for f in CATALOGUE_FIELDS}}
    ]
    if not changed:
        return 0
    with transaction.atomic():
        for row in changed:
            Category.objects.update_or_create(
                key=row["key"], defaults={f: row[f] for f in CATALOGUE_FIELDS}
            )
    forget_catalogue()
    return len(changed)


def ensure_catalogue() -> None:
    """The catalogue loaded if it is empty; read through the process's copy
    (routing.selectors.catalogue, which load_catalogue forgets)."""
    if not catalogue():
        load_catalogue()


def default_category_keys(tenant: Tenant, categories: Iterable[Category]) -> list[str]:
    """Which catalogue categories a tenant of this kind (and name) handles by default."""
    name = tenant.name.lower()
    keys = []
    for category in categories:
        if tenant.kind == TenantKind.PEMDES:
            wanted = category.level == CategoryLevel.VILLAGE
        elif tenant.kind == TenantKind.DISDUKCAPIL:
            wanted = category.agency == "disdukcapil"
        elif tenant.kind == TenantKind.PEMKAB:
            wanted = category.agency == "pemkab"
        elif tenant.kind == TenantKind.PROVINSI:
            wanted = category.level == CategoryLevel.PROVINCE
        elif tenant.kind == TenantKind.OPD:
            wanted = category.level == CategoryLevel.REGENCY and any(
                hint in name for hint in category.agency_hints
            )
        else:
            # An inspectorate (INSPEKTORAT) takes no ordinary complaint: only WBS reports
            # handed to it (inspectorate_for), never through the router.
            wanted = False
        if wanted:
            keys.append(category.key)
    return keys


def default_coverage(tenant: Tenant) -> str:
    """A village body covers its village; a regency body its regency; a province its province."""
    region: Region | None = tenant.region
    if region is None:
        return ""
    if tenant.kind == TenantKind.PEMDES:
        return region.code
    if tenant.kind == TenantKind.PROVINSI:
        return region.code[:2]
    if region.level == RegionLevel.PROVINCE:
        return region.code
    return region.code[:5]  # the regency of a regency-level body's region


def _higher_candidates(tenant: Tenant) -> list[tuple[str, str]]:
    """Where a tenant without a parent looks for its higher authority, in order: (kind, region
    code) of the regency's government, then of the province's."""
    region: Region | None = tenant.region
    if region is None:
        return []
    candidates = []
    if tenant.kind not in {TenantKind.PEMKAB, TenantKind.PROVINSI} and len(region.code) >= 5:
        candidates.append((str(TenantKind.PEMKAB), region.code[:5]))
    if tenant.kind != TenantKind.PROVINSI:
        candidates.append((str(TenantKind.PROVINSI), region.code[:2]))
    return candidates


def default_higher(tenant: Tenant) -> Tenant | None:
    """The parent when there is one; else the regency's government; else the province's."""
    if tenant.parent_id is not None:
        parent: Tenant | None = tenant.parent
        return parent
    for kind, code in _higher_candidates(tenant):
        found: Tenant | None = (
            Tenant.objects.filter(kind=kind, region_id=code)
            .exclude(pk=tenant.pk)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return None


def declare_defaults(tenant: Tenant, categories: list[Category] | None = None) -> Authority:
    """The tenant's declaration, made from the defaults of its kind when it has none yet (a
    writer's step: pages read `declarations`, which never writes)."""
    existing = Authority.objects.filter(tenant=tenant).first()
    if existing is not None:
        return existing
    return declare_new(tenant, categories)


def declare_new(tenant: Tenant, categories: list[Category] | None = None) -> Authority:
    """The declaration of a tenant that has none (onboarding's, in the transaction that made
    the tenant): its kind's defaults, written in two INSERTs."""
    if categories is None:
        ensure_catalogue()
        categories = list(catalogue())
    authority = Authority.objects.create(
        tenant=tenant, coverage_code=default_coverage(tenant), higher=default_higher(tenant)
    )
    wanted = set(default_category_keys(tenant, categories))
    # The authority is new, so there is nothing to compare with (what `set` would read first).
    Authority.categories.through.objects.bulk_create(
        Authority.categories.through(authority=authority, category=category)
        for category in categories
        if category.key in wanted
    )
    return authority


@dataclass(frozen=True)
class Declaration:
    """What a tenant declares: its stored declaration, or its kind's defaults (not stored)."""

    tenant: Tenant
    category_keys: list[str]
    coverage_code: str
    higher: Tenant | None
    is_customized: bool

    @classmethod
    def of(cls, authority: Authority) -> Declaration:
        return cls(
            tenant=authority.tenant,
            category_keys=sorted(c.key for c in authority.categories.all()),
            coverage_code=authority.coverage_code,
            higher=authority.higher,
            is_customized=authority.is_customized,
        )


def declarations(tenants: Sequence[Tenant]) -> list[Declaration]:
    """The declarations of these tenants (load them with their region and parent), in their
    order; a tenant without one shows its kind's defaults, computed in memory. A read: it
    never writes, and it runs at most four queries however many tenants are given (stored
    declarations, their categories, and for the undeclared the catalogue and the candidate
    higher authorities)."""
    if not tenants:
        return []
    stored = {
        a.tenant_id: a
        for a in Authority.objects.filter(tenant__in=[t.pk for t in tenants]).select_related(
            "higher"
        )
    }
    keys: dict[int, list[str]] = {pk: [] for pk in stored}
    if stored:
        chosen = Authority.categories.through.objects.filter(
            authority_id__in=[a.pk for a in stored.values()]
        ).values_list("authority__tenant_id", "category__key")
        for tenant_id, key in chosen.order_by("category__key"):
            keys[tenant_id].append(key)
    missing = [t for t in tenants if t.pk not in stored]
    every_category: list[Category] = list(Category.objects.all()) if missing else []
    wanted = {c for t in missing if t.parent_id is None for c in _higher_candidates(t)}
    higher_by_key: dict[tuple[str, str], list[Tenant]] = {}
    if wanted:
        where = Q()
        for kind, code in wanted:
            where |= Q(kind=kind, region_id=code)
        for found in Tenant.objects.filter(where).order_by("pk"):
            higher_by_key.setdefault((found.kind, found.region_id or ""), []).append(found)
    result = []
    for tenant in tenants:
        authority = stored.get(tenant.pk)
        if authority is not None:
            result.append(
                Declaration(
                    tenant=tenant,
                    category_keys=keys[tenant.pk],
                    coverage_code=authority.coverage_code,
                    higher=authority.higher,
                    is_customized=authority.is_customized,
                )
            )
            continue
        higher: Tenant | None = tenant.parent if tenant.parent_id is not None else None
        if tenant.parent_id is None:
            for candidate in _higher_candidates(tenant):
                others = [t for t in higher_by_key.get(candidate, []) if t.pk != tenant.pk]
                if others:
                    higher = others[0]
                    break
        result.append(
            Declaration(
                tenant=tenant,
                category_keys=sorted(default_category_keys(tenant, every_category)),
                coverage_code=default_coverage(tenant),
                higher=higher,
                is_customized=False,
            )
        )
    return result


@dataclass
class DirectoryReport:
    categories_written: int
    tenants_declared: int


def ensure_directory() -> DirectoryReport:
    """Part of every deploy (`aduan migrate`): bring the catalogue in line with the file and
    declare defaults for the tenants without a declaration (made before the directory
    existed, or by a path that skipped it). With nothing to do it costs two queries, however
    many tenants there are; the work is per changed category and per undeclared tenant only."""
    written = load_catalogue()
    missing = list(
        Tenant.objects.exclude(schema_name=get_public_schema_name())
        .filter(authority__isnull=True)
        .select_related("region", "parent")
        .order_by("pk")
    )
    if missing:
        categories = list(Category.objects.all())
        with transaction.atomic():
            for tenant in missing:
                declare_defaults(tenant, categories)
    return DirectoryReport(written, len(missing))


def inspectorate_for(tenant: Tenant) -> Tenant | None:
    """The regency's inspectorate (Inspektorat, the APIP) that covers this tenant for
    whistleblowing: an active INSPEKTORAT tenant whose declared coverage holds the tenant's
    region (its regency by default, default_coverage). None where it does not run Aduan."""
    region = tenant.region_id or ""
    if not region:
        return None
    prefixes = {region[:n] for n in (2, 5, len(region))}
    found = (
        Authority.objects.filter(
            tenant__kind=TenantKind.INSPEKTORAT,
            tenant__status=TenantStatus.ACTIVE,
            coverage_code__in=prefixes,
        )
        .exclude(tenant=tenant)
        .select_related("tenant")
        .order_by("-coverage_code", "tenant_id")
        .first()
    )
    return found.tenant if found is not None else None
