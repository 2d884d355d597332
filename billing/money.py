"""Rupiah arithmetic: whole rupiah (int), Decimal in between, half up; never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rupiah(amount: int) -> str:
    """`Rp1.234.567`, the Indonesian way."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")
