"""Issue 21: credit notes (nota kredit), page and API. The operator issues one against an
issued invoice with a reason; the account sees it next to the invoice, with its PDF; the
invoice is never edited; a negative or too large amount, or no reason, is a clear 4xx on
its field (Bahasa Indonesia, English) and stores nothing."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.forms.models import model_to_dict
from pypdf import PdfReader

from billing.actions.accounts import do_cover_tenant, do_create_account
from billing.actions.invoices import do_issue_invoice
from billing.actions.plans import do_create_plan, do_set_tax_rate
from billing.models import CreditNote, Invoice
from tenants.models import Role, Tenant, User
from tests.client import TenantClient
from tests.factories import TenantFactory, make_member, sign_in

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def operator(reference_data: object) -> User:
    return make_member(Tenant.objects.get(schema_name="public"), Role.PLATFORM_OPERATOR)


def _invoice(village: Tenant) -> Invoice:
    do_set_tax_rate(rate=Decimal("12"), base_numerator=11, base_denominator=12,
                    valid_from=date(2025, 1, 1), actor=None)  # fmt: skip
    do_create_plan(code="desa", name="Desa", monthly_price=150_000, features=[], actor=None)
    account = do_create_account(name="Pemerintah Desa Babakan", address="Jl. Desa 1",
                                npwp="001234567890100", holder=village, actor=None)  # fmt: skip
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    with time_machine.travel(datetime(2026, 11, 1, 9, tzinfo=JAKARTA), tick=False):
        return do_issue_invoice(account=account, period=date(2026, 10, 1), actor=None)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_operator_issues_credit_notes_and_the_account_sees_them_with_their_pdf(
    tenant_factory: TenantFactory, tenant_client: TenantClient, operator: User
) -> None:
    # Given an issued invoice of 166 500 and the operator on the account's page
    village = tenant_factory(slug="desa-kredit")
    invoice = _invoice(village)
    as_issued = model_to_dict(invoice)
    sign_in(tenant_client, operator)
    account_page = tenant_client.get(f"/billing/accounts/{invoice.account_id}/").content.decode()
    link = f'href="/billing/invoices/{invoice.pk}/"'
    assert link in account_page  # the invoice is reached by a link
    # When the operator issues a credit note on the invoice's page
    page = f"/billing/invoices/{invoice.pk}/"
    made = tenant_client.post(page, {"amount": "16500", "reason": "PPN salah tarif"})
    assert made.status_code == 302
    # and another through the API
    api = f"/api/v1/billing/invoices/{invoice.pk}/credit-notes/"
    created = tenant_client.post(api, {"amount": 50_000, "reason": "Diskon desa percontohan"},
                                 content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.json()
    # Then two notes, numbered gaplessly, and the invoice exactly as issued
    notes = list(CreditNote.objects.filter(invoice=invoice).order_by("pk"))
    assert [(n.number, n.amount, n.reason) for n in notes] == [
        ("CN-2026-000001", 16_500, "PPN salah tarif"),
        ("CN-2026-000002", 50_000, "Diskon desa percontohan"),
    ]
    assert created.json()["number"] == "CN-2026-000002"
    assert model_to_dict(Invoice.objects.get(pk=invoice.pk)) == as_issued
    listed = tenant_client.get(api).json()
    assert [n["number"] for n in listed] == ["CN-2026-000001", "CN-2026-000002"]
    shown = tenant_client.get(page).content.decode()
    assert "CN-2026-000002" in shown and "66500" in shown  # credited so far
    # and the credit note's PDF names the invoice, the amount and the reason
    pdf = tenant_client.get(f"/billing/invoices/{invoice.pk}/credit-notes/{notes[0].pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    text = _text(pdf.content)
    assert "NOTA KREDIT" in text and "CN-2026-000001" in text and invoice.number in text
    assert "Rp16.500" in text and "PPN salah tarif" in text
    # When the village's admin opens the invoice from its billing page
    admin = make_member(village, Role.TENANT_ADMIN)
    holder = TenantClient()
    sign_in(holder, admin)
    billing = holder.get("/billing/", tenant=village).content.decode()
    assert f'href="/t/desa-kredit/billing/invoices/{invoice.pk}/"' in billing
    assert "nota kredit Rp66500" in billing  # next to the invoice in the list
    seen = holder.get(f"/billing/invoices/{invoice.pk}/", tenant=village).content.decode()
    # Then the notes are next to the invoice, each with its PDF
    assert "CN-2026-000001" in seen and "Diskon desa percontohan" in seen
    own_pdf = holder.get(f"/billing/invoices/{invoice.pk}/credit-notes/{notes[1].pk}/pdf/",
                         tenant=village)  # fmt: skip
    assert "Rp50.000" in _text(own_pdf.content)
    # and the invoice PDF and the API list them too
    assert "CN-2026-000002" in _text(holder.get(f"/billing/invoices/{invoice.pk}/pdf/",
                                                tenant=village).content)  # fmt: skip
    got = holder.get(f"/api/v1/billing/invoices/{invoice.pk}/", tenant=village).json()
    assert [(n["number"], n["amount"]) for n in got["credit_notes"]] == [
        ("CN-2026-000001", 16_500), ("CN-2026-000002", 50_000),
    ]  # fmt: skip


def test_bad_credit_notes_are_refused_on_their_field_and_store_nothing(
    tenant_factory: TenantFactory, tenant_client: TenantClient, operator: User
) -> None:
    village = tenant_factory()
    invoice = _invoice(village)
    sign_in(tenant_client, operator)
    api = f"/api/v1/billing/invoices/{invoice.pk}/credit-notes/"
    cases = [
        ({"amount": -5, "reason": "Koreksi"}, "billing.negative_amount", "amount",
         "Jumlah harus lebih dari nol.", "The amount must be more than zero."),
        ({"amount": 166_501, "reason": "Koreksi"}, "billing.credit_too_large", "amount",
         "Nota kredit melebihi sisa nilai tagihan.",
         "The credit note exceeds what is left of the invoice."),
        ({"amount": 1000, "reason": "   "}, "billing.reason_required", "reason",
         "Alasan nota kredit wajib diisi.", "A reason for the credit note is required."),
    ]  # fmt: skip
    reader = TenantClient()
    sign_in(reader, operator)
    reader.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for given, code, field, indonesian, english in cases:
        refused = tenant_client.post(api, given, content_type="application/json")
        assert refused.status_code == 400, given
        body = refused.json()
        assert (body["code"], body["extra"]["field"], body["message"]) == (
            code, field, indonesian
        )
        in_english = reader.post(api, given, content_type="application/json")
        assert in_english.json()["message"] == english
    # the page shows the same error on the field
    page = tenant_client.post(f"/billing/invoices/{invoice.pk}/", {"amount": "-5",
                              "reason": "Koreksi"})  # fmt: skip
    assert page.status_code == 400
    assert "Jumlah harus lebih dari nol." in page.content.decode()
    # an unknown invoice is a 404 in the one shape
    assert tenant_client.post("/api/v1/billing/invoices/999999/credit-notes/",
                              {"amount": 1, "reason": "x"},
                              content_type="application/json").status_code == 404  # fmt: skip
    assert not CreditNote.objects.exists()
