"""A village admin signs in, opens "Tagihan" from the staff menu, and sees this month's usage
against the plan's quotas, with the chart, and the invoice it can open."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from billing.actions.accounts import do_cover_tenant, do_create_account
from billing.actions.invoices import do_issue_invoice
from billing.actions.plans import do_create_plan, do_set_tax_rate
from billing.actions.usage import do_meter_usage, record_usage
from tenants.demo import do_create_demo_data
from tenants.models import Tenant, User
from tenants.permissions import requires_two_factor
from tests.browser.test_staff_navigation import VILLAGE, menu, sign_in
from tests.factories import TenantFactory

pytestmark = pytest.mark.browser


def test_a_village_admin_reaches_the_usage_page_by_the_menu(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given the demo village paying for itself on a plan of 300 messages, 7 of them used
    demo = do_create_demo_data()
    tenant_factory.created.extend(t.schema_name for t in demo)
    admin = User.objects.get(username="admin")
    if requires_two_factor(admin):
        TOTPDevice.objects.create(user=admin, name="ponsel", confirmed=True)
    village = Tenant.objects.get(slug=VILLAGE)
    do_create_plan(code="desa", name="Desa Dasar", monthly_price=150_000, features=["lapor"],
                   outbound_messages=300, actor=None)  # fmt: skip
    do_set_tax_rate(rate=Decimal("12"), base_numerator=11, base_denominator=12,
                    valid_from=date(2025, 1, 1), actor=None)  # fmt: skip
    account = do_create_account(name="Pemerintah Desa Kuripan Kidul", address="Jl. Desa 1",
                                npwp="001234567890100", holder=village, actor=None)  # fmt: skip
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 1, 1))  # fmt: skip
    for n in range(7):
        record_usage(key=f"outbox:{n}", tenant_id=village.pk, kind="outbound_messages",
                     quantity=1)  # fmt: skip
    do_meter_usage()
    invoice = do_issue_invoice(account=account, period=date(2026, 1, 1), actor=None)
    base = f"{live_server.url}/t/{VILLAGE}"
    # When the admin signs in and follows the menu
    sign_in(page, base, "admin")
    links = menu(page)
    assert "Tagihan" in links
    page.goto(live_server.url + links["Tagihan"] if links["Tagihan"].startswith("/") else
              links["Tagihan"])  # fmt: skip
    # Then the usage of this period against the quota, drawn as a chart
    rows = page.locator("#usage tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("7" in t and "300" in t and "WhatsApp/SMS" in t for t in texts), texts
    assert page.locator("#usage-chart svg[role=img]").count() == 1
    # And the invoice opens, with its PDF link
    page.get_by_role("link", name=invoice.number).click()
    assert page.locator("#totals").inner_text().count(str(invoice.total)) == 1
    assert page.get_by_role("link", name="Unduh PDF").count() == 1
