"""Reaching billing objects on someone's behalf: the same "not found" for missing and
forbidden. A tenant sees only the account it holds (its admins); the operator sees all."""

from __future__ import annotations

from aduan.errors import NotFoundError
from billing.models import Account, CreditNote, Invoice, Payment, PaymentStatus
from tenants.models import Tenant

NOT_FOUND = "billing.not_found"


def _missing() -> NotFoundError:
    return NotFoundError(NOT_FOUND, "Tidak ditemukan.")


def held_account(tenant: Tenant) -> Account | None:
    """The account this tenant holds (its admins pay and see its invoices), if any."""
    return Account.objects.filter(holder=tenant).order_by("pk").first()


def access_held_invoice(tenant: Tenant, invoice_id: int) -> Invoice:
    found = Invoice.objects.filter(pk=invoice_id, account__holder=tenant).first()
    if found is None:
        raise _missing()
    return found


def access_account(account_id: int) -> Account:
    """For the operator (the view's declaration checked the role)."""
    found = Account.objects.filter(pk=account_id).first()
    if found is None:
        raise _missing()
    return found


def access_pending_payment(payment_id: int) -> Payment:
    found = (
        Payment.objects.filter(pk=payment_id, status=PaymentStatus.PENDING)
        .select_related("invoice")
        .first()
    )
    if found is None:
        raise _missing()
    return found


def access_invoice(invoice_id: int) -> Invoice:
    """For the operator (the view's declaration checked the role)."""
    found = Invoice.objects.filter(pk=invoice_id).select_related("account").first()
    if found is None:
        raise _missing()
    return found


def access_credit_note(invoice: Invoice, note_id: int) -> CreditNote:
    """A credit note of an invoice already reached through an access helper."""
    found = CreditNote.objects.filter(pk=note_id, invoice=invoice).select_related("invoice").first()
    if found is None:
        raise _missing()
    return found
