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
    return (
        Coverage.objects.filter(tenant_id=tenant_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
        .select_related("plan", "account")
        .order_by("-starts_on")
        .first()
    )


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


def grant_for(tenant: Tenant, day: date) -> dict[str, Any] | None:
    coverage = coverage_on(tenant.pk, day)
    if coverage is None:
        return tenant.entitlements  # nothing in force: keep what there is
    plan = coverage.plan
    quotas = {
        name: getattr(plan, name)
        for name in ("seats", "storage_mb", "outbound_messages")
        if getattr(plan, name) is not None
    }
    used = dict(
        UsageCounter.objects.filter(
            tenant_id=tenant.pk, period=periods.month_start(day)
        ).values_list("kind", "quantity")
    )
    # Storage is metered in bytes; the plan's quota is in MB.
    used["storage_mb"] = -(-storage_used([tenant.pk], periods.month_start(day)).get(tenant.pk, 0)
                           // MB)  # fmt: skip
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


def refresh_entitlements(tenant_ids: Iterable[int], *, day: date | None = None) -> list[Tenant]:
    """Rewrite the entitlements of these tenants; returns those whose outbound quota just ran
    out (their admins are warned). Writes only the rows that change."""
    day = day or periods.today()
    newly_exhausted = []
    for tenant in Tenant.objects.filter(pk__in=list(tenant_ids)):
        grant = grant_for(tenant, day)
        if grant == tenant.entitlements:
            continue
        before = set((tenant.entitlements or {}).get("exhausted", ()))
        after = set((grant or {}).get("exhausted", ()))
        if "outbound_messages" in after - before:
            newly_exhausted.append(tenant)
        Tenant.objects.filter(pk=tenant.pk).update(entitlements=grant)
        tenant.entitlements = grant
    return newly_exhausted
