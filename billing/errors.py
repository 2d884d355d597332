"""Billing's errors, in the one error shape (aduan.errors)."""

from __future__ import annotations

import enum

from aduan.errors import AduanError


class BillingErrorCode(enum.StrEnum):
    NEGATIVE_AMOUNT = "billing.negative_amount"
    UNKNOWN_PLAN = "billing.unknown_plan"
    UNKNOWN_FEATURE = "billing.unknown_feature"
    DUPLICATE_PLAN = "billing.duplicate_plan"
    BAD_NPWP = "billing.bad_npwp"
    BAD_PROOF = "billing.bad_proof"
    PROOF_TOO_LARGE = "billing.proof_too_large"
    ALREADY_COVERED = "billing.already_covered"
    ALREADY_ISSUED = "billing.already_issued"
    NOTHING_TO_BILL = "billing.nothing_to_bill"
    NO_TAX_RATE = "billing.no_tax_rate"
    BAD_SIGNATURE = "billing.bad_signature"
    UNKNOWN_ORDER = "billing.unknown_order"
    NOT_CONFIRMED = "billing.gateway_not_confirmed"
    ALREADY_DECIDED = "billing.already_decided"
    INVOICE_PAID = "billing.invoice_paid"
    CREDIT_TOO_LARGE = "billing.credit_too_large"
    BAD_DATE = "billing.bad_date"
    REASON_REQUIRED = "billing.reason_required"


class BillingError(AduanError):
    pass


class BillingSignatureError(BillingError):
    """A gateway's call whose signature does not verify: refused, nothing stored."""

    status_code = 403
