"""Issuing monthly invoices (faktur tagihan) and credit notes (nota kredit). Nothing issued
is edited afterwards: a correction is a credit note."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import periods
from billing.actions.audit import record
from billing.errors import BillingError, BillingErrorCode
from billing.models import Account, Coverage, CreditNote, Invoice, InvoiceLine, TaxRate
from billing.money import whole
from billing.numbering import next_number
from tenants.models import User

PAYMENT_TERM_DAYS = 14


@dataclass(frozen=True)
class Line:
    tenant_id: int
    description: str
    days: int
    amount: int


def lines_for(account: Account, period: date) -> list[Line]:
    """One line per tenant and plan in force during `period`, prorated by day."""
    end = periods.next_month(period)
    length = periods.days_in(period)
    coverages = (
        Coverage.objects.filter(account=account, starts_on__lt=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=period))
        .select_related("tenant", "plan")
        .order_by("tenant__name", "starts_on")
    )
    lines = []
    for coverage in coverages:
        first = max(coverage.starts_on, period)
        last = min(coverage.ends_on or end, end)
        days = (last - first).days
        if days <= 0:
            continue
        amount = whole(Decimal(coverage.plan.monthly_price) * days / length)
        lines.append(
            Line(
                coverage.tenant_id,
                _("%(tenant)s — paket %(plan)s, %(first)s s.d. %(last)s (%(days)s hari)")
                % {
                    "tenant": coverage.tenant.name,
                    "plan": coverage.plan.name,
                    "first": first.strftime("%d-%m-%Y"),
                    "last": (last - timedelta(days=1)).strftime("%d-%m-%Y"),
                    "days": days,
                },
                days,
                amount,
            )
        )
    return lines


def tax_in_force(day: date) -> TaxRate:
    tax = TaxRate.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
    if tax is None:
        raise BillingError(
            BillingErrorCode.NO_TAX_RATE,
            _("Tarif PPN yang berlaku belum ditetapkan operator."),
            {"field": "period"},
        )
    return tax


def do_issue_invoice(*, account: Account, period: date, actor: User | None) -> Invoice:
    """The invoice of `account` for the month starting `period`: once per account and month,
    numbered gaplessly in the year of issue, PPN at the rate in force on the day of issue."""
    if period.day != 1:
        raise BillingError(
            BillingErrorCode.BAD_DATE,
            _("Periode tagihan dimulai pada tanggal 1."),
            {"field": "period"},
        )
    now = timezone.now()
    issued_on = timezone.localdate(now)
    with transaction.atomic():
        # One issuer per account at a time: a second waits, then finds the invoice.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        if Invoice.objects.filter(account=account, period=period).exists():
            raise BillingError(
                BillingErrorCode.ALREADY_ISSUED,
                _("Tagihan periode ini sudah terbit."),
                {"field": "period"},
            )
        lines = lines_for(account, period)
        if not lines:
            raise BillingError(
                BillingErrorCode.NOTHING_TO_BILL,
                _("Tidak ada instansi yang ditanggung akun ini pada periode tersebut."),
                {"field": "period"},
            )
        tax = tax_in_force(issued_on)
        subtotal = sum(line.amount for line in lines)
        tax_base = whole(Decimal(subtotal) * tax.base_numerator / tax.base_denominator)
        ppn = whole(Decimal(tax_base) * tax.rate / 100)
        invoice = Invoice.objects.create(
            number=next_number("INV", issued_on.year),
            account=account,
            period=period,
            issued_at=now,
            due_on=issued_on + timedelta(days=PAYMENT_TERM_DAYS),
            subtotal=subtotal,
            tax_base=tax_base,
            ppn_rate=tax.rate,
            ppn=ppn,
            total=subtotal + ppn,
            billed_name=account.name,
            billed_address=account.address,
            billed_npwp=account.npwp,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                tenant_id=line.tenant_id,
                description=line.description,
                days=line.days,
                amount=line.amount,
            )
            for line in lines
        )
        record("invoice_issued", actor=actor, account=account, number=invoice.number,
               total=invoice.total)  # fmt: skip
    return invoice


def credited(invoice: Invoice) -> int:
    return int(invoice.credit_notes.aggregate(total=Sum("amount"))["total"] or 0)


def do_issue_credit_note(
    *, invoice: Invoice, amount: int, reason: str, actor: User | None
) -> CreditNote:
    if amount <= 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT,
            _("Jumlah harus lebih dari nol."),
            {"field": "amount"},
        )
    now = timezone.now()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if credited(locked) + amount > locked.total:
            raise BillingError(
                BillingErrorCode.CREDIT_TOO_LARGE,
                _("Nota kredit melebihi sisa nilai tagihan."),
                {"field": "amount"},
            )
        note = CreditNote.objects.create(
            number=next_number("CN", timezone.localdate(now).year),
            invoice=locked,
            amount=amount,
            reason=reason,
            issued_at=now,
            issued_by=actor,
        )
        record("credit_note_issued", actor=actor, account=locked.account, number=note.number,
               invoice=locked.number, amount=amount)  # fmt: skip
    return note
