"""Reads of billing: the usage of an account against its quotas, its invoices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from aduan.charts import Chart, Series
from billing import periods
from billing.actions.entitlements import coverage_on
from billing.models import Account, Coverage, Invoice, Plan, TaxRate, UsageCounter, UsageKind


@dataclass(frozen=True)
class UsageRow:
    tenant: str
    plan: str
    kind: str
    label: str
    used: int
    quota: int | None


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
    """Each covered tenant's usage this period against its plan's quotas (two queries)."""
    period = period or periods.month_start(periods.today())
    today = periods.today()
    coverages = account_tenants(account, today if period == periods.month_start(today) else period)
    counters = {
        (c.tenant_id, c.kind): c.quantity
        for c in UsageCounter.objects.filter(
            tenant_id__in=[c.tenant_id for c in coverages], period=period
        )
    }
    rows = []
    for coverage in coverages:
        for kind in UsageKind:
            rows.append(
                UsageRow(
                    coverage.tenant.name,
                    coverage.plan.name,
                    str(kind),
                    str(kind.label),
                    counters.get((coverage.tenant_id, str(kind)), 0),
                    getattr(coverage.plan, str(kind)),
                )
            )
    return rows


def usage_chart(account: Account, rows: list[UsageRow], title: str, used: str, quota: str) -> Chart:
    messages = [r for r in rows if r.kind == UsageKind.OUTBOUND_MESSAGES]
    return Chart(
        title=title,
        labels=tuple(r.tenant for r in messages),
        series=(
            Series(used, tuple(float(r.used) for r in messages)),
            Series(quota, tuple(float(r.quota or 0) for r in messages)),
        ),
    )


def invoices(account: Account) -> QuerySet[Invoice]:
    return Invoice.objects.filter(account=account).order_by("-period")


def plans() -> QuerySet[Plan]:
    return Plan.objects.order_by("monthly_price", "code")


def accounts() -> QuerySet[Account]:
    return Account.objects.select_related("holder").order_by("name")


def covering_account(tenant_id: int) -> Account | None:
    coverage = coverage_on(tenant_id, periods.today())
    return coverage.account if coverage else None


def tax_rates() -> QuerySet[TaxRate]:
    return TaxRate.objects.order_by("-valid_from")
