"""Reading what a tenant may use: the features and quotas billing writes onto the tenant row
(`Tenant.entitlements`). Features ask here, never billing (no app imports billing).

The row's shape (billing.actions.entitlements writes it):
`{"features": [...], "winding_down": [...], "quotas": {"seats": n, "storage_mb": n,
"outbound_messages": n}, "exhausted": ["outbound_messages", ...], "read_only": bool}`.
`None` (the embedded default, billing not configured): every feature, no quota.
Nothing here queries: the tenant row is already loaded with the request or the job."""

from __future__ import annotations

from typing import Any

from tenants.models import Tenant

# The features a plan may grant (billing.models.Feature names them for the operator).
WBS = "wbs"
LAPOR = "lapor"
CUSTOM_DOMAIN = "custom_domain"
FEATURES = (WBS, LAPOR, CUSTOM_DOMAIN)

OUTBOUND_MESSAGES = "outbound_messages"
SEATS = "seats"
STORAGE_MB = "storage_mb"
QUOTAS = (SEATS, STORAGE_MB, OUTBOUND_MESSAGES)


def _grant(tenant: Tenant) -> dict[str, Any] | None:
    grant = tenant.entitlements
    return grant if isinstance(grant, dict) else None


def has_feature(tenant: Tenant, feature: str, *, in_use: bool = False) -> bool:
    """May `tenant` use `feature`? `in_use`: for what already exists (a WBS report already
    filed, a connector with open cases): a feature the plan dropped still serves it, so
    nothing in use is switched off mid-case."""
    grant = _grant(tenant)
    if grant is None:
        return True
    if feature in grant.get("features", ()):
        return True
    return in_use and feature in grant.get("winding_down", ())


def quota(tenant: Tenant, name: str) -> int | None:
    """The tenant's monthly quota `name`, or None for no limit."""
    grant = _grant(tenant)
    if grant is None:
        return None
    value = grant.get("quotas", {}).get(name)
    return value if isinstance(value, int) else None


def exhausted(tenant: Tenant, name: str) -> bool:
    """Is quota `name` used up this period (as last counted by billing's metering job)?"""
    grant = _grant(tenant)
    return grant is not None and name in grant.get("exhausted", ())


def read_only(tenant: Tenant) -> bool:
    """Staff may read but not write (a missed payment past its grace period). Citizens and
    the complaint's own path (intake, routing, forwarding, SLA reminders) never stop."""
    grant = _grant(tenant)
    return bool(grant and grant.get("read_only"))
