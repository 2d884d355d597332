"""Issuing monthly invoices (faktur tagihan) and credit notes (nota kredit). Nothing issued
is edited afterwards: a correction is a credit note."""

from __future__ import annotations

import hashlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from billing import periods
from billing.actions.audit import record
from billing.errors import BillingError, BillingErrorCode
from billing.models import (
    Account,
    BillingEvent,
    Coverage,
    CreditNote,
    Invoice,
    InvoiceLine,
    TaxRate,
)
from billing.money import rupiah, whole
from billing.numbering import next_number
from billing.pdf import invoice_pdf
from tenants.models import User

logger = logging.getLogger("aduan.billing")

PAYMENT_TERM_DAYS = 14
EMAILED = "invoice_emailed"


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
    """A credit note (nota kredit) against an issued invoice, with its reason: the invoice is
    never edited; the notes together never exceed its total."""
    reason = reason.strip()
    if not reason:
        raise BillingError(
            BillingErrorCode.REASON_REQUIRED,
            _("Alasan nota kredit wajib diisi."),
            {"field": "reason"},
        )
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


@dataclass
class InvoiceRun:
    """What one run of the monthly invoices did (or, dry, would do)."""

    period: date
    dry_run: bool
    issued: list[str] = field(default_factory=list)  # numbers (dry: account names and totals)
    emailed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already issued, or nothing to bill
    failed: list[str] = field(default_factory=list)  # with the reason; retried next run


def previous_period(day: date | None = None) -> date:
    """The last closed month (its first day)."""
    first = periods.month_start(day or periods.today())
    return periods.month_start(first - timedelta(days=1))


def do_run_invoices(*, period: date, dry_run: bool = False) -> InvoiceRun:
    """The monthly invoice run: every account that covered a tenant during `period` gets its
    invoice once (an account already invoiced is skipped, so a re-run or a second worker
    issues nothing twice), and every invoice of the period not e-mailed yet goes to its
    account's billing address with the PDF attached. Each account in its own transaction: one
    failing (no PPN rate in force, the mail server down) does not stop the others, and is
    retried by the next run."""
    run = InvoiceRun(period=period, dry_run=dry_run)
    end = periods.next_month(period)
    billed = Invoice.objects.filter(account=OuterRef("pk"), period=period)
    active = Coverage.objects.filter(account=OuterRef("pk"), starts_on__lt=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=period)
    )
    due = Account.objects.filter(Exists(active)).order_by("pk")
    for account in due.filter(~Exists(billed)):
        if dry_run:
            lines = lines_for(account, period)
            run.issued.append(
                f"{account.name}: {len(lines)} line(s), {rupiah(sum(x.amount for x in lines))}"
            )
            continue
        try:
            run.issued.append(do_issue_invoice(account=account, period=period, actor=None).number)
        except BillingError as error:
            if error.code in (BillingErrorCode.ALREADY_ISSUED, BillingErrorCode.NOTHING_TO_BILL):
                run.skipped.append(account.name)
            else:
                run.failed.append(f"{account.name}: {error.message}")
    if dry_run:
        return run
    sent = BillingEvent.objects.annotate(number=KT("detail__number")).filter(
        kind=EMAILED, number=OuterRef("number")
    )
    for invoice in (
        Invoice.objects.filter(period=period)
        .exclude(account__email="")
        .filter(~Exists(sent))
        .select_related("account")
        .order_by("number")
    ):
        try:
            if do_email_invoice(invoice=invoice):
                run.emailed.append(invoice.number)
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("billing: invoice %s not e-mailed: %s", invoice.number, error)
            run.failed.append(f"{invoice.number}: {error}")
    return run


def do_email_invoice(*, invoice: Invoice) -> bool:
    """E-mail the invoice (PDF attached) to its account's billing address, once: the row is
    locked while the mail leaves and the sending is recorded in the same transaction, so a
    concurrent run waits and then finds it sent; a failed send records nothing. The
    Message-ID comes from the number, so a resend after a crash is recognisably the same."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().select_related("account").get(pk=invoice.pk)
        address = locked.account.email
        if not address or BillingEvent.objects.filter(
            kind=EMAILED, detail__number=locked.number
        ).exists():
            return False
        with override(settings.LANGUAGE_CODE):
            subject = _("Faktur tagihan %(number)s periode %(period)s") % {
                "number": locked.number, "period": locked.period.strftime("%m-%Y"),
            }  # fmt: skip
            body = _(
                "Yth. %(name)s,\n\nTerlampir faktur tagihan %(number)s untuk periode "
                "%(period)s sebesar %(total)s (termasuk PPN), jatuh tempo %(due)s.\n"
                "Bayar dengan transfer bank (unggah bukti di halaman tagihan) atau lewat "
                "Midtrans.\n\nAduan"
            ) % {
                "name": locked.billed_name, "number": locked.number,
                "period": locked.period.strftime("%m-%Y"), "total": rupiah(locked.total),
                "due": locked.due_on.strftime("%d-%m-%Y"),
            }  # fmt: skip
            pdf = invoice_pdf(locked)
        digest = hashlib.sha256(locked.number.encode()).hexdigest()[:32]
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "aduan"
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": f"<invoice-{digest}@{domain}>"},
        )
        message.attach(f"{locked.number}.pdf", pdf, "application/pdf")
        message.send(fail_silently=False)
        record(EMAILED, actor=None, account=locked.account, number=locked.number, to=address)
    return True
