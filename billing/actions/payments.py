"""Payments: a bank transfer's proof (uploaded by the account, confirmed by the operator) and
Midtrans' HTTP notification (verified, idempotent). An invoice is paid when its confirmed
payments and credit notes cover its total; paying lifts a read-only standing."""

from __future__ import annotations

from typing import Any

import filetype
import httpx
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import midtrans
from billing.actions.audit import record
from billing.actions.entitlements import refresh_entitlements
from billing.actions.invoices import credited
from billing.errors import BillingError, BillingErrorCode, BillingSignatureError
from billing.models import (
    Account,
    AccountStatus,
    GatewayNotification,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from tenants.models import User

PROOF_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
PROOF_LIMIT = 5 * 1024 * 1024


def _settle(invoice: Invoice) -> bool:
    """Mark `invoice` (locked) paid when covered; returns whether it now is."""
    paid = (
        Payment.objects.filter(invoice=invoice, status=PaymentStatus.CONFIRMED).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    if paid + credited(invoice) < invoice.total:
        return False
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.PAID)
    invoice.status = InvoiceStatus.PAID
    account = invoice.account
    overdue = Invoice.objects.filter(
        account=account, status=InvoiceStatus.ISSUED, due_on__lt=timezone.localdate()
    ).exists()
    if account.status != AccountStatus.ACTIVE and not overdue:
        Account.objects.filter(pk=account.pk).update(status=AccountStatus.ACTIVE)
        refresh_entitlements(account.coverages.values_list("tenant_id", flat=True))
    return True


def do_submit_transfer_proof(
    *, invoice: Invoice, amount: int, proof: bytes, proof_name: str, actor: User | None
) -> Payment:
    if amount <= 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT,
            _("Jumlah harus lebih dari nol."),
            {"field": "amount"},
        )
    if len(proof) > PROOF_LIMIT:
        raise BillingError(
            BillingErrorCode.PROOF_TOO_LARGE,
            _("Bukti transfer terlalu besar: paling besar 5 MB."),
            {"field": "proof"},
        )
    kind = filetype.guess(proof[:2048])
    mime = kind.mime if kind is not None else ""
    if mime not in PROOF_TYPES:
        raise BillingError(
            BillingErrorCode.BAD_PROOF,
            _("Bukti transfer harus berupa PDF atau foto (JPEG, PNG, WebP)."),
            {"field": "proof"},
        )
    with transaction.atomic():
        payment = Payment.objects.create(
            invoice=invoice,
            method=PaymentMethod.TRANSFER,
            amount=amount,
            proof=proof,
            proof_name=proof_name[-200:],
            proof_type=mime,
        )
        record("transfer_proof_submitted", actor=actor, account=invoice.account,
               invoice=invoice.number, amount=amount)  # fmt: skip
    return payment


def do_decide_transfer(*, payment: Payment, confirm: bool, actor: User | None) -> Payment:
    """The operator confirms (the money arrived) or rejects a transfer, once."""
    with transaction.atomic():
        locked = (
            Payment.objects.select_for_update()
            .select_related("invoice__account")
            .get(pk=payment.pk)
        )
        if locked.status != PaymentStatus.PENDING:
            raise BillingError(
                BillingErrorCode.ALREADY_DECIDED,
                _("Pembayaran ini sudah diputuskan."),
                {"field": "payment"},
            )
        invoice = Invoice.objects.select_for_update().get(pk=locked.invoice_id)
        locked.status = PaymentStatus.CONFIRMED if confirm else PaymentStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        if confirm:
            _settle(invoice)
        record("transfer_confirmed" if confirm else "transfer_rejected", actor=actor,
               account=invoice.account, invoice=invoice.number, amount=locked.amount)  # fmt: skip
    return locked


def do_receive_gateway_notification(body: dict[str, Any]) -> GatewayNotification:
    """Midtrans' HTTP notification. A bad signature is refused and nothing is stored; a replay
    (same transaction and status) changes nothing; a settlement the status API confirms pays
    the invoice once (the payment's reference is the transaction id)."""
    if not midtrans.verified(body):
        raise BillingSignatureError(
            BillingErrorCode.BAD_SIGNATURE,
            _("Tanda tangan notifikasi tidak sah."),
            {"field": "signature_key"},
        )
    order_id = str(body.get("order_id", ""))
    transaction_id = str(body.get("transaction_id", ""))
    state = str(body.get("transaction_status", ""))
    invoice = Invoice.objects.filter(number=order_id).first()
    if invoice is None or not transaction_id:
        raise BillingError(
            BillingErrorCode.UNKNOWN_ORDER,
            _("Tagihan %(order)s tidak dikenal.") % {"order": order_id},
            {"field": "order_id"},
        )
    seen = GatewayNotification.objects.filter(
        transaction_id=transaction_id, transaction_status=state
    ).first()
    if seen is not None:
        return seen
    status: dict[str, Any] = {}
    if state in ("settlement", "capture"):
        try:
            status = midtrans.transaction_status(order_id)
        except httpx.HTTPError:
            # Midtrans retries a notification that got no 2xx: nothing is stored now.
            raise BillingError(
                BillingErrorCode.NOT_CONFIRMED,
                _("Status transaksi belum dapat dipastikan ke Midtrans."),
                {"field": "order_id"},
            ) from None
    amount = midtrans.whole_rupiah(str(status.get("gross_amount", "")))
    try:
        with transaction.atomic():
            notification = GatewayNotification.objects.create(
                order_id=order_id,
                transaction_id=transaction_id,
                transaction_status=state,
                gross_amount=str(body.get("gross_amount", "")),
                body=body,
            )
            if (
                midtrans.settled(status)
                and status.get("transaction_id") == transaction_id
                and amount is not None
            ):
                locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
                _payment, created = Payment.objects.get_or_create(
                    reference=transaction_id,
                    defaults={
                        "invoice": locked,
                        "method": PaymentMethod.GATEWAY,
                        "amount": amount,
                        "status": PaymentStatus.CONFIRMED,
                        "decided_at": timezone.now(),
                    },
                )
                if created:
                    _settle(locked)
                    record("gateway_paid", actor=None, account=locked.account,
                           invoice=locked.number, amount=amount)  # fmt: skip
    except IntegrityError:
        # The same notification, delivered twice at once: the other one stored it.
        return GatewayNotification.objects.get(
            transaction_id=transaction_id, transaction_status=state
        )
    return notification


def do_enforce_due_invoices() -> int:
    """After a missed payment: a grace period (masa tenggang), then read-only staff access
    for the account's tenants. Citizens and the complaint's own path never stop. Returns how
    many accounts changed standing."""
    today = timezone.localdate()
    changed = 0
    with transaction.atomic():
        overdue = (
            Invoice.objects.filter(status=InvoiceStatus.ISSUED, due_on__lt=today)
            .select_related("account")
            .order_by("due_on")
        )
        standing: dict[int, tuple[Account, str]] = {}
        for invoice in overdue:
            account = invoice.account
            late = (today - invoice.due_on).days
            status: str = (
                AccountStatus.READ_ONLY if late > account.grace_days else AccountStatus.GRACE
            )
            if standing.get(account.pk, (account, ""))[1] != AccountStatus.READ_ONLY:
                standing[account.pk] = (account, status)
        for account, status in standing.values():
            if account.status != status:
                Account.objects.filter(pk=account.pk).update(status=status)
                refresh_entitlements(account.coverages.values_list("tenant_id", flat=True))
                record("standing_changed", actor=None, account=account, status=status)
                changed += 1
    return changed
