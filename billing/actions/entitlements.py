"""Writing what a tenant may use onto its row (`Tenant.entitlements`, read by
tenants.entitlements): from its plan in force, the quotas it used up and its account's
standing. The only writer of that field."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q

from billing import periods
from billing.models import MB, AccountStatus, Coverage, UsageCounter, UsageKind
from tenants.models import Tenant


def coverage_on(tenant_id: int, day: date) -> Coverage | None:
    return coverages_on([tenant_id], day).get(tenant_id)


def storage_used(tenant_ids: list[int], period: date) -> dict[int, int]:
    """Bytes stored by each tenant at `period` (a month's first day): its latest storage
    counter up to that month (a month without a file stored or freed writes none). One
    query for any number of tenants."""
    found = (
        UsageCounter.objects.filter(
            tenant_id__in=tenant_ids, kind=UsageKind.STORAGE_BYTES, period__lte=period
        )
        .order_by("tenant_id", "-period")
        .distinct("tenant_id")
        .values_list("tenant_id", "quantity")
    )
    return dict(found)


def coverages_on(tenant_ids: list[int], day: date) -> dict[int, Coverage]:
    """The coverage in force on `day` of each of these tenants (one query)."""
    found = (
        Coverage.objects.filter(tenant_id__in=tenant_ids, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        .select_related("plan", "account")
        .order_by("tenant_id", "-starts_on")
        .distinct("tenant_id")
    )
    return {coverage.tenant_id: coverage for coverage in found}


def _grant(
    tenant: Tenant, coverage: Coverage | None, used: dict[str, int]
) -> dict[str, Any] | None:
    if coverage is None:
        return tenant.entitlements  # nothing in force: keep what there is
    plan = coverage.plan
    quotas = {
        name: getattr(plan, name)
        for name in ("seats", "storage_mb", "outbound_messages")
        if getattr(plan, name) is not None
    }
    previous = tenant.entitlements or {}
    features = sorted(plan.features)
    # A feature the new plan drops keeps serving what it already holds (no case is cut off
    # mid-way); one never granted stays off.
    was = set(previous.get("features", ())) | set(previous.get("winding_down", ()))
    return {
        "plan": plan.code,
        "features": features,
        "winding_down": sorted(was - set(features)),
        "quotas": quotas,
        "exhausted": sorted(k for k, limit in quotas.items() if used.get(k, 0) >= limit),
        "read_only": coverage.account.status == AccountStatus.READ_ONLY,
    }


def grant_for(tenant: Tenant, day: date) -> dict[str, Any] | None:
    return _grants([tenant], day)[tenant.pk]


def _grants(tenants: list[Tenant], day: date) -> dict[int, dict[str, Any] | None]:
    """What each of these tenants may use on `day`: three queries for any number of them."""
    ids = [t.pk for t in tenants]
    period = periods.month_start(day)
    coverages = coverages_on(ids, day)
    used: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for tenant_id, kind, quantity in UsageCounter.objects.filter(
        tenant_id__in=ids, period=period
    ).values_list("tenant_id", "kind", "quantity"):
        used[tenant_id][kind] = quantity
    # Storage is metered in bytes; the plan's quota is in MB (a started MB counts).
    for tenant_id, stored in storage_used(ids, period).items():
        used[tenant_id]["storage_mb"] = -(-stored // MB)
    return {t.pk: _grant(t, coverages.get(t.pk), used[t.pk]) for t in tenants}


CHUNK = 1000


def refresh_entitlements(tenant_ids: Iterable[int], *, day: date | None = None) -> list[Tenant]:
    """Rewrite the entitlements of these tenants; returns those whose outbound quota just ran
    out (their admins are warned). Reads in chunks (four queries per CHUNK tenants); writes
    only the rows that change."""
    day = day or periods.today()
    newly_exhausted = []
    ids = sorted(set(tenant_ids))
    for start in range(0, len(ids), CHUNK):
        tenants = list(Tenant.objects.filter(pk__in=ids[start : start + CHUNK]))
        grants = _grants(tenants, day)
        for tenant in tenants:
            grant = grants[tenant.pk]
            if grant == tenant.entitlements:
                continue
            before = set((tenant.entitlements or {}).get("exhausted", ()))
            after = set((grant or {}).get("exhausted", ()))
            if "outbound_messages" in after - before:
                newly_exhausted.append(tenant)
            Tenant.objects.filter(pk=tenant.pk).update(entitlements=grant)
            tenant.entitlements = grant
    return newly_exhausted
