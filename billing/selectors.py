"""Reads of billing: the usage of an account against its quotas, its invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from aduan.charts import Chart, Series
from billing import periods
from billing.actions.entitlements import coverage_on, storage_used
from billing.models import MB, Account, Coverage, Invoice, Plan, TaxRate, UsageCounter, UsageKind


@dataclass(frozen=True)
class UsageRow:
    tenant: str
    plan: str
    kind: str
    label: str
    used: int
    quota: int | None  # in the unit of `used` (storage: bytes)

    @property
    def over(self) -> bool:
        return self.quota is not None and self.used >= self.quota

    def _shown(self, value: int) -> str:
        if self.kind == UsageKind.STORAGE_BYTES:
            return f"{value / MB:.1f} MB".replace(".", ",")
        return str(value)

    @property
    def shown_used(self) -> str:
        return self._shown(self.used)

    @property
    def shown_quota(self) -> str:
        return "∞" if self.quota is None else self._shown(self.quota)


# The plan's quota of each metered kind (storage: MB on the plan, bytes metered).
QUOTAS = {
    UsageKind.OUTBOUND_MESSAGES: ("outbound_messages", 1),
    UsageKind.SEATS: ("seats", 1),
    UsageKind.STORAGE_BYTES: ("storage_mb", MB),
}


def account_tenants(account: Account, day: date) -> list[Coverage]:
    covered = []
    seen: set[int] = set()
    for coverage in (
        Coverage.objects.filter(account=account, starts_on__lte=day)
        .select_related("tenant", "plan")
        .order_by("tenant__name", "-starts_on")
    ):
        if coverage.tenant_id in seen or (coverage.ends_on and coverage.ends_on <= day):
            continue
        seen.add(coverage.tenant_id)
        covered.append(coverage)
    return covered


def usage(account: Account, period: date | None = None) -> list[UsageRow]:
    """Each covered tenant's usage this period against its plan's quotas (three queries)."""
    period = period or periods.month_start(periods.today())
    today = periods.today()
    coverages = account_tenants(account, today if period == periods.month_start(today) else period)
    counters = {
        (c.tenant_id, c.kind): c.quantity
        for c in UsageCounter.objects.filter(
            tenant_id__in=[c.tenant_id for c in coverages], period=period
        )
    }
    stored = storage_used([c.tenant_id for c in coverages], period)
    rows = []
    for coverage in coverages:
        for kind, (field, unit) in QUOTAS.items():
            quota = getattr(coverage.plan, field)
            used = (
                stored.get(coverage.tenant_id, 0)
                if kind == UsageKind.STORAGE_BYTES
                else counters.get((coverage.tenant_id, str(kind)), 0)
            )
            rows.append(
                UsageRow(
                    coverage.tenant.name,
                    coverage.plan.name,
                    str(kind),
                    str(kind.label),
                    used,
                    None if quota is None else quota * unit,
                )
            )
    return rows


def usage_chart(
    account: Account, rows: list[UsageRow], title: str, used: str, quota: str,
    kind: str = UsageKind.OUTBOUND_MESSAGES,
) -> Chart:  # fmt: skip
    """One kind's use against its quota per tenant (storage in MB)."""
    chosen = [r for r in rows if r.kind == kind]
    unit = MB if kind == UsageKind.STORAGE_BYTES else 1
    return Chart(
        title=title,
        labels=tuple(r.tenant for r in chosen),
        series=(
            Series(used, tuple(r.used / unit for r in chosen)),
            Series(quota, tuple((r.quota or 0) / unit for r in chosen)),
        ),
    )


def invoices(account: Account) -> QuerySet[Invoice]:
    """Newest first, each with `credited`: the sum of its credit notes (0 when none)."""
    return (
        Invoice.objects.filter(account=account)
        .annotate(credited=Coalesce(Sum("credit_notes__amount"), 0))
        .order_by("-period")
    )


def plans() -> QuerySet[Plan]:
    return Plan.objects.order_by("monthly_price", "code")


def accounts() -> QuerySet[Account]:
    return Account.objects.select_related("holder").order_by("name")


def covering_account(tenant_id: int) -> Account | None:
    coverage = coverage_on(tenant_id, periods.today())
    return coverage.account if coverage else None


def tax_rates() -> QuerySet[TaxRate]:
    return TaxRate.objects.order_by("-valid_from")
