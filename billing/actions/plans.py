"""The operator's plans (paket) and the PPN rate in force."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from billing.actions.audit import record
from billing.errors import BillingError, BillingErrorCode
from billing.models import Feature, Plan, TaxRate
from tenants.models import User


def _not_negative(field: str, value: int | None) -> None:
    if value is not None and value < 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT,
            _("Nilai tidak boleh negatif."),
            {"field": field},
        )


def do_create_plan(
    *,
    code: str,
    name: str,
    monthly_price: int,
    features: list[str],
    seats: int | None = None,
    storage_mb: int | None = None,
    outbound_messages: int | None = None,
    actor: User | None,
) -> Plan:
    for field, value in (
        ("monthly_price", monthly_price),
        ("seats", seats),
        ("storage_mb", storage_mb),
        ("outbound_messages", outbound_messages),
    ):
        _not_negative(field, value)
    unknown = sorted(set(features) - set(Feature.values))
    if unknown:
        raise BillingError(
            BillingErrorCode.UNKNOWN_FEATURE,
            _("Fitur tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)},
            {"field": "features"},
        )
    with transaction.atomic():
        if Plan.objects.filter(code=code).exists():
            raise BillingError(
                BillingErrorCode.DUPLICATE_PLAN,
                _("Kode paket %(code)s sudah dipakai.") % {"code": code},
                {"field": "code"},
            )
        plan = Plan.objects.create(
            code=code,
            name=name,
            monthly_price=monthly_price,
            features=sorted(set(features)),
            seats=seats,
            storage_mb=storage_mb,
            outbound_messages=outbound_messages,
        )
        record("plan_created", actor=actor, plan=plan.code, monthly_price=monthly_price)
    return plan


def do_set_tax_rate(
    *, rate: Decimal, base_numerator: int, base_denominator: int, valid_from: date,
    actor: User | None,
) -> TaxRate:  # fmt: skip
    """The PPN in force from `valid_from` (a later row supersedes it from its own date)."""
    if rate < 0 or base_numerator < 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT, _("Nilai tidak boleh negatif."), {"field": "rate"}
        )
    if base_denominator <= 0:
        raise BillingError(
            BillingErrorCode.NEGATIVE_AMOUNT,
            _("Penyebut dasar pengenaan pajak harus lebih dari nol."),
            {"field": "base_denominator"},
        )
    with transaction.atomic():
        tax, _created = TaxRate.objects.update_or_create(
            valid_from=valid_from,
            defaults={
                "rate": rate,
                "base_numerator": base_numerator,
                "base_denominator": base_denominator,
            },
        )
        record("tax_rate_set", actor=actor, rate=str(rate), valid_from=valid_from.isoformat(),
               base=f"{base_numerator}/{base_denominator}")  # fmt: skip
    return tax
