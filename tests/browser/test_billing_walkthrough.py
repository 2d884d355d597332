"""Issue 21 end to end, by links from the first page after sign-in: the operator opens
"Akun tagihan", creates the village's account, covers it on a plan, issues its invoice,
opens it and issues a credit note; the village admin then opens "Tagihan" from the menu,
sees storage against its quota, opens the invoice and finds the credit note and its PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from billing.actions.plans import do_create_plan, do_set_tax_rate
from billing.models import CreditNote, Invoice
from tenants.demo import do_create_demo_data
from tenants.models import User
from tenants.permissions import requires_two_factor
from tests.browser.test_staff_navigation import VILLAGE, sign_in
from tests.factories import TenantFactory

pytestmark = pytest.mark.browser


def _menu_click(page: Any, label: str) -> None:
    page.locator("#staff-nav").get_by_role("link", name=label, exact=True).click()


def test_the_operator_and_the_account_holder_walk_billing_from_sign_in(
    page: Any, live_server: Any, tenant_factory: TenantFactory
) -> None:
    # Given the demo (an operator, the village's admin) and a plan and a PPN rate in force
    demo = do_create_demo_data()
    tenant_factory.created.extend(t.schema_name for t in demo)
    for username in ("operator", "admin"):
        user = User.objects.get(username=username)
        if requires_two_factor(user):
            TOTPDevice.objects.get_or_create(user=user, name="ponsel", confirmed=True)
    do_create_plan(code="desa", name="Desa Dasar", monthly_price=150_000, features=["lapor"],
                   outbound_messages=300, storage_mb=100, seats=10, actor=None)  # fmt: skip
    do_set_tax_rate(rate=Decimal("12"), base_numerator=11, base_denominator=12,
                    valid_from=date(2025, 1, 1), actor=None)  # fmt: skip
    # When the operator signs in and opens "Akun tagihan" from the menu
    sign_in(page, live_server.url, "operator")
    _menu_click(page, "Akun tagihan")
    # and creates the village's account with the form
    form = page.locator("#account-form")
    form.get_by_label("Nama sesuai NPWP").fill("Pemerintah Desa Kuripan Kidul")
    form.get_by_label("Alamat").fill("Jl. Raya Kuripan 1, Cilacap")
    form.get_by_label("NPWP", exact=True).fill("00.123.456.7-890.100")
    form.get_by_label("Surel tagihan").fill("bendahara@kuripankidul.example")
    form.get_by_label("Instansi pemegang akun (slug)").fill(VILLAGE)
    form.get_by_role("button").click()
    # then opens it from the list, covers the village and issues this month's invoice
    page.get_by_role("link", name="Pemerintah Desa Kuripan Kidul").click()
    cover = page.locator("#cover-form")
    cover.get_by_label("Instansi (slug)").fill(VILLAGE)
    cover.get_by_label("Kode paket").fill("desa")
    cover.get_by_role("button").click()
    issue = page.locator("#issue-form")
    issue.get_by_label("Periode (tanggal 1)").fill(timezone.localdate().replace(day=1).isoformat())
    issue.get_by_role("button").click()
    invoice = Invoice.objects.get()
    # and opens the invoice by its link and issues a credit note: a negative amount first
    page.get_by_role("link", name=invoice.number).click()
    note_form = page.locator("#credit-note-form")
    note_form.locator("[name=amount]").fill("-1000")
    note_form.locator("[name=reason]").fill("Koreksi")
    note_form.get_by_role("button").click()
    assert "Jumlah harus lebih dari nol." in page.locator("#credit-note-form").inner_text()
    assert not CreditNote.objects.exists()
    note_form = page.locator("#credit-note-form")
    note_form.locator("[name=amount]").fill("10000")
    note_form.locator("[name=reason]").fill("Potongan masa uji coba")
    note_form.get_by_role("button").click()
    # Then the note is listed on the invoice, which is unchanged
    note = CreditNote.objects.get()
    assert note.number in page.locator("#credit-notes").inner_text()
    assert Invoice.objects.get().total == invoice.total
    # When the village admin signs in and opens "Tagihan" from the menu
    sign_in(page, f"{live_server.url}/t/{VILLAGE}", "admin")
    _menu_click(page, "Tagihan")
    # Then this period's usage shows storage and seats against the plan's quotas
    usage = page.locator("#usage").inner_text()
    assert "Penyimpanan berkas" in usage and "100,0 MB" in usage
    assert "Kursi petugas aktif" in usage
    assert page.locator("#over-quota").count() == 1
    # and the invoice opens, with the credit note next to it and its PDF
    page.get_by_role("link", name=invoice.number).click()
    assert "Potongan masa uji coba" in page.locator("#credit-notes").inner_text()
    with page.expect_response(lambda r: r.url.endswith("/pdf/")) as pdf:
        page.evaluate(
            "href => fetch(href)",
            page.get_by_role("link", name=note.number).get_attribute("href"),
        )
    assert pdf.value.status == 200
    assert pdf.value.headers["content-type"] == "application/pdf"
