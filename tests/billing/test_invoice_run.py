"""Issue 21: the monthly invoice run (the scheduled job `run_invoices`, and
`aduan billing invoice-run --period YYYY-MM [--dry-run]`): each account's invoice for the
closed month exactly once, e-mailed with its PDF to the account's billing address (a real
SMTP server on loopback); a re-run or a second run issues and sends nothing twice."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from aduan import cli
from billing import tasks
from billing.actions.accounts import do_cover_tenant, do_create_account
from billing.actions.plans import do_create_plan, do_set_tax_rate
from billing.models import Account, BillingEvent, Invoice
from tenants.models import Tenant, TenantKind
from tests.factories import TenantFactory
from tests.integrations.conftest import SmtpInbox

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")


def _account(holder: Tenant, email: str) -> Account:
    return do_create_account(name=f"Pemerintah {holder.name}", address="Jl. Sudirman 32",
                             npwp="001234567890100", email=email, holder=holder,
                             actor=None)  # fmt: skip


def _setup(tenant_factory: TenantFactory) -> tuple[Account, Account, Account]:
    do_set_tax_rate(rate=Decimal("12"), base_numerator=11, base_denominator=12,
                    valid_from=date(2025, 1, 1), actor=None)  # fmt: skip
    do_create_plan(code="desa", name="Desa", monthly_price=150_000, features=[], actor=None)
    regency = tenant_factory(kind=TenantKind.PEMKAB, region_code="33.01", name="Kab. Cilacap")
    village = tenant_factory(parent=regency, name="Desa Babakan")
    other = tenant_factory(region_code="33.01.02.2014", name="Desa Karanganyar")
    late = tenant_factory(region_code="33.01.02.2015", name="Desa Kemiri")
    sponsor = _account(regency, "keuangan@cilacapkab.example")
    own = _account(other, "bendahara@karanganyar.example")
    starts_later = _account(late, "")
    do_cover_tenant(account=sponsor, tenant=village, plan_code="desa", actor=None,
                    starts_on=date(2026, 10, 1))  # fmt: skip
    do_cover_tenant(account=own, tenant=other, plan_code="desa", actor=None,
                    starts_on=date(2026, 11, 16))  # fmt: skip
    # covered only from December: nothing to bill for November
    do_cover_tenant(account=starts_later, tenant=late, plan_code="desa", actor=None,
                    starts_on=date(2026, 12, 1))  # fmt: skip
    return sponsor, own, starts_later


def test_the_scheduled_run_issues_and_mails_each_invoice_once(
    tenant_factory: TenantFactory, smtp: SmtpInbox
) -> None:
    sponsor, own, _starts_later = _setup(tenant_factory)
    # When the daily job runs on 1 December, 00:30 in Jakarta
    with time_machine.travel(datetime(2026, 12, 1, 0, 30, tzinfo=JAKARTA), tick=False):
        tasks.run_invoices.fn()
    # Then November's two invoices are issued (the one starting in December has none)
    issued = {i.account_id: i for i in Invoice.objects.filter(period=date(2026, 11, 1))}
    assert set(issued) == {sponsor.pk, own.pk}
    assert issued[own.pk].subtotal == 75_000  # 16-30 November: 15 of 30 days
    # and each went once to its account's billing address, in Bahasa Indonesia, PDF attached
    assert sorted(m["To"] for m in smtp.messages) == [
        "bendahara@karanganyar.example", "keuangan@cilacapkab.example",
    ]  # fmt: skip
    mail = next(m for m in smtp.messages if m["To"] == "keuangan@cilacapkab.example")
    number = issued[sponsor.pk].number
    assert mail["Subject"] == f"Faktur tagihan {number} periode 11-2026"
    (attachment,) = [p for p in mail.walk() if p.get_content_type() == "application/pdf"]
    assert attachment.get_filename() == f"{number}.pdf"
    payload = attachment.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(payload)).pages)
    assert number in text and "Rp166.500" in text  # 150 000 + PPN 12% of 137 500
    # When the job runs again (the next day, or a second scheduler), nothing is issued or sent
    with time_machine.travel(datetime(2026, 12, 2, 0, 30, tzinfo=JAKARTA), tick=False):
        tasks.run_invoices.fn()
    assert Invoice.objects.count() == 2
    assert len(smtp.messages) == 2
    assert BillingEvent.objects.filter(kind="invoice_emailed").count() == 2


def test_a_failed_mail_is_sent_by_the_next_run_and_the_invoice_stays_issued_once(
    tenant_factory: TenantFactory, smtp: SmtpInbox, settings: object
) -> None:
    _setup(tenant_factory)
    # Given the mail server down at the first run
    port = settings.EMAIL_PORT  # type: ignore[attr-defined]
    settings.EMAIL_PORT = 1  # type: ignore[attr-defined]
    with time_machine.travel(datetime(2026, 12, 1, 0, 30, tzinfo=JAKARTA), tick=False):
        code = cli.main(["billing", "invoice-run", "--period", "2026-11"])
    # Then the invoices are issued, none marked sent, and the command says it failed
    assert code == 1
    assert Invoice.objects.count() == 2
    assert not BillingEvent.objects.filter(kind="invoice_emailed").exists()
    # When the mail server is back and the command runs again
    settings.EMAIL_PORT = port  # type: ignore[attr-defined]
    with time_machine.travel(datetime(2026, 12, 1, 1, 0, tzinfo=JAKARTA), tick=False):
        assert cli.main(["billing", "invoice-run", "--period", "2026-11"]) == 0
    # Then the same two invoices went out, once each
    assert Invoice.objects.count() == 2
    assert len(smtp.messages) == 2


def test_the_cli_dry_run_stores_and_sends_nothing_and_a_bad_month_is_refused(
    tenant_factory: TenantFactory, smtp: SmtpInbox, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(tenant_factory)
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=JAKARTA), tick=False):
        assert cli.main(["billing", "invoice-run", "--period", "2026-11", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2026-11: 2 invoice(s) would be issued (dry run, nothing stored)" in out
    assert "Pemerintah Desa Karanganyar: 1 line(s), Rp75.000" in out
    assert not Invoice.objects.exists()
    assert smtp.messages == []
    with pytest.raises(SystemExit):
        cli.main(["billing", "invoice-run", "--period", "2026-13"])
    assert "expected a month as YYYY-MM" in capsys.readouterr().err
