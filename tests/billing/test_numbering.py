"""Invoices are numbered without gaps per year, also when issued at the same moment on
several connections and when an issue rolls back after it took its number."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from billing.actions.accounts import do_cover_tenant, do_create_account
from billing.actions.invoices import do_issue_invoice
from billing.actions.plans import do_create_plan, do_set_tax_rate
from billing.models import Account, Invoice
from tests.factories import TenantFactory

ACCOUNTS = 6


class AbortError(Exception):
    pass


@pytest.mark.usefixtures("committed")
def test_concurrent_issues_get_gapless_numbers_and_a_rollback_gives_its_number_back(
    tenant_factory: TenantFactory,
) -> None:
    # Given six accounts, each covering one village, and a seventh issue that will roll back
    do_create_plan(code="desa", name="Desa", monthly_price=150_000, features=[], actor=None)
    do_set_tax_rate(rate=Decimal("12"), base_numerator=11, base_denominator=12,
                    valid_from=date(2025, 1, 1), actor=None)  # fmt: skip
    accounts: list[Account] = []
    for n in range(ACCOUNTS + 1):
        village = tenant_factory()
        account = do_create_account(name=f"Desa {n}", address="Jl. Desa", npwp="001234567890100",
                                    holder=village, actor=None)  # fmt: skip
        do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                        starts_on=date(2026, 1, 1))  # fmt: skip
        accounts.append(account)
    start = threading.Barrier(ACCOUNTS + 1)

    def issue(account: Account) -> str:
        try:
            start.wait()
            if account is accounts[-1]:
                with transaction.atomic():
                    do_issue_invoice(account=account, period=date(2026, 2, 1), actor=None)
                    raise AbortError
            return do_issue_invoice(account=account, period=date(2026, 2, 1), actor=None).number
        except AbortError:
            return ""
        finally:
            connection.close()

    # When all seven issue at the same moment, each on its own connection
    with ThreadPoolExecutor(max_workers=ACCOUNTS + 1) as pool:
        numbers = [n for n in pool.map(issue, accounts) if n]
    # Then the six stored invoices hold 1 to 6 of the year, no gap, no double
    year = timezone.localdate().year
    expected = [f"INV-{year}-{n:06d}" for n in range(1, ACCOUNTS + 1)]
    assert sorted(numbers) == expected
    assert sorted(Invoice.objects.values_list("number", flat=True)) == expected
    # And the next one continues the series
    assert do_issue_invoice(account=accounts[-1], period=date(2026, 2, 1), actor=None).number == (
        f"INV-{year}-{ACCOUNTS + 1:06d}"
    )
