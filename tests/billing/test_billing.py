"""Billing (issue 21): a sponsor's invoice itemised per tenant, proration, PPN, the PDF,
transfers and Midtrans' notification, metering, and limits that never silence citizens."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from billing.actions.accounts import do_change_plan, do_cover_tenant, do_create_account
from billing.actions.invoices import do_issue_credit_note, do_issue_invoice
from billing.actions.payments import (
    do_decide_transfer,
    do_enforce_due_invoices,
    do_submit_transfer_proof,
)
from billing.actions.plans import do_create_plan, do_set_tax_rate
from billing.actions.usage import do_meter_usage, record_usage
from billing.errors import BillingError, BillingErrorCode
from billing.models import (
    Account,
    AccountStatus,
    GatewayNotification,
    Invoice,
    InvoiceStatus,
    Payment,
    Plan,
    UsageCounter,
)
from billing.pdf import invoice_pdf
from complaints.models import Channel
from integrations.errors import IntegrationError, IntegrationErrorCode
from integrations.lapor.actions import do_set_lapor_connection
from integrations.models import ChannelName, LaporConnection, OutboxMessage
from tenants import entitlements
from tenants.models import Role, Tenant, TenantKind, User
from tests.billing.fakes import SERVER_KEY, fake_midtrans
from tests.client import TenantClient
from tests.factories import TenantFactory, file_complaint, make_member, sign_in

JAKARTA = ZoneInfo("Asia/Jakarta")


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=JAKARTA)


@pytest.fixture
def regency(tenant_factory: TenantFactory) -> Tenant:
    return tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", slug="pemkab-cilacap",
                          name="Pemerintah Kabupaten Cilacap")  # fmt: skip


@pytest.fixture
def tax() -> None:
    do_set_tax_rate(rate=Decimal("12"), base_numerator=11, base_denominator=12,
                    valid_from=date(2025, 1, 1), actor=None)  # fmt: skip


@pytest.fixture
def village_plan() -> Plan:
    return do_create_plan(code="desa", name="Desa", monthly_price=150_000, features=["lapor"],
                          outbound_messages=300, actor=None)  # fmt: skip


@pytest.fixture
def agency_plan() -> Plan:
    return do_create_plan(code="opd", name="Perangkat Daerah", monthly_price=400_000,
                          features=["lapor", "wbs"], actor=None)  # fmt: skip


def _account(holder: Tenant | None, name: str = "Pemerintah Kabupaten Cilacap") -> Account:
    return do_create_account(name=name, address="Jl. Jenderal Sudirman 32, Cilacap",
                             npwp="00.123.456.7-890.100", holder=holder, actor=None)  # fmt: skip


@pytest.fixture
def operator(reference_data: object) -> User:
    return make_member(Tenant.objects.get(schema_name="public"), Role.PLATFORM_OPERATOR)


@pytest.mark.django_db
def test_a_sponsor_invoice_covers_three_villages_and_an_agency_itemised_with_ppn(
    tenant_factory: TenantFactory, regency: Tenant, tax: None, village_plan: Plan,
    agency_plan: Plan,
) -> None:  # fmt: skip
    # Given a regency's account covering three villages and an agency since before November
    villages = [tenant_factory(parent=regency, name=f"Desa {n}") for n in ("A", "B", "C")]
    agency = tenant_factory(kind=TenantKind.OPD, region_code="33.01", parent=regency,
                            name="Dinas PU")  # fmt: skip
    account = _account(regency)
    for village in villages:
        do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                        starts_on=date(2026, 10, 1))  # fmt: skip
    do_cover_tenant(account=account, tenant=agency, plan_code="opd", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    # When November's invoice is issued
    with time_machine.travel(_at(date(2026, 12, 1)), tick=False):
        invoice = do_issue_invoice(account=account, period=date(2026, 11, 1), actor=None)
    # Then one invoice, one line per tenant, in whole rupiah, PPN 12% of 11/12 of the total
    lines = list(invoice.lines.order_by("amount", "tenant__name"))
    assert [(line.tenant_id, line.days, line.amount) for line in lines] == [
        *[(v.pk, 30, 150_000) for v in villages],
        (agency.pk, 30, 400_000),
    ]
    assert invoice.subtotal == 850_000
    assert invoice.tax_base == 779_167  # 850 000 x 11/12 = 779 166.67, half up
    assert invoice.ppn == 93_500  # 12% of 779 167 = 93 500.04
    assert invoice.total == 943_500
    assert invoice.number == "INV-2026-000001"
    assert (invoice.billed_name, invoice.billed_npwp) == (account.name, "001234567890100")
    # And the month cannot be billed twice
    with pytest.raises(BillingError) as twice:
        do_issue_invoice(account=account, period=date(2026, 11, 1), actor=None)
    assert twice.value.code == BillingErrorCode.ALREADY_ISSUED
    assert Invoice.objects.count() == 1


@pytest.mark.django_db
def test_a_mid_month_upgrade_is_prorated_by_day_and_its_features_apply_at_once(
    tenant_factory: TenantFactory, tax: None, village_plan: Plan, agency_plan: Plan
) -> None:
    village = tenant_factory()
    account = _account(village, name="Pemerintah Desa Babakan")
    with time_machine.travel(_at(date(2026, 11, 1)), tick=False):
        do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None)
    village.refresh_from_db()
    assert not entitlements.has_feature(village, entitlements.WBS)
    # When it upgrades on 16 November (30-day month: 15 days each)
    with time_machine.travel(_at(date(2026, 11, 16)), tick=False):
        do_change_plan(tenant=village, plan_code="opd", actor=None)
    village.refresh_from_db()
    assert entitlements.has_feature(village, entitlements.WBS)
    with time_machine.travel(_at(date(2026, 12, 1)), tick=False):
        invoice = do_issue_invoice(account=account, period=date(2026, 11, 1), actor=None)
    assert [(line.days, line.amount) for line in invoice.lines.order_by("pk")] == [
        (15, 75_000),
        (15, 200_000),
    ]
    assert invoice.subtotal == 275_000
    # And a downgrade keeps WBS for what it already holds, never switched off mid-case
    with time_machine.travel(_at(date(2026, 12, 10)), tick=False):
        do_change_plan(tenant=village, plan_code="desa", actor=None)
    village.refresh_from_db()
    assert not entitlements.has_feature(village, entitlements.WBS)
    assert entitlements.has_feature(village, entitlements.WBS, in_use=True)


@pytest.mark.django_db
def test_the_invoice_pdf_holds_the_totals_and_the_ppn_in_bahasa_indonesia(
    tenant_factory: TenantFactory, tax: None, village_plan: Plan
) -> None:
    village = tenant_factory(name="Pemerintah Desa Babakan")
    account = _account(village, name="Pemerintah Desa Babakan")
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    with time_machine.travel(_at(date(2026, 12, 1)), tick=False):
        invoice = do_issue_invoice(account=account, period=date(2026, 11, 1), actor=None)
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "FAKTUR TAGIHAN" in text
    assert invoice.number in text
    assert "PPN 12%" in text
    assert "Dasar pengenaan pajak Rp137.500" in text  # 150 000 x 11/12
    assert "PPN 12% Rp16.500" in text
    assert "Total Rp166.500" in text
    assert "001234567890100" in text


@pytest.mark.django_db
def test_a_credit_note_corrects_without_editing_and_cannot_exceed_the_invoice(
    tenant_factory: TenantFactory, tax: None, village_plan: Plan
) -> None:
    village = tenant_factory()
    account = _account(village)
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    invoice = do_issue_invoice(account=account, period=date(2026, 10, 1), actor=None)
    note = do_issue_credit_note(invoice=invoice, amount=66_500, reason="Salah hitung", actor=None)
    assert note.number.startswith("CN-")
    for amount in (-5, 100_001):
        with pytest.raises(BillingError):
            do_issue_credit_note(invoice=invoice, amount=amount, reason="x", actor=None)
    invoice.refresh_from_db()
    assert (invoice.total, invoice.credit_notes.count()) == (166_500, 1)


@pytest.mark.django_db
@override_settings(MIDTRANS_SERVER_KEY=SERVER_KEY)
def test_midtrans_notification_pays_once_and_a_bad_signature_stores_nothing(
    tenant_factory: TenantFactory, tenant_client: TenantClient, tax: None, village_plan: Plan
) -> None:
    village = tenant_factory()
    account = _account(village)
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    invoice = do_issue_invoice(account=account, period=date(2026, 10, 1), actor=None)
    url = "/api/v1/billing/midtrans/notification/"
    with fake_midtrans() as midtrans, override_settings(MIDTRANS_API_URL=midtrans.url):
        body = midtrans.settle(invoice.number, "166500.00", "trx-1")
        # A notification signed with another key: refused, nothing stored, Midtrans not asked
        forged = midtrans.notification(invoice.number, key="bukan-kunci-kami")
        refused = tenant_client.post(url, forged, content_type="application/json")
        assert refused.status_code == 403
        assert refused.json()["code"] == "billing.bad_signature"
        assert (GatewayNotification.objects.count(), Payment.objects.count()) == (0, 0)
        assert midtrans.status_calls == []
        # The real one: verified, confirmed by the status API, the invoice paid
        first = tenant_client.post(url, body, content_type="application/json")
        assert first.status_code == 200
        # Its replay: answered 200 (Midtrans stops retrying), nothing paid twice
        again = tenant_client.post(url, body, content_type="application/json")
        assert again.status_code == 200
    assert midtrans.status_calls == [invoice.number]
    assert list(Payment.objects.values_list("reference", "amount", "status")) == [
        ("trx-1", 166_500, "confirmed")
    ]
    assert GatewayNotification.objects.count() == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


@pytest.mark.django_db
def test_bad_input_gets_a_clear_error_and_stores_nothing(
    tenant_factory: TenantFactory, tenant_client: TenantClient, operator: User, tax: None,
    village_plan: Plan,
) -> None:  # fmt: skip
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-desa")
    account = _account(village)
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    invoice = do_issue_invoice(account=account, period=date(2026, 10, 1), actor=None)
    sign_in(tenant_client, operator)
    # A negative price
    negative = tenant_client.post("/api/v1/billing/plans/", {"code": "minus", "name": "Minus",
        "monthly_price": -1, "features": []}, content_type="application/json")  # fmt: skip
    assert negative.status_code == 400
    assert negative.json()["code"] == "billing.negative_amount"
    assert not Plan.objects.filter(code="minus").exists()
    # An unknown plan
    unknown = tenant_client.post(f"/api/v1/billing/accounts/{account.pk}/coverages/",
        {"tenant": village.slug, "plan": "tidak-ada"}, content_type="application/json")  # fmt: skip
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "billing.unknown_plan"
    # A proof that is neither a PDF nor an image, and a negative amount
    sign_in(tenant_client, admin)
    url = f"/api/v1/billing/invoices/{invoice.pk}/transfers/"
    text = SimpleUploadedFile("bukti.txt", b"sudah transfer ya", content_type="text/plain")
    not_pdf = tenant_client.post(url, {"amount": 166_500, "proof": text}, tenant=village)
    assert not_pdf.status_code == 400
    assert not_pdf.json()["code"] == "billing.bad_proof"
    png = SimpleUploadedFile("bukti.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    minus = tenant_client.post(url, {"amount": -10, "proof": png}, tenant=village)
    assert minus.status_code == 400
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_a_transfer_proof_is_confirmed_by_the_operator_and_lifts_read_only(
    tenant_factory: TenantFactory, tenant_client: TenantClient, tax: None, village_plan: Plan
) -> None:
    village = tenant_factory()
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-telat")
    account = _account(village)
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    with time_machine.travel(_at(date(2026, 11, 1)), tick=False):
        invoice = do_issue_invoice(account=account, period=date(2026, 10, 1), actor=None)
    # Missed: a grace period, then read-only staff access
    with time_machine.travel(_at(date(2026, 11, 20)), tick=False):
        do_enforce_due_invoices()
    account.refresh_from_db()
    assert account.status == AccountStatus.GRACE
    with time_machine.travel(_at(date(2026, 12, 5)), tick=False):
        do_enforce_due_invoices()
    village.refresh_from_db()
    assert entitlements.read_only(village)
    # Staff read, with a banner, but do not write; the desk intake and paying stay open
    sign_in(tenant_client, admin)
    page = tenant_client.get("/holidays/", tenant=village)
    assert 'id="billing-read-only"' in page.content.decode()
    holiday = {"date": "2026-08-20", "name": "Hari Jadi Desa"}
    url = "/api/v1/holidays/2026-08-20/"
    refused = tenant_client.post(url, holiday, content_type="application/json", tenant=village)
    assert refused.status_code == 403
    assert "jatuh tempo" in refused.json()["message"]
    desk = tenant_client.post("/console/pengaduan/baru/", {}, tenant=village)
    assert desk.status_code != 403
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    payment = do_submit_transfer_proof(invoice=invoice, amount=166_500, proof=pdf,
                                       proof_name="bukti.pdf", actor=None)  # fmt: skip
    with time_machine.travel(_at(date(2026, 12, 6)), tick=False):
        do_decide_transfer(payment=payment, confirm=True, actor=None)
    invoice.refresh_from_db()
    village.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert not entitlements.read_only(village)


@pytest.mark.django_db
def test_over_the_message_quota_complaints_still_arrive_and_are_answered_by_email(
    tenant_factory: TenantFactory, tax: None
) -> None:
    # Given a village whose plan allows 2 WhatsApp/SMS messages a month
    do_create_plan(code="hemat", name="Hemat", monthly_price=50_000, features=[],
                   outbound_messages=2, actor=None)  # fmt: skip
    village = tenant_factory()
    make_member(village, Role.TENANT_ADMIN, username="admin-hemat").__class__.objects.filter(
        username="admin-hemat").update(email="admin@desa.example.test")  # fmt: skip
    do_cover_tenant(account=_account(village), tenant=village, plan_code="hemat", actor=None)
    # When two messages were sent (one event replayed) and the metering job ran
    assert record_usage(key="outbox:901", tenant_id=village.pk, kind="outbound_messages",
                        quantity=1)  # fmt: skip
    assert not record_usage(key="outbox:901", tenant_id=village.pk, kind="outbound_messages",
                            quantity=1)  # fmt: skip
    assert record_usage(key="outbox:902", tenant_id=village.pk, kind="outbound_messages",
                        quantity=1)  # fmt: skip
    do_meter_usage()
    assert UsageCounter.objects.get(tenant=village, kind="outbound_messages").quantity == 2
    village.refresh_from_db()
    assert entitlements.exhausted(village, entitlements.OUTBOUND_MESSAGES)
    # Then the admins were warned
    assert [m.to for m in mail.outbox] == [["admin@desa.example.test"]]
    # And a WhatsApp complaint still arrives, its receipt going by e-mail instead
    complaint = file_complaint(village, channel=Channel.WHATSAPP, phone="081234567890",
                               email="warga@example.test")  # fmt: skip
    sent = OutboxMessage.objects.filter(tracking_code=complaint.tracking_code)
    assert list(sent.values_list("channel", "recipient")) == [
        (ChannelName.EMAIL, "warga@example.test")
    ]
    # One without an address is filed all the same; the tracking page tells them
    quiet = file_complaint(village, channel=Channel.WHATSAPP, phone="081234567891")
    assert quiet.tracking_code
    assert not OutboxMessage.objects.filter(tracking_code=quiet.tracking_code).exists()
    # A second metering run warns nobody again
    do_meter_usage()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_without_billing_every_tenant_has_every_feature(tenant_factory: TenantFactory) -> None:
    village = tenant_factory()
    assert village.entitlements is None
    assert all(entitlements.has_feature(village, f) for f in entitlements.FEATURES)
    assert entitlements.quota(village, entitlements.OUTBOUND_MESSAGES) is None
    assert not entitlements.exhausted(village, entitlements.OUTBOUND_MESSAGES)


@pytest.mark.django_db
def test_a_connector_outside_the_plan_cannot_be_switched_on(
    tenant_factory: TenantFactory, tax: None
) -> None:
    do_create_plan(code="hemat", name="Hemat", monthly_price=50_000, features=[], actor=None)
    village = tenant_factory()
    do_cover_tenant(account=_account(village), tenant=village, plan_code="hemat", actor=None)
    village.refresh_from_db()
    with pytest.raises(IntegrationError) as refused:
        do_set_lapor_connection(tenant=village, client_id="desa", secret="rahasia", actor=None)
    assert refused.value.code == IntegrationErrorCode.NOT_IN_PLAN
    assert not LaporConnection.objects.filter(tenant=village).exists()


@pytest.mark.django_db
def test_another_tenant_never_sees_an_account_it_does_not_hold(
    tenant_factory: TenantFactory, tenant_client: TenantClient, regency: Tenant, tax: None,
    village_plan: Plan,
) -> None:  # fmt: skip
    # Given the regency's account sponsoring a village, with an invoice
    village = tenant_factory(parent=regency)
    account = _account(regency)
    do_cover_tenant(account=account, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    invoice = do_issue_invoice(account=account, period=date(2026, 10, 1), actor=None)
    # When the village's admin asks for the sponsor's invoice and the account
    admin = make_member(village, Role.TENANT_ADMIN, username="admin-tanggungan")
    sign_in(tenant_client, admin)
    missing = tenant_client.get(f"/api/v1/billing/invoices/{invoice.pk}/", tenant=village)
    mine = tenant_client.get("/api/v1/billing/account/", tenant=village)
    listed = tenant_client.get("/api/v1/billing/invoices/", tenant=village)
    # Then nothing of the sponsor's account: not found, no usage, no invoices
    assert missing.status_code == 404
    assert (mine.json()["account"], mine.json()["usage"]) == (None, [])
    assert listed.json() == []


@pytest.mark.django_db
def test_the_operator_runs_billing_from_its_pages(
    tenant_factory: TenantFactory, tenant_client: TenantClient, operator: User, tax: None
) -> None:
    village = tenant_factory(slug="desa-halaman")
    sign_in(tenant_client, operator)
    # A plan with a negative price is refused on the page, nothing stored
    bad = tenant_client.post("/billing/plans/", {"form": "plan", "code": "minus", "name": "M",
                                                  "monthly_price": "-5"})  # fmt: skip
    assert bad.status_code == 400
    assert "Nilai tidak boleh negatif." in bad.content.decode()
    assert not Plan.objects.filter(code="minus").exists()
    # A plan, an account held by the village, its coverage and an invoice, all by forms
    plan = {"form": "plan", "code": "desa", "name": "Desa", "monthly_price": "150000"}
    assert tenant_client.post("/billing/plans/", plan).status_code == 302
    made = tenant_client.post("/billing/accounts/", {"name": "Pemerintah Desa Halaman",
        "address": "Jl. Desa 1", "npwp": "001234567890100", "holder": "desa-halaman"})  # fmt: skip
    assert made.status_code == 302
    account = Account.objects.get(holder=village)
    page = f"/billing/accounts/{account.pk}/"
    cover = {"form": "cover", "tenant": "desa-halaman", "plan": "desa"}
    assert tenant_client.post(page, cover).status_code == 302
    issue = tenant_client.post(
        page, {"form": "issue", "period": timezone.localdate().replace(day=1)}
    )
    assert issue.status_code == 302
    invoice = Invoice.objects.get(account=account)
    # The village pays by transfer; the operator confirms it from the transfers page
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    payment = do_submit_transfer_proof(invoice=invoice, amount=invoice.total, proof=pdf,
                                       proof_name="bukti.pdf", actor=None)  # fmt: skip
    assert payment.invoice.number in tenant_client.get("/billing/transfers/").content.decode()
    decided = tenant_client.post("/billing/transfers/", {"payment": payment.pk,
                                                         "decision": "confirm"})  # fmt: skip
    assert decided.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
